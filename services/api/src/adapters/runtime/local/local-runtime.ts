/**
 * The embedded runtime (DESIGN §4, local): schedules fire in-process at the times domain/cron
 * computes in each schedule's zone; every run is a child process of the extractor with exactly
 * the env a Kubernetes Job would get; stop = SIGTERM, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { access, constants, mkdir } from 'node:fs/promises';
import { ENV } from '../../../../../../jobs/contract/src/job-spec.js';
import { EXTRACTOR_NODE_FLAGS } from '../../../../../../jobs/contract/src/runtime-flags.js';
import { parseRunSummary, type RunStatus, type RunSummary } from '../../../../../../jobs/contract/src/summary.js';
import { parseCron, slotsBetween, startingDeadlineSeconds, type CronSchedule } from '../../../domain/cron/index.js';
import type {
  ReconcileReport,
  RunHandle,
  RunObservation,
  RunRequest,
  Runtime,
  ScheduleDeployment,
  StopOutcome,
} from '../../../domain/runtime/runtime.js';
import type { SecretReader } from '../../secrets/local-secret-store.js';
import { paths } from '../../../paths.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { FiringMarks, RunFiles, type RunRecord } from './run-files.js';

export interface ExtractorCommand {
  command: string;
  args: string[];
}

export interface LocalRuntimeOptions {
  etlHome: string;
  secrets: SecretReader;
  /** When schedules fire. Run start/end times are real process events and always use the wall clock. */
  clock?: Clock;
  /** Default: this Node binary running dist/jobs/extract/src/main.js of the repository. */
  extractor?: ExtractorCommand;
  /** Time between SIGTERM and SIGKILL. The extractor promises to exit within 10 s of SIGTERM. */
  stopGraceMs?: number;
  /** Environment the control plane runs with; only a few harmless variables pass to runs. */
  hostEnv?: NodeJS.ProcessEnv;
  onError?: (err: unknown, context: string) => void;
}

/**
 * After a downtime only the latest missed slots become `missed` executions (an every-minute
 * schedule down for a night would otherwise flood the dashboard); the count of the rest is noted.
 */
const MAX_MISSED_REPORTED = 10;
const MAX_MISSED_SCANNED = 100_000;

/** Host variables a run may see besides the contract: what a container image would set, plus Google ADC settings. */
const PASSTHROUGH_ENV = ['PATH', 'HOME', 'LANG', 'GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT', 'ETL_BIGQUERY_API_ENDPOINT', 'NODE_EXTRA_CA_CERTS'];

interface ArmedSchedule {
  deployment: ScheduleDeployment;
  cron: CronSchedule | null;
  timer: TimerHandle | null;
}

interface ActiveRun {
  record: RunRecord;
  child: ChildProcess;
  exited: Promise<void>;
  stopRequested: boolean;
  deadlineExceeded: boolean;
  deadlineTimer: NodeJS.Timeout;
}

export class LocalRuntime implements Runtime {
  readonly kind = 'local' as const;
  private readonly clock: Clock;
  private readonly files: RunFiles;
  private readonly marks: FiringMarks;
  private readonly extractor: ExtractorCommand;
  private readonly stopGraceMs: number;
  private readonly hostEnv: NodeJS.ProcessEnv;
  private readonly onError: (err: unknown, context: string) => void;
  private readonly schedules = new Map<string, ArmedSchedule>();
  private readonly runs = new Map<string, ActiveRun>();
  private readonly listeners = new Set<(o: RunObservation) => void | Promise<void>>();
  /** Observations are delivered one at a time, in order, so consumers see running before finished. */
  private delivery: Promise<void> = Promise.resolve();
  private started = false;

  constructor(private readonly options: LocalRuntimeOptions) {
    this.clock = options.clock ?? systemClock;
    this.files = new RunFiles(options.etlHome);
    this.marks = new FiringMarks(options.etlHome);
    this.extractor = options.extractor ?? defaultExtractor();
    this.stopGraceMs = options.stopGraceMs ?? 15_000;
    this.hostEnv = options.hostEnv ?? process.env;
    this.onError = options.onError ?? ((err, context) => console.error(`local runtime: ${context}`, err));
  }

  async start(): Promise<void> {
    await mkdir(this.files.root, { recursive: true, mode: 0o700 });
    this.started = true;
    await this.recoverInterruptedRuns();
    for (const id of this.schedules.keys()) this.arm(id);
  }

