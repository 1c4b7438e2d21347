// Configuration from the environment: defaults, every problem reported at once, production guards.
import { describe, expect, test } from '@jest/globals';
import { ConfigError, loadConfig } from '../../services/api/src/config.js';
import { createDevIdentityProvider } from '../../services/api/src/adapters/dev-idp/dev-identity-provider.js';

const BASE = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/etl', SESSION_SECRET: 's'.repeat(40) };

describe('loadConfig', () => {
  test('local development defaults', () => {
    const config = loadConfig({ ...BASE, ETL_DEV_IDP: 'true' });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 8080,
      runtime: 'local',
      devIdp: true,
      roleMapping: { 'etl-admins': 'admin', 'etl-operators': 'operator', 'etl-viewers': 'viewer' },
      bootstrapAdmins: [],
    });
    expect(config.publicUrl).toBeUndefined();
    expect(config.oidc).toBeUndefined();
    expect(config.etlHome).toBe(`${process.cwd()}/.local`);
  });

  test('an external provider with mapping, bootstrap admins and public URL', () => {
    const config = loadConfig({
      ...BASE,
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://etl.example.com/',
      OIDC_ISSUER: 'https://idp.example.com/realms/x/',
      OIDC_CLIENT_ID: 'etl',
      OIDC_CLIENT_SECRET: 'shh',
      OIDC_ROLE_MAPPING: 'data-admins=admin, data-ops=operator',
      BOOTSTRAP_ADMINS: 'Ana@Example.com, bo@example.com',
      ETL_RUNTIME: 'kubernetes',
    });
    expect(config.publicUrl).toBe('https://etl.example.com');
    expect(config.oidc).toEqual({ issuer: 'https://idp.example.com/realms/x', clientId: 'etl', clientSecret: 'shh', scopes: ['openid', 'email', 'profile', 'groups'], groupsClaim: 'groups' });
    expect(config.roleMapping).toEqual({ 'data-admins': 'admin', 'data-ops': 'operator' });
    expect(config.bootstrapAdmins).toEqual(['ana@example.com', 'bo@example.com']);
  });

  test('every problem is listed in one error', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', ETL_RUNTIME: 'docker', OIDC_ROLE_MAPPING: 'admins=root' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'PORT must be an integer 0-65535 (got "eighty")',
      'DATABASE_URL is required, e.g. postgres://user:password@host:5432/etl_monitor',
      'SESSION_SECRET is required (a long random string; e.g. `openssl rand -hex 32`)',
      'ETL_RUNTIME must be local or kubernetes (got "docker")',
      'OIDC_ISSUER is required (or set ETL_DEV_IDP=true for local development)',
      'OIDC_CLIENT_ID is required',
      'OIDC_CLIENT_SECRET is required',
      'OIDC_ROLE_MAPPING entry "admins=root" must look like group=admin|operator|viewer',
    ]);
  });

  test('production refuses the development identity provider', () => {
    expect(() => loadConfig({ ...BASE, NODE_ENV: 'production', ETL_DEV_IDP: 'true' })).toThrow(
      'ETL_DEV_IDP=true is refused when NODE_ENV=production: configure a real OpenID provider (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)',
    );
    expect(() =>
      createDevIdentityProvider({ issuer: 'http://127.0.0.1:1/dev-idp', clientId: 'c', clientSecret: 's', redirectUri: 'http://127.0.0.1:1/auth/callback', postLogoutRedirectUri: 'http://127.0.0.1:1/', nodeEnv: 'production' }),
    ).toThrow('The development identity provider refuses to start with NODE_ENV=production');
  });
});
