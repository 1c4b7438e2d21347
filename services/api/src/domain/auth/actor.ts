/**
 * Who is asking. Every domain call takes an Actor so authorization lives in the domain, the same
 * for web pages, the JSON API, the CLI and the scheduler.
 */
import { ForbiddenError } from '../errors.js';

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  /** Null for the system itself (the scheduler firing a schedule). */
  userId: number | null;
  /** Shown in audit events and `triggered_by`. */
  email: string;
  role: Role;
}

/** The in-process scheduler acting on an active schedule. */
export const SCHEDULER: Actor = Object.freeze({ userId: null, email: 'scheduler', role: 'admin' as Role });

/**
 * Actions the domain guards. Per-object grants (sources, scripts, destinations per user) come
 * with the permissions feature and plug into {@link authorize} through `resource`.
 */
export type Action =
  | 'read'
  | 'catalog.write'
  | 'schedule.write'
  | 'execution.run'
  | 'execution.stop'
  | 'users.manage';

const ALLOWED: Record<Role, readonly Action[]> = {
  admin: ['read', 'catalog.write', 'schedule.write', 'execution.run', 'execution.stop', 'users.manage'],
  operator: ['read', 'schedule.write', 'execution.run', 'execution.stop'],
  viewer: ['read'],
};

export function can(actor: Actor, action: Action): boolean {
  return ALLOWED[actor.role].includes(action);
}

/** Throws {@link ForbiddenError} unless the actor's role allows the action. */
export function authorize(actor: Actor, action: Action): void {
  if (!can(actor, action)) {
    throw new ForbiddenError(`${actor.email} (role ${actor.role}) may not ${describeAction(action)}`);
  }
}

/** The action in words, as refusals and the audit log show it ("start runs", not "execution.run"). */
export function describeAction(action: Action): string {
  switch (action) {
    case 'read':
      return 'read this';
    case 'catalog.write':
      return 'change sources, scripts or destinations';
    case 'schedule.write':
      return 'change schedules';
    case 'execution.run':
      return 'start runs';
    case 'execution.stop':
      return 'stop runs';
    case 'users.manage':
      return 'manage users';
  }
}
