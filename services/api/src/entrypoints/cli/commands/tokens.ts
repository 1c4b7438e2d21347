/** `etl-monitor login` (writes the config file) and `etl-monitor tokens list|create|revoke`. */
import type { Argv } from 'yargs';
import { createApiClient } from '../client/api-client.js';
import { handler, positiveId, report, type GlobalArgs } from '../client/context.js';
import { createOutput, type Column, type OutputFormat } from '../client/output.js';
import { normalizeUrl, writeConfigFile } from '../client/settings.js';

interface TokenJson {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

const COLUMNS: Column<TokenJson>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'PREFIX', value: (t) => t.prefix },
  { header: 'CREATED', value: (t) => t.createdAt },
  { header: 'LAST USED', value: (t) => t.lastUsedAt },
  { header: 'EXPIRES', value: (t) => t.expiresAt },
  { header: 'REVOKED', value: (t) => t.revokedAt },
];

async function login(args: { url: string; token: string; output: OutputFormat }): Promise<void> {
  try {
    const settings = { url: normalizeUrl(args.url), token: args.token };
    // Check the pair before saving it: a typo should fail here, not in the next script.
    const me = await createApiClient(settings).get<{ email: string; role: string }>('/users/me');
    const path = writeConfigFile(settings);
    createOutput(args.output).message(`Signed in to ${settings.url} as ${me.email} (${me.role}); saved to ${path}`, { url: settings.url, email: me.email, role: me.role, configFile: path });
  } catch (err) {
    report(err);
  }
}

export function tokensCommands(y: Argv): Argv {
  return y
    .command(
      'login',
      'Save the control plane URL and your API token to the config file (checked first)',
      (c) =>
        c
          .option('url', { type: 'string', demandOption: true, describe: 'Control plane URL, e.g. https://etl.example.com' })
          .option('token', { type: 'string', demandOption: true, describe: 'Personal API token (etl_…) from the API tokens page' }),
      (args) => login(args as unknown as { url: string; token: string; output: OutputFormat }),
    )
    .command('tokens', 'Your personal API tokens', (t) =>
      t
        .command('list', 'List your tokens', {}, handler(async (_args, { api, out }) => {
          const { items } = await api.get<{ items: TokenJson[] }>('/tokens');
          out.rows(items, COLUMNS, { items });
        }))
        .command('create <name>', 'Create a token (printed once: store it now)', (c) =>
          c.positional('name', { type: 'string', demandOption: true, describe: 'What the token is for' }).option('expires-in-days', { type: 'number', describe: 'Expire after this many days (default: never)' }),
          handler<GlobalArgs & { name: string; expiresInDays?: number }>(async (args, { api, out }) => {
            const created = await api.post<TokenJson & { token: string }>('/tokens', { name: args.name, ...(args.expiresInDays ? { expiresInDays: args.expiresInDays } : {}) });
            out.message(`Created token ${created.id} "${created.name}". It is shown only now:\n${created.token}`, created);
          }))
        .command('revoke <id>', 'Revoke a token', (c) => c.positional('id', { type: 'number', demandOption: true, describe: 'Token id' }),
          handler<GlobalArgs & { id: number }>(async (args, { api, out }) => {
            const token = await api.delete<TokenJson>(`/tokens/${positiveId(args.id, 'id')}`);
            out.message(`Revoked token ${token.id} "${token.name}" (${token.prefix}…)`, token);
          }))
        .demandCommand(1, 'Name a tokens command: list, create or revoke'),
    );
}
