// Connection settings of the suite's Firebird 3 server (scripts/firebird-setup.sh, started by
// scripts/test.sh / .ci/run). Override with FIREBIRD_* variables to point at another server.
export const firebird = {
  host: process.env.FIREBIRD_HOST ?? '127.0.0.1',
  port: Number(process.env.FIREBIRD_PORT ?? 3050),
  user: process.env.FIREBIRD_USER ?? 'SYSDBA',
  password: process.env.FIREBIRD_PASSWORD ?? 'masterkey',
  /** Read-only application user created by the setup script. */
  readerUser: process.env.FIREBIRD_READER_USER ?? 'ETL_READER',
  readerPassword: process.env.FIREBIRD_READER_PASSWORD ?? 'etl-reader-dev',
  employeeDatabase: 'employee',
};
