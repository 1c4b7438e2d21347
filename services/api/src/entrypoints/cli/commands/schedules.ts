/** `etl-monitor schedules list|get|create|update|delete|enable|disable`. */
import type { Argv } from 'yargs';
import type { Schedule } from '../../../domain/model.js';
import { handler, positiveId, type GlobalArgs } from '../client/context.js';
import type { Column } from '../client/output.js';

const COLUMNS: Column<Schedule>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'NAME', value: (s) => s.name },
  { header: 'CRON', value: (s) => s.cron },
  { header: 'TIME ZONE', value: (s) => s.timeZone },
  { header: 'ACTIVE', value: (s) => (s.active ? 'yes' : 'no') },
  { header: 'SOURCE', value: (s) => s.sourceId },
  { header: 'SCRIPT', value: (s) => s.scriptId },
  { header: 'DESTINATION', value: (s) => s.destinationId },
];

interface FieldArgs extends GlobalArgs {
  name?: string;
  source?: number;
  script?: number;
  destination?: number;
  cron?: string;
  timeZone?: string;
  active?: boolean;
  maxRuntime?: number;
}

/** The schedule fields the API takes, from the options given (undefined = not given). */
function fieldsOf(args: FieldArgs) {
  const fields = {
    name: args.name,
    sourceId: args.source,
    scriptId: args.script,
    destinationId: args.destination,
    cron: args.cron,
    timeZone: args.timeZone,
    active: args.active,
    maxRuntimeSeconds: args.maxRuntime,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function fieldOptions<T>(y: Argv<T>, required: boolean) {
  return y
    .option('name', { type: 'string', demandOption: required, describe: 'Schedule name (unique)' })
    .option('source', { type: 'number', demandOption: required, describe: 'Source id' })
    .option('script', { type: 'number', demandOption: required, describe: 'Script id' })
    .option('destination', { type: 'number', demandOption: required, describe: 'Destination id' })
    .option('cron', { type: 'string', demandOption: required, describe: 'Cron expression, e.g. "0 2 * * *"' })
    .option('time-zone', { type: 'string', describe: 'IANA zone the cron runs in (default UTC)' })
    .option('active', { type: 'boolean', describe: 'Fire on the cron (--no-active: only manual runs)' })
    .option('max-runtime', { type: 'number', describe: 'Stop a run after this many seconds' });
}

const idArg = <T>(y: Argv<T>) => y.positional('id', { type: 'number', demandOption: true, describe: 'Schedule id' });

export function schedulesCommand(y: Argv): Argv {
  return y.command('schedules', 'List, show, create, change, delete, enable and disable schedules', (s) =>
    s
      .command('list', 'List schedules', {}, handler(async (_args, { api, out }) => {
        const { items } = await api.get<{ items: Schedule[] }>('/schedules');
        out.rows(items, COLUMNS, { items });
      }))
      .command('get <id>', 'Show one schedule', idArg, handler<GlobalArgs & { id: number }>(async (args, { api, out }) => {
        out.record(await api.get<Schedule>(`/schedules/${positiveId(args.id, 'id')}`));
      }))
      .command('create', 'Create a schedule', (c) => fieldOptions(c, true).example('$0 schedules create --name nightly --source 1 --script 1 --destination 1 --cron "0 2 * * *" --time-zone America/Sao_Paulo', ''),
        handler<FieldArgs>(async (args, { api, out }) => {
          const schedule = await api.post<Schedule>('/schedules', fieldsOf(args));
          out.message(`Created schedule ${schedule.id} "${schedule.name}" (${schedule.active ? 'active' : 'inactive'})`, schedule);
        }))
      .command('update <id>', 'Change a schedule: only the options given change', (c) => fieldOptions(idArg(c), false),
        handler<FieldArgs & { id: number }>(async (args, { api, out }) => {
          const id = positiveId(args.id, 'id');
          // The API replaces the whole schedule (PUT): start from the current values.
          const current = await api.get<Schedule>(`/schedules/${id}`);
          const { name, sourceId, scriptId, destinationId, cron, timeZone, active, maxRuntimeSeconds } = current;
          const schedule = await api.put<Schedule>(`/schedules/${id}`, { name, sourceId, scriptId, destinationId, cron, timeZone, active, maxRuntimeSeconds, ...fieldsOf(args) });
          out.message(`Updated schedule ${schedule.id} "${schedule.name}"`, schedule);
        }))
      .command('delete <id>', 'Delete a schedule', idArg, handler<GlobalArgs & { id: number }>(async (args, { api, out }) => {
        const id = positiveId(args.id, 'id');
        await api.delete(`/schedules/${id}`);
        out.message(`Deleted schedule ${id}`, { deleted: id });
      }))
      .command('enable <id>', 'Let a schedule fire on its cron', idArg, handler<GlobalArgs & { id: number }>(async (args, { api, out }) => {
        const schedule = await api.post<Schedule>(`/schedules/${positiveId(args.id, 'id')}/activate`);
        out.message(`Schedule ${schedule.id} "${schedule.name}" enabled`, schedule);
      }))
      .command('disable <id>', 'Stop a schedule firing on its cron (manual runs still work)', idArg, handler<GlobalArgs & { id: number }>(async (args, { api, out }) => {
        const schedule = await api.post<Schedule>(`/schedules/${positiveId(args.id, 'id')}/deactivate`);
        out.message(`Schedule ${schedule.id} "${schedule.name}" disabled`, schedule);
      }))
      .demandCommand(1, 'Name a schedules command: list, get, create, update, delete, enable or disable'),
  );
}
