/**
 * Personal API tokens (issue 6). Only the SHA-256 of a token is stored; `prefix` is the visible
 * start of the token (`etl_1a2b3c4d`) so users can tell their tokens apart.
 */
import type { QueryInterface } from 'sequelize';

export const name = '0002-api-tokens';

const UP = `
CREATE TABLE api_tokens (
  id           SERIAL PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  prefix       TEXT NOT NULL UNIQUE,
  token_hash   TEXT NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_used_at TIMESTAMPTZ,
  expires_at   TIMESTAMPTZ,
  revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
`;

export async function up({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query(UP);
}

export async function down({ context }: { context: QueryInterface }): Promise<void> {
  await context.sequelize.query('DROP TABLE api_tokens');
}
