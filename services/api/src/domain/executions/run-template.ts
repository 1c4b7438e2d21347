/**
 * Builds what a runtime needs to run a schedule (or an ad-hoc source + script + destination):
 * the job spec (no secrets) and the secret references the extractor's env is filled from.
 */
import { ENV, JOB_SPEC_VERSION, type DestinationSpec, type JobSpec } from '../../../../../jobs/contract/src/job-spec.js';
import type { RunTemplate, ScheduleDeployment, SecretRef } from '../runtime/runtime.js';
import { SECRET } from '../catalog/catalog-service.js';
import { ValidationError } from '../errors.js';
import type { Destination, Schedule, Script, Source } from '../model.js';
import type { Repositories } from '../ports.js';

export interface RunParts {
  source: Source;
  script: Script;
  destination: Destination;
}

export const DEFAULT_MAX_RUNTIME_SECONDS = 3600;

export class RunTemplateBuilder {
  constructor(private readonly repos: Pick<Repositories, 'sources' | 'scripts' | 'destinations'>) {}

  /** Loads the three catalog items; a missing one is a validation problem of the caller's input. */
  async parts(ids: { sourceId: number; scriptId: number; destinationId: number }): Promise<RunParts> {
    const [source, script, destination] = await Promise.all([
      this.repos.sources.get(ids.sourceId),
      this.repos.scripts.get(ids.scriptId),
      this.repos.destinations.get(ids.destinationId),
    ]);
    if (!source) throw new ValidationError(`Source ${ids.sourceId} does not exist`, 'sourceId');
    if (!script) throw new ValidationError(`Script ${ids.scriptId} does not exist`, 'scriptId');
    if (!destination) throw new ValidationError(`Destination ${ids.destinationId} does not exist`, 'destinationId');
    if (script.sourceId !== source.id) {
      throw new ValidationError(`Script "${script.name}" reads from another source than "${source.name}"`, 'scriptId');
    }
    return { source, script, destination };
  }

  template(parts: RunParts, options: { scheduleId?: number; scheduleName?: string; maxRuntimeSeconds: number }): RunTemplate {
    const { source, script, destination } = parts;
    const spec: JobSpec = {
      version: JOB_SPEC_VERSION,
      ...(options.scheduleId !== undefined ? { scheduleId: String(options.scheduleId) } : {}),
      names: { ...(options.scheduleName ? { schedule: options.scheduleName } : {}), source: source.name, script: script.name, destination: destination.name },
      source: {
        host: source.host,
        port: source.port,
        database: source.database,
        user: source.user,
        charset: source.charset,
        ...(source.legacyCharset ? { legacyCharset: source.legacyCharset as JobSpec['source']['legacyCharset'] } : {}),
        timeZone: source.timeZone,
        wireCrypt: source.wireCrypt,
      },
      script: {
        name: script.name,
        sql: script.sql,
        keyColumns: script.keyColumns,
        ...(script.watermarkColumn ? { watermarkColumn: script.watermarkColumn } : {}),
        allowEmpty: script.allowEmpty,
      },
      destination: destinationSpec(destination),
    };
    const secrets: SecretRef[] = [{ env: ENV.sourcePassword, name: source.secretName, key: SECRET.sourceKey }];
    if (destination.kind === 'postgres' && destination.secretName) {
      secrets.push({ env: ENV.destinationPostgresUrl, name: destination.secretName, key: SECRET.destinationKey });
    }
    return { spec, secrets, maxRuntimeSeconds: options.maxRuntimeSeconds };
  }

  async deployment(schedule: Schedule): Promise<ScheduleDeployment> {
    const parts = await this.parts(schedule);
    return {
      scheduleId: String(schedule.id),
      scheduleName: schedule.name,
      cron: schedule.cron,
      timeZone: schedule.timeZone,
      active: schedule.active,
      template: this.template(parts, { scheduleId: schedule.id, scheduleName: schedule.name, maxRuntimeSeconds: schedule.maxRuntimeSeconds }),
    };
  }
}

function destinationSpec(destination: Destination): DestinationSpec {
  if (destination.kind === 'bigquery') {
    return {
      kind: 'bigquery',
      projectId: destination.projectId!,
      dataset: destination.dataset!,
      table: destination.table,
      ...(destination.location ? { location: destination.location } : {}),
      writeMode: destination.writeMode,
    };
  }
  return { kind: 'postgres', schema: destination.schema!, table: destination.table, writeMode: destination.writeMode };
}
