/**
 * On-disk state of local runs under ETL_HOME/runs/<run name>/: the captured output (stdout and
 * stderr of the extractor), its termination log, and run.json / result.json so a restarted
 * control plane knows which runs were in flight.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RunRecord {
  name: string;
  uid: string;
  executionId: string;
  scheduleId: string | null;
  pid: number;
  startedAt: string;
}

export class RunFiles {
  readonly root: string;

  constructor(etlHome: string) {
    this.root = join(etlHome, 'runs');
  }

  dir(name: string): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`invalid run name "${name}"`);
    return join(this.root, name);
  }
  outputPath(name: string): string {
    return join(this.dir(name), 'output.log');
  }
  terminationLogPath(name: string): string {
    return join(this.dir(name), 'termination-log');
  }

  async prepare(name: string): Promise<void> {
    await mkdir(this.dir(name), { recursive: true, mode: 0o700 });
  }

  async writeRecord(record: RunRecord): Promise<void> {
    await writeFile(join(this.dir(record.name), 'run.json'), JSON.stringify(record), { mode: 0o600 });
  }

  async markFinished(name: string, result: Record<string, unknown>): Promise<void> {
    await writeFile(join(this.dir(name), 'result.json'), JSON.stringify(result), { mode: 0o600 });
  }

  /** Runs that were started and never marked finished (in flight when the last control plane died). */
  async unfinished(): Promise<RunRecord[]> {
    if (!existsSync(this.root)) return [];
    const records: RunRecord[] = [];
    for (const name of await readdir(this.root)) {
      const dir = join(this.root, name);
      if (existsSync(join(dir, 'result.json')) || !existsSync(join(dir, 'run.json'))) continue;
      records.push(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as RunRecord);
    }
    return records;
  }

  async readText(path: string): Promise<string | null> {
    try {
      return await readFile(path, 'utf8');
    } catch {
      return null;
    }
  }
}

/**
 * The last slot each schedule fired for (ETL_HOME/schedules/<id>.json), so a control plane that
 * was down can report the slots it missed instead of silently skipping them.
 */
export class FiringMarks {
  private readonly root: string;

  constructor(etlHome: string) {
    this.root = join(etlHome, 'schedules');
  }

  private path(scheduleId: string): string {
    if (!/^[a-z0-9-]+$/.test(scheduleId)) throw new Error(`invalid schedule id "${scheduleId}"`);
    return join(this.root, `${scheduleId}.json`);
  }

  async lastFired(scheduleId: string): Promise<Date | null> {
    try {
      const { lastSlot } = JSON.parse(await readFile(this.path(scheduleId), 'utf8')) as { lastSlot: string };
      return new Date(lastSlot);
    } catch {
      return null;
    }
  }

  async record(scheduleId: string, slot: Date): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    await writeFile(this.path(scheduleId), JSON.stringify({ lastSlot: slot.toISOString() }), { mode: 0o600 });
  }

  async forget(scheduleId: string): Promise<void> {
    await rm(this.path(scheduleId), { force: true });
  }
}
