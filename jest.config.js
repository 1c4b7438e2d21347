// ESM jest: @kubernetes/client-node, oidc-provider and the Google clients' dynamic imports need
// --experimental-vm-modules (set by `npm run jest`). ts-jest only transpiles; `npm run typecheck` checks types.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testEnvironmentOptions: { globalsCleanup: 'off' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  cacheDirectory: '<rootDir>/.cache/jest',
  testTimeout: 60000,
  maxWorkers: 2,
};
