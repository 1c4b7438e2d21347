/**
 * Read-only views of users, their permissions and the audit log for the REST API and the CLI.
 * Admins ('users.manage') see everyone and the audit log; everyone sees themselves.
 */
import { authorize, can, ROLES, type Action, type Actor, type Role } from '../auth/actor.js';
import type { AuditEvent, User } from '../model.js';
import type { AuditFilter, AuditRepository, UserRepository } from '../ports.js';
import { getUser, listUsers } from './user-service.js';

/** Every action the domain guards (Action is a type; this is its runtime list). */
export const ACTIONS = ['read', 'catalog.write', 'schedule.write', 'execution.run', 'execution.stop', 'users.manage'] as const satisfies readonly Action[];

export interface RolePermissions {
  role: Role;
  actions: Action[];
}

export class UserDirectory {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditRepository,
  ) {}

  list(actor: Actor): Promise<User[]> {
    return listUsers(this.users, actor);
  }

  get(actor: Actor, id: number): Promise<User> {
    return getUser(this.users, actor, id);
  }

  /** What each role may do, and what the caller may do. */
  permissions(actor: Actor): { you: RolePermissions & { email: string }; roles: RolePermissions[] } {
    const actionsOf = (role: Role) => ACTIONS.filter((action) => can({ userId: null, email: '', role }, action));
    return { you: { email: actor.email, role: actor.role, actions: actionsOf(actor.role) }, roles: ROLES.map((role) => ({ role, actions: actionsOf(role) })) };
  }

  async auditEvents(actor: Actor, filter: AuditFilter): Promise<(AuditEvent & { id: number })[]> {
    authorize(actor, 'users.manage');
    return this.audit.list(filter);
  }
}
