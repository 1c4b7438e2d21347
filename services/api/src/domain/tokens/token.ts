/**
 * Personal API tokens: `etl_<prefix>_<secret>`. The prefix (8 hex digits) is stored and shown so a
 * user can tell tokens apart; the whole token is stored only as its SHA-256, so a database dump
 * cannot be replayed. The secret part is 32 random bytes (base64url), shown once at creation.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'etl_';
const TOKEN_PATTERN = /^etl_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface ApiToken {
  id: number;
  userId: number;
  name: string;
  /** `etl_1a2b3c4d`: the visible start of the token. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiToken {
  userId: number;
  name: string;
  prefix: string;
  tokenHash: string;
  expiresAt: Date | null;
}

/** Storage of tokens; implemented in adapters/db. */
export interface ApiTokenRepository {
  create(token: NewApiToken): Promise<ApiToken>;
  /** Looks a token up by its hash (unique). */
  findByHash(tokenHash: string): Promise<(ApiToken & { tokenHash: string }) | null>;
  get(id: number): Promise<ApiToken | null>;
  listForUser(userId: number): Promise<ApiToken[]>;
  markRevoked(id: number, at: Date): Promise<ApiToken | null>;
  touch(id: number, at: Date): Promise<void>;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateToken(): { token: string; prefix: string; tokenHash: string } {
  const id = randomBytes(4).toString('hex');
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { token, prefix: `${TOKEN_PREFIX}${id}`, tokenHash: hashToken(token) };
}

/** True when the text has the token shape (checked before any database lookup). */
export function looksLikeToken(text: string): boolean {
  return TOKEN_PATTERN.test(text);
}

/** Constant-time comparison of two hex digests. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}