  async close(): Promise<void> {
    this.started = false;
    for (const armed of this.schedules.values()) armed.timer?.cancel();
    await Promise.all([...this.runs.values()].map((run) => {
      run.stopRequested = true;
      return this.terminate(run);
    }));
    await this.delivery;
  }

  async reconcile(deployments: ScheduleDeployment[]): Promise<ReconcileReport> {
    const report: ReconcileReport = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
    const wanted = new Set(deployments.map((d) => d.scheduleId));
    for (const id of [...this.schedules.keys()]) {
      if (!wanted.has(id)) {
        await this.remove(id);
        report.deleted++;
      }
    }
    for (const deployment of deployments) {
      const before = this.schedules.get(deployment.scheduleId)?.deployment;
      await this.apply(deployment);
      if (!before) report.created++;
      else if (sameTiming(before, deployment)) report.unchanged++;
      else report.updated++;
    }
    return report;
  }

  async apply(deployment: ScheduleDeployment): Promise<void> {
    const existing = this.schedules.get(deployment.scheduleId);
    if (existing && sameTiming(existing.deployment, deployment)) {
      existing.deployment = deployment; // new template for the next run, same timer
      return;
    }
    existing?.timer?.cancel();
    // Throws CronError for a bad expression: the domain validated it, so this is a programming error.
    const cron = deployment.active ? parseCron(deployment.cron, deployment.timeZone) : null;
    this.schedules.set(deployment.scheduleId, { deployment, cron, timer: null });
    // First time this process sees the schedule: slots since its last firing (before a restart) were
    // missed. An inactive schedule misses nothing: its mark is dropped.
    if (!cron) await this.marks.forget(deployment.scheduleId);
    else if (!existing) await this.reportMissed(deployment.scheduleId, cron);
    if (this.started) this.arm(deployment.scheduleId);
  }

  async remove(scheduleId: string): Promise<void> {
    this.schedules.get(scheduleId)?.timer?.cancel();
    this.schedules.delete(scheduleId);
    await this.marks.forget(scheduleId);
  }

