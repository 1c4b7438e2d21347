/**
 * Users come from the identity provider: created on first sign-in, role from the IdP groups
 * (configured mapping) or bootstrap admins, refused when deactivated.
 */
import { authorize, ROLES, type Actor, type Role } from '../auth/actor.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { ConflictError, ForbiddenError, ValidationError } from '../errors.js';
import { found } from '../catalog/catalog-service.js';
import type { User } from '../model.js';
import type { UserRepository } from '../ports.js';

export interface RoleRules {
  /** IdP group → role. */
  mapping: Record<string, Role>;
  /** Emails that are always admins. */
  bootstrapAdmins: string[];
}

export interface SignInClaims {
  email: string;
  name?: string;
  groups?: string[];
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly rules: RoleRules,
    private readonly audit: AuditTrail,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Called after the IdP confirmed the identity. Returns the actor of the new session. */
  async signIn(claims: SignInClaims): Promise<User> {
    const email = claims.email?.trim().toLowerCase();
    if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationError('The identity provider sent no usable email address');
    const mapped = this.roleFromClaims(email, claims.groups ?? []);
    const existing = await this.users.findByEmail(email);
    const actor: Actor = { userId: existing?.id ?? null, email, role: existing?.role ?? mapped ?? 'viewer' };
    if (existing && !existing.active) {
      await this.audit.record(actor, { action: 'user.sign-in', targetType: 'user', targetId: existing.id, outcome: 'refused', details: { reason: 'deactivated' } });
      throw new ForbiddenError(`The account ${email} is deactivated; ask an administrator`);
    }
    const now = this.clock();
    const user = existing
      ? (await this.users.update(existing.id, { lastLoginAt: now, name: claims.name ?? existing.name, ...(mapped ? { role: mapped } : {}) }))!
      : await this.users.create({ email, name: claims.name ?? email, role: mapped ?? 'viewer', active: true, lastLoginAt: now });
    await this.audit.record({ ...actor, userId: user.id, role: user.role }, { action: 'user.sign-in', targetType: 'user', targetId: user.id, details: { role: user.role, groups: claims.groups ?? [] } });
    return user;
  }

  /** The actor behind a session, re-read each request so a deactivation or role change applies at once. */
  async actorFor(userId: number): Promise<Actor | null> {
    const user = await this.users.get(userId);
    if (!user || !user.active) return null;
    return { userId: user.id, email: user.email, role: user.role };
  }

  /** Everyone, for the admin pages. */
  list(actor: Actor): Promise<User[]> {
    return listUsers(this.users, actor);
  }

  get(actor: Actor, id: number): Promise<User> {
    return getUser(this.users, actor, id);
  }

  /**
   * Admin settings: role and activation. A deactivated user is refused at their next request
   * (the actor is re-read each request). Admins cannot demote or deactivate themselves, so the
   * last admin cannot lock everyone out by accident.
   */
  async update(actor: Actor, id: number, input: Record<string, unknown>): Promise<User> {
    const patch: { role?: Role; active?: boolean } = {};
    if (input.role !== undefined && input.role !== '') {
      if (!ROLES.includes(input.role as Role)) throw new ValidationError(`Role must be one of ${ROLES.join(', ')}`, 'role');
      patch.role = input.role as Role;
    }
    if (input.active !== undefined && input.active !== '') {
      const raw = input.active;
      if (raw === true || raw === 'true' || raw === 'on') patch.active = true;
      else if (raw === false || raw === 'false') patch.active = false;
      else throw new ValidationError('Active must be true or false', 'active');
    }
    const action = patch.active === false ? 'user.deactivate' : patch.active === true && patch.role === undefined ? 'user.activate' : 'user.update';
    await this.audit.authorize(actor, 'users.manage', { action, targetType: 'user', targetId: id, details: { ...patch } });
    const existing = found(await this.users.get(id), 'User', id);
    if (Object.keys(patch).length === 0) throw new ValidationError('Nothing to change: send role and/or active', 'role');
    if (existing.id === actor.userId && ((patch.role && patch.role !== 'admin') || patch.active === false)) {
      await this.audit.record(actor, { action, targetType: 'user', targetId: id, outcome: 'refused', details: { ...patch, reason: 'own account' } });
      throw new ConflictError('You cannot demote or deactivate your own account; ask another administrator');
    }
    const user = (await this.users.update(id, patch))!;
    await this.audit.record(actor, { action, targetType: 'user', targetId: id, details: { email: user.email, before: { role: existing.role, active: existing.active }, after: { role: user.role, active: user.active } } });
    return user;
  }

  /**
   * An account made before its owner's first sign-in, so an admin can grant it permissions in
   * advance (the local demo's seed does this for the dev IdP's users). Returns null when the email
   * is already known: provisioning never changes an existing account. The role is re-applied
   * from the IdP groups at sign-in, as for everyone.
   */
  async provision(actor: Actor, input: { email: string; name: string; role: Role }): Promise<User | null> {
    const email = input.email.trim().toLowerCase();
    await this.audit.authorize(actor, 'users.manage', { action: 'user.create', targetType: 'user', details: { email } });
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new ValidationError('Email must look like name@example.com', 'email');
    if (!ROLES.includes(input.role)) throw new ValidationError(`Role must be one of ${ROLES.join(', ')}`, 'role');
    if (await this.users.findByEmail(email)) return null;
    const user = await this.users.create({ email, name: input.name, role: input.role, active: true, lastLoginAt: null });
    await this.audit.record(actor, { action: 'user.create', targetType: 'user', targetId: user.id, details: { email, role: user.role } });
    return user;
  }

  async signOut(actor: Actor): Promise<void> {
    await this.audit.record(actor, { action: 'user.sign-out', targetType: 'user', targetId: actor.userId });
  }

  /** Highest role any of the groups maps to; bootstrap admins are admins. Null when nothing maps. */
  private roleFromClaims(email: string, groups: string[]): Role | null {
    if (this.rules.bootstrapAdmins.includes(email)) return 'admin';
    let best: Role | null = null;
    for (const group of groups) {
      const role = this.rules.mapping[group];
      if (role && ROLES.includes(role) && (best === null || RANK[role] > RANK[best])) best = role;
    }
    return best;
  }
}

/** Admins see everyone; everyone sees themselves (shared with UserDirectory). */
export async function listUsers(users: UserRepository, actor: Actor): Promise<User[]> {
  authorize(actor, 'users.manage');
  return users.list();
}

export async function getUser(users: UserRepository, actor: Actor, id: number): Promise<User> {
  if (actor.userId !== id) authorize(actor, 'users.manage');
  return found(await users.get(id), 'User', id);
}
