/** `etl-monitor users`, `permissions` and `audit`: read what the REST API shows your role. */
import type { Argv } from 'yargs';
import { handler, positiveId, type GlobalArgs } from '../client/context.js';
import type { Column } from '../client/output.js';

interface UserJson {
  id: number | null;
  email: string;
  name?: string;
  role: string;
  active?: boolean;
  lastLoginAt?: string | null;
}
interface RolePermissions {
  role: string;
  actions: string[];
}
interface AuditEventJson {
  id: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  outcome: string;
}

const USER_COLUMNS: Column<UserJson>[] = [
  { header: 'ID', value: (u) => u.id },
  { header: 'EMAIL', value: (u) => u.email },
  { header: 'NAME', value: (u) => u.name },
  { header: 'ROLE', value: (u) => u.role },
  { header: 'ACTIVE', value: (u) => (u.active === undefined ? null : u.active ? 'yes' : 'no') },
  { header: 'LAST SIGN-IN', value: (u) => u.lastLoginAt },
];

const AUDIT_COLUMNS: Column<AuditEventJson>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'AT', value: (e) => e.at },
  { header: 'ACTOR', value: (e) => e.actor },
  { header: 'ACTION', value: (e) => e.action },
  { header: 'TARGET', value: (e) => (e.targetId ? `${e.targetType} ${e.targetId}` : e.targetType) },
  { header: 'OUTCOME', value: (e) => e.outcome },
];

export function adminCommands(y: Argv): Argv {
  return y
    .command('users', 'List users (admin) or show one', (u) =>
      u
        .command('list', 'List users (admin)', {}, handler(async (_args, { api, out }) => {
          const { items } = await api.get<{ items: UserJson[] }>('/users');
          out.rows(items, USER_COLUMNS, { items });
        }))
        .command('get <user>', 'Show a user by id, or "me"', (c) => c.positional('user', { type: 'string', demandOption: true, describe: 'User id or "me"' }),
          handler<GlobalArgs & { user: string }>(async (args, { api, out }) => {
            out.record(await api.get<UserJson>(`/users/${args.user === 'me' ? 'me' : positiveId(args.user, 'user')}`));
          }))
        .demandCommand(1, 'Name a users command: list or get'),
    )
    .command('permissions', 'What each role may do and what you may do; a user\'s grants', (p) =>
      p
        .command(['roles', '$0'], 'Actions per role, and yours', {}, handler(async (_args, { api, out }) => {
          const body = await api.get<{ you: RolePermissions & { email: string }; roles: RolePermissions[] }>('/permissions');
          out.rows(body.roles, [{ header: 'ROLE', value: (r) => (r.role === body.you.role ? `${r.role} (you)` : r.role) }, { header: 'ACTIONS', value: (r) => r.actions }], body);
        }))
        .command('user <id>', "A user's grants (admin)", (c) => c.positional('id', { type: 'number', demandOption: true, describe: 'User id' }),
          handler<GlobalArgs & { id: number }>(async (args, { api, out }) => {
            out.record(await api.get<object>(`/users/${positiveId(args.id, 'id')}/permissions`));
          })),
    )
    .command(
      'audit',
      'Audit events, newest first (admin)',
      (c) =>
        c
          .option('limit', { type: 'number', default: 50, describe: 'At most this many (max 200)' })
          .option('before', { type: 'number', describe: 'Ids below this (next page)' })
          .option('action', { type: 'string', describe: 'Only this action, e.g. schedule.create' })
          .option('user', { type: 'string', describe: 'Only events by this user (email)' }),
      handler<GlobalArgs & { limit: number; before?: number; action?: string; user?: string }>(async (args, { api, out }) => {
        const page = await api.get<{ items: AuditEventJson[]; nextBefore: number | null }>('/audit', { limit: args.limit, before: args.before, action: args.action, user: args.user });
        out.rows(page.items, AUDIT_COLUMNS, page);
        if (out.format === 'table' && page.nextBefore) console.log(`(more: --before ${page.nextBefore})`);
      }),
    );
}