  async runNow(request: RunRequest): Promise<RunHandle> {
    const name = `etl-x-${request.executionId}`;
    if (this.runs.has(name)) throw new Error(`run ${name} is already active`);
    const entry = this.extractor.args[0];
    if (entry && entry.endsWith('.js') && !existsSync(entry)) {
      throw new Error(`the extractor is not built (${entry} is missing): run \`npm run build\``);
    }
    const env = await this.runEnv(request, name);
    await this.files.prepare(name);
    const output = openSync(this.files.outputPath(name), 'a', 0o600);
    let child: ChildProcess;
    try {
      // The output file descriptor goes straight to the child, so its log survives a control-plane crash.
      // Own process group: a Ctrl-C in the control plane's terminal must not hit runs; close() stops them with SIGTERM.
      child = spawn(this.extractor.command, this.extractor.args, { env, stdio: ['ignore', output, output], detached: true });
    } finally {
      closeSync(output);
    }
    const handle: RunHandle = { name, uid: randomUUID() };
    const record: RunRecord = { name, uid: handle.uid, executionId: request.executionId, scheduleId: request.scheduleId, pid: child.pid ?? -1, startedAt: new Date().toISOString() };
    const exited = new Promise<void>((resolve) => {
      let settled = false;
      const settle = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        if (settled) return;
        settled = true;
        void this.onExit(name, code, signal, spawnError).finally(resolve);
      };
      child.once('exit', (code, signal) => settle(code, signal));
      child.once('error', (err) => settle(null, null, err));
    });
    const run: ActiveRun = {
      record,
      child,
      exited,
      stopRequested: false,
      deadlineExceeded: false,
      deadlineTimer: setTimeout(() => {
        run.deadlineExceeded = true;
        void this.terminate(run);
      }, request.template.maxRuntimeSeconds * 1000),
    };
    run.deadlineTimer.unref();
    this.runs.set(name, run);
    await this.files.writeRecord(record);
    this.emit({
      type: 'running',
      handle,
      executionId: request.executionId,
      ...(request.scheduleId ? { scheduleId: request.scheduleId } : {}),
      ...(request.scheduledFor ? { scheduledFor: request.scheduledFor } : {}),
      startedAt: new Date(record.startedAt),
    });
    return handle;
  }

  async stop(handle: RunHandle): Promise<StopOutcome> {
    const run = this.runs.get(handle.name);
    if (!run || run.record.uid !== handle.uid) return { terminated: true, detail: 'the run is not active' };
    run.stopRequested = true;
    return this.terminate(run);
  }

  async readLogs(handle: RunHandle, options: { sinceLine?: number } = {}): Promise<string[]> {
    const text = await this.files.readText(this.files.outputPath(handle.name));
    if (!text) return [];
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(options.sinceLine ?? 0);
  }

  subscribe(listener: (observation: RunObservation) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ping(): Promise<void> {
    await access(this.options.etlHome, constants.W_OK);
  }

  /** Pids of active runs (for tests and diagnostics). */
  activePids(): number[] {
    return [...this.runs.values()].map((r) => r.record.pid);
  }

  // ---- scheduling --------------------------------------------------------------------------

  private arm(scheduleId: string, after: Date = this.clock.now()): void {
    const armed = this.schedules.get(scheduleId);
    if (!armed || !armed.cron) return;
    armed.timer?.cancel();
    const next = armed.cron.next(after);
    if (!next) return;
    armed.timer = this.clock.at(next, () => this.fire(scheduleId, next));
  }

  private fire(scheduleId: string, slot: Date): void {
    if (!this.started || !this.schedules.has(scheduleId)) return;
    this.emit({ type: 'due', scheduleId, scheduledFor: slot });
    this.marks.record(scheduleId, slot).catch((err: unknown) => this.onError(err, `recording the firing of schedule ${scheduleId}`));
    // Next slot strictly after this one, or after now when the process slept through several.
    const now = this.clock.now();
    this.arm(scheduleId, now > slot ? now : slot);
  }

  /**
   * Slots that passed while the control plane was down. As a CronJob with
   * `startingDeadlineSeconds` does (C12): the latest slot still starts late when it is within that
   * deadline (at most one catch-up run); every other slot is reported `missed`.
   */
  private async reportMissed(scheduleId: string, cron: CronSchedule): Promise<void> {
    const last = await this.marks.lastFired(scheduleId);
    if (!last) return;
    const now = this.clock.now();
    const all = slotsBetween(cron, last, new Date(now.getTime() - 1), MAX_MISSED_SCANNED);
    const latest = all[all.length - 1];
    const catchUp = latest && now.getTime() - latest.getTime() <= startingDeadlineSeconds(cron, latest) * 1000 ? latest : null;
    const missed = catchUp ? all.slice(0, -1) : all;
    const reported = missed.slice(-MAX_MISSED_REPORTED);
    const omitted = missed.length - reported.length;
    reported.forEach((slot, i) => {
      const reason = 'the control plane was not running at this time';
      const note = omitted === 1 ? ' (1 earlier slot not listed)' : ` (${omitted} earlier slots not listed)`;
      this.emit({ type: 'missed', scheduleId, scheduledFor: slot, reason: i === 0 && omitted > 0 ? `${reason}${note}` : reason });
    });
    if (catchUp) this.emit({ type: 'due', scheduleId, scheduledFor: catchUp });
    // Covered up to now, including unlisted slots: none is reported twice.
    if (all.length > 0) await this.marks.record(scheduleId, new Date(now.getTime() - 1));
  }

  // ---- runs --------------------------------------------------------------------------------

  /** Exactly what a Kubernetes Job's container gets: the contract variables, secrets resolved, a UTC clock. */
  private async runEnv(request: RunRequest, name: string): Promise<NodeJS.ProcessEnv> {
    const env: NodeJS.ProcessEnv = { TZ: 'UTC' };
    for (const key of PASSTHROUGH_ENV) if (this.hostEnv[key]) env[key] = this.hostEnv[key];
    env[ENV.jobSpec] = JSON.stringify(request.template.spec);
    env[ENV.executionId] = request.executionId;
    env[ENV.runName] = name;
    env[ENV.terminationLog] = this.files.terminationLogPath(name);
    for (const secret of request.template.secrets) {
      env[secret.env] = await this.options.secrets.read(secret.name, secret.key);
    }
    return env;
  }

  /** SIGTERM, wait the grace period, SIGKILL; resolves once the process is gone. */
  private async terminate(run: ActiveRun): Promise<StopOutcome> {
    run.child.kill('SIGTERM');
    const graceful = await Promise.race([run.exited.then(() => true), delay(this.stopGraceMs).then(() => false)]);
    if (graceful) return { terminated: true };
    run.child.kill('SIGKILL');
    const killed = await Promise.race([run.exited.then(() => true), delay(5_000).then(() => false)]);
    return killed ? { terminated: true, detail: `killed after ${this.stopGraceMs} ms grace period` } : { terminated: false, detail: `process ${run.record.pid} survived SIGKILL` };
  }

  private async onExit(name: string, code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): Promise<void> {
    const run = this.runs.get(name);
    if (!run) return;
    clearTimeout(run.deadlineTimer);
    this.runs.delete(name);
    try {
      const summary = await this.readSummary(name);
      let status: RunStatus = summary?.status ?? (run.stopRequested ? 'stopped' : 'failed');
      let reason: string | undefined;
      if (spawnError) reason = `could not start the extractor: ${spawnError.message}`;
      else if (run.deadlineExceeded) {
        status = 'failed';
        reason = `exceeded the schedule's maximum run time; the run was stopped`;
      } else if (!summary) reason = signal ? `the extractor was killed by ${signal}` : `the extractor exited with code ${code} without a summary`;
      const finishedAt = new Date();
      await this.files.markFinished(name, { status, code, signal, reason: reason ?? null, finishedAt: finishedAt.toISOString() });
      this.emit({
        type: 'finished',
        handle: { name, uid: run.record.uid },
        executionId: run.record.executionId,
        ...(run.record.scheduleId ? { scheduleId: run.record.scheduleId } : {}),
        status,
        ...(summary ? { summary } : {}),
        ...(reason ? { reason } : {}),
        finishedAt,
      });
    } catch (err) {
      this.onError(err, `recording the end of ${name}`);
    }
  }

  private async readSummary(name: string): Promise<RunSummary | null> {
    const fromTermination = parseRunSummary(await this.files.readText(this.files.terminationLogPath(name)));
    if (fromTermination) return fromTermination;
    const output = await this.files.readText(this.files.outputPath(name));
    return parseRunSummary(output?.split('\n').slice(-20).join('\n'));
  }

  /**
   * Runs in flight when the previous control plane stopped: report each as finished. An orphan
   * extractor still alive cannot be supervised any more (its exit code is lost), so it is stopped.
   */
  private async recoverInterruptedRuns(): Promise<void> {
    for (const record of await this.files.unfinished()) {
      let reason = 'the control plane restarted while this run was active and its extractor process is gone';
      if (isOurProcess(record)) {
        process.kill(record.pid, 'SIGTERM');
        await waitForExit(record.pid, this.stopGraceMs);
        if (isOurProcess(record)) process.kill(record.pid, 'SIGKILL');
        reason = 'the control plane restarted while this run was active; its orphaned extractor was stopped';
      }
      const summary = await this.readSummary(record.name);
      const status: RunStatus = summary?.status ?? 'failed';
      const finishedAt = new Date();
      await this.files.markFinished(record.name, { status, reason, finishedAt: finishedAt.toISOString(), recovered: true });
      this.emit({
        type: 'finished',
        handle: { name: record.name, uid: record.uid },
        executionId: record.executionId,
        ...(record.scheduleId ? { scheduleId: record.scheduleId } : {}),
        status,
        ...(summary ? { summary } : {}),
        ...(summary ? {} : { reason }),
        finishedAt,
      });
    }
  }

  private emit(observation: RunObservation): void {
    for (const listener of this.listeners) {
      this.delivery = this.delivery.then(() => listener(observation)).catch((err) => this.onError(err, `delivering ${observation.type}`));
    }
  }
}

function sameTiming(a: ScheduleDeployment, b: ScheduleDeployment): boolean {
  return a.cron === b.cron && a.timeZone === b.timeZone && a.active === b.active;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A live process that is really our extractor run (pids get reused): its env names the run. */
function isOurProcess(record: RunRecord): boolean {
  if (record.pid <= 0) return false;
  try {
    return readFileSync(`/proc/${record.pid}/environ`, 'latin1').split('\0').includes(`${ENV.runName}=${record.name}`);
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await delay(100);
  }
}

export function defaultExtractor(): ExtractorCommand {
  return { command: process.execPath, args: [...EXTRACTOR_NODE_FLAGS, paths.extractorMain()] };
}
