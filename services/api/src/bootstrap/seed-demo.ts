/**
 * Idempotent sample data for the local demo: the Firebird `employee` example database (read-only
 * user), three scripts, a Postgres destination and an every-minute schedule for EMPLOYEE.
 * Items that exist (by name) are left as they are, so running it again changes nothing.
 */
import type { Actor } from '../domain/auth/actor.js';
import type { Services } from '../domain/services.js';

export interface DemoSettings {
  firebirdHost: string;
  firebirdPort: number;
  firebirdUser: string;
  firebirdPassword: string;
  /** postgres://… of the demo destination database. */
  destinationUrl: string;
}

const SEEDER: Actor = { userId: null, email: 'seed-demo', role: 'admin' };

const SCRIPTS = [
  { name: 'EMPLOYEE', sql: 'SELECT EMP_NO, FIRST_NAME, LAST_NAME, PHONE_EXT, HIRE_DATE, DEPT_NO, JOB_CODE, JOB_GRADE, JOB_COUNTRY, SALARY, FULL_NAME FROM EMPLOYEE', table: 'employee' },
  { name: 'SALES', sql: 'SELECT PO_NUMBER, CUST_NO, SALES_REP, ORDER_STATUS, ORDER_DATE, SHIP_DATE, DATE_NEEDED, PAID, QTY_ORDERED, TOTAL_VALUE, DISCOUNT, ITEM_TYPE, AGED FROM SALES', table: 'sales' },
  { name: 'CUSTOMER', sql: 'SELECT CUST_NO, CUSTOMER, CONTACT_FIRST, CONTACT_LAST, PHONE_NO, ADDRESS_LINE1, ADDRESS_LINE2, CITY, STATE_PROVINCE, COUNTRY, POSTAL_CODE, ON_HOLD FROM CUSTOMER', table: 'customer' },
];

const DEMO_GRANTEES = [
  { email: 'operator@example.com', name: 'Otto Operator', role: 'operator' },
  { email: 'viewer@example.com', name: 'Vera Viewer', role: 'viewer' },
] as const;

export interface SeedReport {
  created: string[];
  kept: string[];
}

export async function seedDemo(services: Services, settings: DemoSettings): Promise<SeedReport> {
  const report: SeedReport = { created: [], kept: [] };
  const ensure = async <T extends { id: number; name: string }>(kind: string, name: string, list: () => Promise<T[]>, create: () => Promise<T>): Promise<T> => {
    const existing = (await list()).find((item) => item.name === name);
    if (existing) {
      report.kept.push(`${kind} ${name}`);
      return existing;
    }
    report.created.push(`${kind} ${name}`);
    return create();
  };
  const { catalog, schedules } = services;

  const source = await ensure('source', 'employee (Firebird example)', () => catalog.listSources(SEEDER), () =>
    catalog.createSource(SEEDER, {
      name: 'employee (Firebird example)',
      host: settings.firebirdHost,
      port: settings.firebirdPort,
      database: 'employee',
      user: settings.firebirdUser,
      password: settings.firebirdPassword,
      charset: 'NONE',
      legacyCharset: 'WIN1252',
      timeZone: 'America/Sao_Paulo',
      wireCrypt: 'required',
    }),
  );
  let employee: { script: { id: number }; destination: { id: number } } | undefined;
  const samples: { script: { id: number }; destination: { id: number } }[] = [];
  for (const item of SCRIPTS) {
    const script = await ensure('script', item.name, () => catalog.listScripts(SEEDER), () => catalog.createScript(SEEDER, { name: item.name, sourceId: source.id, sql: item.sql }));
    const destination = await ensure('destination', `postgres etl_demo.${item.table}`, () => catalog.listDestinations(SEEDER), () =>
      catalog.createDestination(SEEDER, { name: `postgres etl_demo.${item.table}`, kind: 'postgres', schema: 'public', table: item.table, writeMode: 'truncate', connectionUrl: settings.destinationUrl }),
    );
    samples.push({ script, destination });
    if (item.name === 'EMPLOYEE') employee = { script, destination };
  }
  const sample = { sourceIds: [source.id], scriptIds: samples.map((s) => s.script.id), destinationIds: samples.map((s) => s.destination.id) };
  // The dev IdP's first operator and viewer may use the sample from their first sign-in (the
  // second ones start with nothing, to show per-user permissions). Only accounts the seed creates
  // are granted: a later change by an admin is never undone by running the seed again.
  for (const person of DEMO_GRANTEES) {
    const user = await services.users.provision(SEEDER, person);
    if (!user) {
      report.kept.push(`user ${person.email}`);
      continue;
    }
    await services.permissions.setGrants(SEEDER, user.id, sample);
    report.created.push(`user ${person.email} (${person.role}, granted the sample)`);
  }
  await ensure('schedule', 'EMPLOYEE every minute', () => schedules.list(SEEDER), () =>
    schedules.create(SEEDER, {
      name: 'EMPLOYEE every minute',
      sourceId: source.id,
      scriptId: employee!.script.id,
      destinationId: employee!.destination.id,
      cron: '* * * * *',
      timeZone: 'America/Sao_Paulo',
      active: true,
      maxRuntimeSeconds: 300,
    }),
  );
  return report;
}
