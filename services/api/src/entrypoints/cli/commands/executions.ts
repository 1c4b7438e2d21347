/** `etl-monitor run`, `stop`, `executions list|get` and `logs [--follow]`. */
import type { Argv } from 'yargs';
import { EXECUTION_KINDS, EXECUTION_STATUSES, type Execution } from '../../../domain/model.js';
import { handler, positiveId, type CommandContext, type GlobalArgs } from '../client/context.js';
import { EXIT, exitForRun } from '../client/exit-codes.js';
import { printLogs } from '../client/follow.js';
import type { Column } from '../client/output.js';
import { CliError } from '../client/settings.js';

type ExecutionJson = Omit<Execution, 'startedAt' | 'finishedAt' | 'createdAt' | 'scheduledFor'> & { startedAt: string | null; finishedAt: string | null; createdAt: string; scheduledFor: string | null; durationMs: number | null };

const COLUMNS: Column<ExecutionJson>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'SCHEDULE', value: (e) => e.scheduleId ?? 'ad hoc' },
  { header: 'STATUS', value: (e) => e.status },
  { header: 'TRIGGER', value: (e) => e.trigger },
  { header: 'STARTED', value: (e) => e.startedAt },
  { header: 'DURATION', value: (e) => (e.durationMs === null ? null : `${(e.durationMs / 1000).toFixed(1)} s`) },
  { header: 'ROWS', value: (e) => e.rowsWritten },
  { header: 'ERROR', value: (e) => e.error },
];

const SEVERITIES = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'];

async function follow(ctx: CommandContext, id: number, severity?: string): Promise<number> {
  return exitForRun(await printLogs(ctx.api, id, { follow: true, format: ctx.out.format, ...(severity ? { severity } : {}) }));
}

interface RunArgs extends GlobalArgs {
  schedule?: number;
  source?: number;
  script?: number;
  destination?: number;
  maxRuntime?: number;
  follow: boolean;
}

export function executionsCommand(y: Argv): Argv {
  return y
    .command(
      'run [schedule]',
      'Run a schedule now, or an ad-hoc source + script + destination',
      (c) =>
        c
          .positional('schedule', { type: 'number', describe: 'Schedule id' })
          .option('source', { type: 'number', describe: 'Ad hoc: source id' })
          .option('script', { type: 'number', describe: 'Ad hoc: script id' })
          .option('destination', { type: 'number', describe: 'Ad hoc: destination id' })
          .option('max-runtime', { type: 'number', describe: 'Ad hoc: stop after this many seconds' })
          .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Follow the log to the end; exit code reflects the final status' })
          .example('$0 run 3 --follow', 'run schedule 3 and follow it')
          .example('$0 run --source 1 --script 2 --destination 1', 'ad-hoc run'),
      handler<RunArgs>(async (args, ctx) => {
        const adHoc = [args.source, args.script, args.destination];
        let execution: ExecutionJson;
        if (args.schedule !== undefined) {
          if (adHoc.some((v) => v !== undefined)) throw new CliError('give a schedule id or --source/--script/--destination, not both', EXIT.usage);
          execution = await ctx.api.post<ExecutionJson>(`/schedules/${positiveId(args.schedule, 'schedule')}/run`);
        } else {
          if (adHoc.some((v) => v === undefined)) throw new CliError('give a schedule id, or all of --source, --script and --destination', EXIT.usage);
          execution = await ctx.api.post<ExecutionJson>('/executions', { sourceId: args.source, scriptId: args.script, destinationId: args.destination, ...(args.maxRuntime ? { maxRuntimeSeconds: args.maxRuntime } : {}) });
        }
        if (!args.follow) return ctx.out.message(`Started execution ${execution.id} (${execution.status})`, execution);
        if (ctx.out.format === 'table') console.log(`Started execution ${execution.id}`);
        return follow(ctx, execution.id);
      }),
    )
    .command(
      'stop <execution>',
      'Stop a running execution',
      (c) => c.positional('execution', { type: 'number', demandOption: true, describe: 'Execution id' }),
      handler<GlobalArgs & { execution: number }>(async (args, { api, out }) => {
        const execution = await api.post<ExecutionJson>(`/executions/${positiveId(args.execution, 'execution')}/stop`);
        out.message(`Execution ${execution.id}: ${execution.status}`, execution);
      }),
    )
    .command('executions', 'List and show executions', (e) =>
      e
        .command(
          'list',
          'List executions, newest first',
          (c) =>
            c
              .option('status', { choices: EXECUTION_STATUSES, describe: 'Only this status' })
              .option('schedule', { type: 'number', describe: 'Only this schedule' })
              .option('kind', { choices: EXECUTION_KINDS, describe: 'Only runs fired by the cron, run now on a schedule, or ad hoc' })
              .option('from', { type: 'string', describe: 'Created at or after (ISO 8601, e.g. 2024-06-01 or 2024-06-01T00:00:00-03:00)' })
              .option('to', { type: 'string', describe: 'Created before (ISO 8601, exclusive)' })
              .option('limit', { type: 'number', default: 50, describe: 'At most this many (max 200)' })
              .option('before', { type: 'number', describe: 'Ids below this (next page)' }),
          handler<GlobalArgs & { status?: string; schedule?: number; kind?: string; from?: string; to?: string; limit: number; before?: number }>(async (args, { api, out }) => {
            const page = await api.get<{ items: ExecutionJson[]; nextBefore: number | null }>('/executions', {
              status: args.status, scheduleId: args.schedule, kind: args.kind, from: args.from, to: args.to, limit: args.limit, before: args.before,
            });
            out.rows(page.items, COLUMNS, page);
            if (out.format === 'table' && page.nextBefore) console.log(`(more: --before ${page.nextBefore})`);
          }),
        )
        .command(
          'get <id>',
          'Show one execution',
          (c) => c.positional('id', { type: 'number', demandOption: true, describe: 'Execution id' }),
          handler<GlobalArgs & { id: number }>(async (args, { api, out }) => {
            out.record(await api.get<ExecutionJson>(`/executions/${positiveId(args.id, 'id')}`));
          }),
        )
        .demandCommand(1, 'Name an executions command: list or get'),
    )
    .command(
      'logs <execution>',
      "Print an execution's log lines (--follow: until it ends)",
      (c) =>
        c
          .positional('execution', { type: 'number', demandOption: true, describe: 'Execution id' })
          .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep printing new lines until the run ends (progress on stderr); exit code reflects the final status' })
          .option('severity', { choices: SEVERITIES, describe: 'Only lines at or above this severity' }),
      handler<GlobalArgs & { execution: number; follow: boolean; severity?: string }>(async (args, ctx) => {
        const id = positiveId(args.execution, 'execution');
        if (args.follow) return follow(ctx, id, args.severity);
        await printLogs(ctx.api, id, { follow: false, format: ctx.out.format, ...(args.severity ? { severity: args.severity } : {}) });
      }),
    );
}
