/**
 * The initial schema (DESIGN §3). Plain SQL: partial unique indexes and CHECKs say exactly what
 * the rules are, which Sequelize's schema DSL would hide.
 */
import type { QueryInterface } from 'sequelize';

export const name = '0001-initial-schema';

const UP = `
CREATE TABLE users (
  id            SERIAL PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'viewer')),
  active        BOOLEAN NOT NULL DEFAULT TRUE,
  last_login_at TIMESTAMPTZ,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A source keeps the name of the secret holding its password, never the password.
CREATE TABLE sources (
  id             SERIAL PRIMARY KEY,
  name           TEXT NOT NULL UNIQUE,
  host           TEXT NOT NULL,
  port           INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  database       TEXT NOT NULL,
  user_name      TEXT NOT NULL,
  charset        TEXT NOT NULL,
  legacy_charset TEXT,
  time_zone      TEXT NOT NULL,
  wire_crypt     TEXT NOT NULL DEFAULT 'required' CHECK (wire_crypt IN ('required', 'disabled')),
  secret_name    TEXT NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE scripts (
  id               SERIAL PRIMARY KEY,
  name             TEXT NOT NULL UNIQUE,
  source_id        INTEGER NOT NULL REFERENCES sources(id) ON DELETE RESTRICT,
  sql              TEXT NOT NULL,
  key_columns      TEXT[] NOT NULL DEFAULT '{}',
  watermark_column TEXT,
  allow_empty      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE destinations (
  id          SERIAL PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL CHECK (kind IN ('bigquery', 'postgres')),
  project_id  TEXT,
  dataset     TEXT,
  location    TEXT,
  schema_name TEXT,
  table_name  TEXT NOT NULL,
  write_mode  TEXT NOT NULL CHECK (write_mode IN ('truncate', 'append', 'merge', 'incremental')),
  secret_name TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (kind <> 'bigquery' OR (project_id IS NOT NULL AND dataset IS NOT NULL)),
  CHECK (kind <> 'postgres' OR schema_name IS NOT NULL)
);

CREATE TABLE schedules (
  id                  SERIAL PRIMARY KEY,
  name                TEXT NOT NULL UNIQUE,
  source_id           INTEGER NOT NULL REFERENCES sources(id) ON DELETE RESTRICT,
  script_id           INTEGER NOT NULL REFERENCES scripts(id) ON DELETE RESTRICT,
  destination_id      INTEGER NOT NULL REFERENCES destinations(id) ON DELETE RESTRICT,
  cron                TEXT NOT NULL,
  time_zone           TEXT NOT NULL,
  active              BOOLEAN NOT NULL DEFAULT TRUE,
  max_runtime_seconds INTEGER NOT NULL CHECK (max_runtime_seconds > 0),
  created_by          TEXT NOT NULL,
  created_at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- History outlives the catalog: deleting a schedule/source keeps its executions (ids set NULL,
-- names kept in params).
CREATE TABLE executions (
  id             SERIAL PRIMARY KEY,
  schedule_id    INTEGER REFERENCES schedules(id) ON DELETE SET NULL,
  source_id      INTEGER REFERENCES sources(id) ON DELETE SET NULL,
  script_id      INTEGER REFERENCES scripts(id) ON DELETE SET NULL,
  destination_id INTEGER REFERENCES destinations(id) ON DELETE SET NULL,
  trigger        TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual')),
  triggered_by   TEXT NOT NULL,
  runtime_name   TEXT,
  runtime_uid    TEXT,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'stopped', 'missed', 'skipped')),
  scheduled_for  TIMESTAMPTZ,
  started_at     TIMESTAMPTZ,
  finished_at    TIMESTAMPTZ,
  rows_read      BIGINT,
  rows_written   BIGINT,
  error          TEXT,
  params         JSONB NOT NULL DEFAULT '{}',
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The per-schedule overlap lock: the database itself refuses a second active run of a schedule,
-- whichever process or replica asks.
CREATE UNIQUE INDEX executions_active_schedule ON executions (schedule_id) WHERE status IN ('pending', 'running');
-- One row per scheduled slot, so a firing observed twice is recorded once.
CREATE UNIQUE INDEX executions_schedule_slot ON executions (schedule_id, scheduled_for) WHERE trigger = 'scheduled' AND scheduled_for IS NOT NULL;
CREATE UNIQUE INDEX executions_runtime_name ON executions (runtime_name) WHERE runtime_name IS NOT NULL;
-- Dashboard: newest first with keyset pagination on id (creation order; started_at is NULL for
-- pending/skipped rows so it cannot be the key), filtered by status or schedule, or a date range.
CREATE INDEX executions_status_id ON executions (status, id DESC);
CREATE INDEX executions_schedule_id ON executions (schedule_id, id DESC);
CREATE INDEX executions_status_started ON executions (status, started_at DESC);
CREATE INDEX executions_schedule_started ON executions (schedule_id, started_at DESC);
CREATE INDEX executions_started ON executions (started_at DESC);

CREATE TABLE permissions (
  id            SERIAL PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL CHECK (resource_type IN ('source', 'script', 'destination')),
  resource_id   INTEGER NOT NULL,
  granted_by    TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (user_id, resource_type, resource_id)
);
CREATE INDEX permissions_resource ON permissions (resource_type, resource_id);

CREATE TABLE audit_events (
  id          BIGSERIAL PRIMARY KEY,
  at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id   TEXT,
  details     JSONB NOT NULL DEFAULT '{}',
  outcome     TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'refused'))
);
CREATE INDEX audit_events_at ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor, at DESC);
CREATE INDEX audit_events_target ON audit_events (target_type, target_id, at DESC);

-- connect-pg-simple's table (server-side sessions, so any replica can serve any request).
CREATE TABLE sessions (
  sid    VARCHAR NOT NULL PRIMARY KEY,
  sess   JSON NOT NULL,
  expire TIMESTAMP(6) NOT NULL
);
CREATE INDEX sessions_expire ON sessions (expire);
`;

const DOWN = `
DROP TABLE IF EXISTS sessions, audit_events, permissions, executions, schedules, destinations, scripts, sources, users;
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(UP);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(DOWN);
}
