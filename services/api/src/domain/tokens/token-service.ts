/**
 * Create, list, revoke and authenticate personal API tokens. A token acts as its owner: the
 * actor is re-read on every use, so a role change or a deactivation applies at once.
 *
 * Every use is audited (`token.use`), throttled to one event per token per minute so a script
 * polling a run does not flood the audit log; `lastUsedAt` is updated with the same throttle.
 */
import type { Actor } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { integer, text, type Input } from '../validation.js';
import { generateToken, hashToken, looksLikeToken, sameHash, type ApiToken, type ApiTokenRepository } from './token.js';

export const TOKEN_USE_AUDIT_INTERVAL_MS = 60_000;
const MAX_TOKENS_PER_USER = 50;

export interface AuthenticatedToken {
  actor: Actor;
  token: ApiToken;
}

export class TokenService {
  private readonly lastAudited = new Map<number, number>();

  constructor(
    private readonly tokens: ApiTokenRepository,
    private readonly actorFor: (userId: number) => Promise<Actor | null>,
    private readonly audit: AuditTrail,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Returns the stored token and the secret, which is never available again. */
  async create(actor: Actor, input: Input): Promise<{ token: ApiToken; secret: string }> {
    const userId = this.ownerOf(actor);
    const name = text(input, 'name', 'Name', { max: 100 });
    const days = integer(input, 'expiresInDays', 'Expires in (days)', { min: 1, max: 3650, fallback: 0 });
    const existing = (await this.tokens.listForUser(userId)).filter((t) => !t.revokedAt);
    if (existing.length >= MAX_TOKENS_PER_USER) throw new ValidationError(`You already have ${MAX_TOKENS_PER_USER} active tokens; revoke one first`);
    const generated = generateToken();
    const expiresAt = days > 0 ? new Date(this.clock().getTime() + days * 86_400_000) : null;
    const token = await this.tokens.create({ userId, name, prefix: generated.prefix, tokenHash: generated.tokenHash, expiresAt });
    await this.audit.record(actor, { action: 'token.create', targetType: 'api-token', targetId: token.id, details: { name, prefix: token.prefix, expiresAt: expiresAt?.toISOString() ?? null } });
    return { token, secret: generated.token };
  }

  async list(actor: Actor): Promise<ApiToken[]> {
    return this.tokens.listForUser(this.ownerOf(actor));
  }

  /** Users revoke their own tokens; an admin may revoke anyone's. */
  async revoke(actor: Actor, id: number): Promise<ApiToken> {
    const token = await this.tokens.get(id);
    if (!token || (token.userId !== actor.userId && actor.role !== 'admin')) throw new NotFoundError(`No API token with id ${id}`);
    if (token.revokedAt) return token;
    const revoked = (await this.tokens.markRevoked(id, this.clock()))!;
    await this.audit.record(actor, { action: 'token.revoke', targetType: 'api-token', targetId: id, details: { prefix: token.prefix, owner: token.userId } });
    return revoked;
  }

  /**
   * The actor behind `Authorization: Bearer etl_…`, or a reason it is refused. Never says whether
   * a token exists: unknown, revoked and expired read alike to the caller.
   */
  async authenticate(secret: string): Promise<AuthenticatedToken | { refused: string }> {
    const refused = { refused: 'The API token is invalid, expired or revoked' };
    if (!looksLikeToken(secret)) return refused;
    const hash = hashToken(secret);
    const token = await this.tokens.findByHash(hash);
    const now = this.clock();
    if (!token || !sameHash(token.tokenHash, hash) || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return refused;
    const actor = await this.actorFor(token.userId);
    if (!actor) return { refused: 'The owner of this API token is deactivated' };
    const { tokenHash: _hash, ...publicToken } = token;
    return { actor, token: publicToken };
  }

  /** Records a use (audit + lastUsedAt), at most once per token per minute. */
  async recordUse(used: AuthenticatedToken, request: { method: string; path: string }): Promise<void> {
    const now = this.clock().getTime();
    const last = this.lastAudited.get(used.token.id);
    if (last !== undefined && now - last < TOKEN_USE_AUDIT_INTERVAL_MS) return;
    this.lastAudited.set(used.token.id, now);
    await this.tokens.touch(used.token.id, new Date(now));
    await this.audit.record(used.actor, { action: 'token.use', targetType: 'api-token', targetId: used.token.id, details: { prefix: used.token.prefix, method: request.method, path: request.path, throttle: 'one event per token per minute' } });
  }

  private ownerOf(actor: Actor): number {
    if (actor.userId === null) throw new ForbiddenError('Only signed-in users have API tokens');
    return actor.userId;
  }
}
