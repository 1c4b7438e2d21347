/**
 * The production runtime (DESIGN §4): schedules become CronJobs, manual and ad-hoc runs become
 * Jobs, Stop deletes a Job with propagation and waits for its pods, and run state comes from
 * watching Jobs and Pods of our label. Built on @kubernetes/client-node 1.x (object parameters,
 * methods return the resource itself).
 */
import { PatchStrategy, setHeaderOptions, type BatchV1Api, type CoreV1Api, type CoreV1Event, type V1CronJob, type V1Job, type V1Pod, type Watch } from '@kubernetes/client-node';
import { parseCron, startingDeadlineSeconds } from '../../../domain/cron/index.js';
import type { ReconcileReport, RunHandle, RunObservation, RunRequest, Runtime, ScheduleDeployment, StopOutcome } from '../../../domain/runtime/runtime.js';
import { apiError, isConflict, isNotFound } from './api-errors.js';
import type { KubernetesSettings } from './config.js';
import { ANNOTATION, CONTAINER_NAME, FIELD_MANAGER, LABEL, OWNED_SELECTOR, cronJobName, jobPodsSelector } from './names.js';
import { buildCronJob, buildRunJob } from './objects.js';
import { initialWatermark, missedReason, missedSlots } from './missed-runs.js';
import { ResourceWatch } from './resource-watch.js';
import type { RunAdmission } from './run-admission.js';
import { RunStateCache, awaitsAdmission, runIdentity } from './run-state.js';
import { validateCronJob, validateJob } from './validate.js';

export interface Clock {
  now(): Date;
}

export interface RuntimeLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
}

export interface KubernetesClients {
  batch: BatchV1Api;
  core: CoreV1Api;
  watch: Watch;
}

/** A run the database still counts as active, with the Job it was handed to. */
export interface ActiveRun {
  executionId: string;
  name: string;
  uid: string;
}
export type ActiveRunSource = () => Promise<ActiveRun[]>;

export interface KubernetesRuntimeOptions {
  settings: KubernetesSettings;
  clients: KubernetesClients;
  /** The database guard for CronJob-created runs; without it scheduled Jobs are not gated. */
  admission?: RunAdmission;
  clock?: Clock;
  logger?: RuntimeLogger;
  /** How often missed slots are checked besides on every CronJob change (default 60 s; 0 = only on changes and explicit calls). */
  missedRunCheckIntervalMs?: number;
  watchRetryDelayMs?: number;
  stopPollIntervalMs?: number;
  /** Parallel writes during reconcile. */
  writeConcurrency?: number;
}

/** domain/cron scans a year of slots to find the shortest interval (seconds per call); it depends only on (cron, zone). */
const deadlineCache = new Map<string, number>();

const systemClock: Clock = { now: () => new Date() };
export const jsonLogger: RuntimeLogger = {
  warn: (message, fields) => process.stderr.write(`${JSON.stringify({ severity: 'WARNING', message, component: 'kubernetes-runtime', ...fields })}\n`),
  info: (message, fields) => process.stdout.write(`${JSON.stringify({ severity: 'INFO', message, component: 'kubernetes-runtime', ...fields })}\n`),
};

const ssaOptions = () => setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const mergePatchOptions = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class KubernetesRuntime implements Runtime {
  readonly kind = 'kubernetes' as const;
  private readonly settings: KubernetesSettings;
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly clock: Clock;
  private readonly logger: RuntimeLogger;
  private readonly listeners = new Set<(o: RunObservation) => void | Promise<void>>();
  private readonly runs: RunStateCache;
  private readonly cronJobs = new Map<string, V1CronJob>();
  /** Per CronJob name: slots up to here were reported missed or ran. */
  private readonly missedWatermark = new Map<string, Date>();
  private readonly admitting = new Map<string, Promise<void>>();
  private readonly watches: ResourceWatch<any>[];
  private missedTimer: NodeJS.Timeout | undefined;
  private started = false;

  private admission: RunAdmission | undefined;
  private activeRuns: ActiveRunSource | undefined;

  constructor(private readonly options: KubernetesRuntimeOptions) {
    this.admission = options.admission;
    this.settings = options.settings;
    this.batch = options.clients.batch;
    this.core = options.clients.core;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? jsonLogger;
    this.runs = new RunStateCache(() => this.clock.now());
    const ns = this.settings.namespace;
    const retryDelayMs = options.watchRetryDelayMs;
    const onError = (error: unknown) => this.logger.warn('kubernetes watch problem; retrying', { error: String((error as Error)?.message ?? error) });
    this.watches = [
      new ResourceWatch<V1Job>(options.clients.watch, {
        path: `/apis/batch/v1/namespaces/${ns}/jobs`,
        labelSelector: OWNED_SELECTOR,
        list: () => this.batch.listNamespacedJob({ namespace: ns, labelSelector: OWNED_SELECTOR }),
        onSync: (jobs) => this.onJobsListed(jobs),
        onEvent: (type, job) => this.onJobEvent(type, job),
        onError,
        retryDelayMs,
      }),
      new ResourceWatch<V1Pod>(options.clients.watch, {
        path: `/api/v1/namespaces/${ns}/pods`,
        labelSelector: OWNED_SELECTOR,
        list: () => this.core.listNamespacedPod({ namespace: ns, labelSelector: OWNED_SELECTOR }),
        onSync: (pods) => this.emitAll(this.runs.replacePods(pods)),
        onEvent: (type, pod) => this.emitAll(type === 'DELETED' ? this.runs.removePod(pod) : this.runs.upsertPod(pod)),
        onError,
        retryDelayMs,
      }),
      new ResourceWatch<V1CronJob>(options.clients.watch, {
        path: `/apis/batch/v1/namespaces/${ns}/cronjobs`,
        labelSelector: OWNED_SELECTOR,
        list: () => this.batch.listNamespacedCronJob({ namespace: ns, labelSelector: OWNED_SELECTOR }),
        onSync: (cronJobs) => this.onCronJobsListed(cronJobs),
        onEvent: (type, cronJob) => this.onCronJobEvent(type, cronJob),
        onError,
        retryDelayMs,
      }),
    ];
  }

  /**
   * Wires the database guard for CronJob-created runs. Call before the first reconcile: it
   * decides whether CronJob templates start their Jobs suspended.
   */
  useAdmission(admission: RunAdmission): void {
    this.admission = admission;
  }

  /**
   * Where the runtime reads the runs the database still counts as active. After every Job list,
   * those whose Job is gone (deleted, or removed by ttlSecondsAfterFinished while no control plane
   * was watching) are reported finished, so no execution stays `running` for ever.
   */
  useActiveRuns(source: ActiveRunSource): void {
    this.activeRuns = source;
  }

  // ---- lifecycle ----

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // Pods first, so Jobs listed next are judged with their pods (termination messages).
    for (const watch of [this.watches[1]!, this.watches[0]!, this.watches[2]!]) await watch.start();
    const interval = this.options.missedRunCheckIntervalMs ?? 60_000;
    if (interval > 0) {
      this.missedTimer = setInterval(() => {
        this.checkMissedRuns().catch((error: unknown) => this.logger.warn('missed-run check failed', { error: String(error) }));
      }, interval);
      this.missedTimer.unref();
    }
  }

  async close(): Promise<void> {
    this.started = false;
    clearInterval(this.missedTimer);
    await Promise.all(this.watches.map((w) => w.stop()));
    await Promise.allSettled([...this.admitting.values()]);
  }

  /** Resolves once every watch event received so far has been processed (tests, graceful hand-over). */
  async idle(): Promise<void> {
    await Promise.all(this.watches.map((w) => w.idle()));
    await Promise.allSettled([...this.admitting.values()]);
  }

  get watchStats() {
    return { jobs: this.watches[0]!.stats, pods: this.watches[1]!.stats, cronJobs: this.watches[2]!.stats };
  }

  subscribe(listener: (observation: RunObservation) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ping(): Promise<void> {
    try {
      await this.batch.listNamespacedCronJob({ namespace: this.settings.namespace, labelSelector: OWNED_SELECTOR, limit: 1 });
    } catch (error) {
      throw apiError(`list CronJobs in ${this.settings.namespace}`, error);
    }
  }

  // ---- schedules ----

  /**
   * The CronJob a schedule should be. The cron expression and zone are parsed here (they decide
   * startingDeadlineSeconds); the full validation runs right before the object is sent, so an
   * unchanged schedule costs a hash comparison only.
   */
  desiredCronJob(schedule: ScheduleDeployment): V1CronJob {
    const timing = { startingDeadlineSeconds: this.startingDeadline(schedule.cron, schedule.timeZone) };
    return buildCronJob(schedule, this.settings, timing, { suspendScheduledRuns: Boolean(this.admission) });
  }

  private startingDeadline(cron: string, timeZone: string): number {
    const key = `${timeZone}\u0000${cron}`;
    let seconds = deadlineCache.get(key);
    if (seconds === undefined) {
      seconds = startingDeadlineSeconds(parseCron(cron, timeZone), this.clock.now());
      deadlineCache.set(key, seconds);
    }
    return seconds;
  }

  async reconcile(schedules: ScheduleDeployment[]): Promise<ReconcileReport> {
    const report: ReconcileReport = { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: [] };
    const desired = new Map<string, V1CronJob>();
    for (const schedule of schedules) {
      try {
        desired.set(cronJobName(schedule.scheduleId), this.desiredCronJob(schedule));
      } catch (error) {
        report.failed!.push({ scheduleId: schedule.scheduleId, error: (error as Error).message });
      }
    }
    const ns = this.settings.namespace;
    let existing: V1CronJob[];
    try {
      existing = (await this.batch.listNamespacedCronJob({ namespace: ns, labelSelector: OWNED_SELECTOR })).items;
    } catch (error) {
      throw apiError(`list CronJobs in ${ns}`, error);
    }
    const current = new Map(existing.map((c) => [c.metadata!.name!, c]));
    const work: { name: string; run: () => Promise<void> }[] = [];
    for (const [name, cronJob] of desired) {
      const found = current.get(name);
      if (!found) work.push({ name, run: async () => void (await this.createCronJob(cronJob), report.created++) });
      else if (found.metadata?.annotations?.[ANNOTATION.specHash] !== cronJob.metadata!.annotations![ANNOTATION.specHash]) {
        work.push({ name, run: async () => void (await this.applyCronJob(cronJob), report.updated++) });
      } else report.unchanged++;
    }
    for (const name of current.keys()) {
      if (!desired.has(name)) work.push({ name, run: async () => void (await this.deleteCronJob(name), report.deleted++) });
    }
    await inParallel(work, this.options.writeConcurrency ?? 16, async (task) => {
      try {
        await task.run();
      } catch (error) {
        report.failed!.push({ scheduleId: task.name.replace(/^etl-s-/, ''), error: (error as Error).message });
      }
    });
    if (report.failed!.length > 0) this.logger.warn('reconcile left some schedules unapplied', { failed: report.failed });
    return report;
  }

  async apply(schedule: ScheduleDeployment): Promise<void> {
    const cronJob = this.desiredCronJob(schedule);
    const name = cronJob.metadata!.name!;
    let found: V1CronJob | undefined;
    try {
      found = await this.batch.readNamespacedCronJob({ name, namespace: this.settings.namespace });
    } catch (error) {
      if (!isNotFound(error)) throw apiError(`read CronJob ${name}`, error);
    }
    if (!found) return this.createCronJob(cronJob);
    this.assertOurs(found, 'CronJob');
    if (found.metadata?.annotations?.[ANNOTATION.specHash] === cronJob.metadata!.annotations![ANNOTATION.specHash]) return;
    await this.applyCronJob(cronJob);
  }

  async remove(scheduleId: string): Promise<void> {
    const name = cronJobName(scheduleId);
    try {
      const found = await this.batch.readNamespacedCronJob({ name, namespace: this.settings.namespace });
      this.assertOurs(found, 'CronJob');
    } catch (error) {
      if (isNotFound(error)) return;
      throw apiError(`read CronJob ${name}`, error);
    }
    await this.deleteCronJob(name);
  }

  private assertOurs(object: V1CronJob | V1Job, kind: string): void {
    if (object.metadata?.labels?.[LABEL.managedBy] !== 'etl-monitor') {
      throw new Error(`${kind} ${object.metadata?.name} exists but is not managed by etl-monitor (no ${LABEL.managedBy} label); refusing to touch it`);
    }
  }

  private async createCronJob(cronJob: V1CronJob): Promise<void> {
    validateCronJob(cronJob);
    try {
      await this.batch.createNamespacedCronJob({ namespace: this.settings.namespace, body: cronJob });
    } catch (error) {
      throw apiError(`create CronJob ${cronJob.metadata!.name}`, error);
    }
  }

  /** Server-side apply: fields we set before and no longer set are removed; server defaults stay. */
  private async applyCronJob(cronJob: V1CronJob): Promise<void> {
    const name = cronJob.metadata!.name!;
    validateCronJob(cronJob);
    try {
      await this.batch.patchNamespacedCronJob({ name, namespace: this.settings.namespace, body: cronJob, fieldManager: FIELD_MANAGER, force: true }, ssaOptions());
    } catch (error) {
      throw apiError(`apply CronJob ${name}`, error);
    }
  }

  private async deleteCronJob(name: string): Promise<void> {
    try {
      // Background: the CronJob's finished Jobs and their pods go with it (C14).
      await this.batch.deleteNamespacedCronJob({ name, namespace: this.settings.namespace, propagationPolicy: 'Background', body: { propagationPolicy: 'Background' } });
    } catch (error) {
      if (!isNotFound(error)) throw apiError(`delete CronJob ${name}`, error);
    }
  }

  // ---- runs ----

  async runNow(request: RunRequest): Promise<RunHandle> {
    const job = validateJob(buildRunJob(request, this.settings));
    const name = job.metadata!.name!;
    const namespace = this.settings.namespace;
    try {
      const created = await this.batch.createNamespacedJob({ namespace, body: job });
      return { name: created.metadata!.name!, uid: created.metadata!.uid! };
    } catch (error) {
      if (!isConflict(error)) throw apiError(`create Job ${name}`, error);
    }
    // Same execution id asked twice (retry after a timeout): the Job already exists; it is the run.
    const existing = await this.batch.readNamespacedJob({ name, namespace });
    if (existing.metadata?.labels?.[LABEL.execution] !== request.executionId) throw new Error(`Job ${name} exists but belongs to another run`);
    return { name, uid: existing.metadata!.uid! };
  }

  async stop(handle: RunHandle): Promise<StopOutcome> {
    const namespace = this.settings.namespace;
    try {
      // C14: without a propagation policy the API server orphans the pods and the run goes on.
      await this.batch.deleteNamespacedJob({ name: handle.name, namespace, propagationPolicy: 'Background', body: { propagationPolicy: 'Background' } });
    } catch (error) {
      if (!isNotFound(error)) throw apiError(`delete Job ${handle.name}`, error);
    }
    const deadline = this.clock.now().getTime() + this.settings.stopTimeoutMs;
    const pollMs = this.options.stopPollIntervalMs ?? 1000;
    for (;;) {
      const pods = await this.podsOfJob(handle.name);
      if (pods.length === 0) return { terminated: true };
      if (this.clock.now().getTime() >= deadline) {
        const names = pods.map((p) => p.metadata?.name).join(', ');
        const detail = `pod(s) ${names} of Job ${handle.name} still present ${this.settings.stopTimeoutMs / 1000} s after the Job was deleted`;
        // Said on the execution too (the watch only ends the run once the pods are gone, which may be never on a lost node).
        await this.emitAll([{ type: 'finished', handle, status: 'stopped', reason: `Stop requested, but ${detail} (kubectl get pods -l ${jobPodsSelector(handle.name)})`, finishedAt: this.clock.now() }]);
        return { terminated: false, detail };
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async readLogs(handle: RunHandle, options?: { sinceLine?: number }): Promise<string[]> {
    const pods = (await this.podsOfJob(handle.name)).sort(
      (a, b) => Date.parse(String(b.metadata?.creationTimestamp ?? 0)) - Date.parse(String(a.metadata?.creationTimestamp ?? 0)),
    );
    const pod = pods[0];
    if (!pod) return [];
    let text: string;
    try {
      text = await this.core.readNamespacedPodLog({ name: pod.metadata!.name!, namespace: this.settings.namespace, container: CONTAINER_NAME });
    } catch (error) {
      throw apiError(`read log of pod ${pod.metadata!.name}`, error);
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(options?.sinceLine ?? 0);
  }

  private async podsOfJob(jobName: string): Promise<V1Pod[]> {
    try {
      return (await this.core.listNamespacedPod({ namespace: this.settings.namespace, labelSelector: jobPodsSelector(jobName) })).items;
    } catch (error) {
      throw apiError(`list pods of Job ${jobName}`, error);
    }
  }

  // ---- watch handlers ----

  private async emitAll(observations: RunObservation[]): Promise<void> {
    for (const observation of observations) {
      for (const listener of this.listeners) {
        try {
          await listener(observation);
        } catch (error) {
          this.logger.warn('run observation listener failed', { error: String(error), observation: observation.type });
        }
      }
    }
  }

  private async onJobsListed(jobs: V1Job[]): Promise<void> {
    await this.emitAll(this.runs.replaceJobs(jobs));
    for (const job of jobs) this.admitIfWaiting(job);
    await this.settleVanishedRuns(new Set(jobs.map((job) => job.metadata!.name!)));
  }

  private async settleVanishedRuns(listed: ReadonlySet<string>): Promise<void> {
    if (!this.activeRuns) return;
    let active: ActiveRun[];
    try {
      active = await this.activeRuns();
    } catch (error) {
      this.logger.warn('cannot read the active runs; runs whose Job vanished stay as they are until the next list', { error: String(error) });
      return;
    }
    for (const run of active) {
      if (listed.has(run.name) || this.runs.job(run.name) || this.runs.podsOf(run.name).length > 0) continue;
      // The list may predate a Job created since (run now on another replica): only a 404 now proves it is gone.
      try {
        await this.batch.readNamespacedJob({ name: run.name, namespace: this.settings.namespace });
        continue;
      } catch (error) {
        if (!isNotFound(error)) {
          this.logger.warn('cannot check whether a run\'s Job still exists', { job: run.name, error: String(error) });
          continue;
        }
      }
      await this.emitAll([
        {
          type: 'finished',
          handle: { name: run.name, uid: run.uid },
          executionId: run.executionId,
          status: 'failed',
          reason: `Job ${run.name} no longer exists (deleted, or removed after ttlSecondsAfterFinished, while no control plane was watching): the outcome of this run is unknown`,
          finishedAt: this.clock.now(),
        },
      ]);
    }
  }

  private async onJobEvent(type: string, job: V1Job): Promise<void> {
    if (type === 'DELETED') return this.emitAll(this.runs.removeJob(job));
    await this.emitAll(this.runs.upsertJob(job));
    this.admitIfWaiting(job);
  }

  /** Runs the admission once per Job name at a time; it must not block the watch queue. */
  private admitIfWaiting(job: V1Job): void {
    const admission = this.admission;
    const name = job.metadata!.name!;
    if (!admission || !awaitsAdmission(job) || this.admitting.has(name)) return;
    const task = this.admit(admission, job)
      .catch((error: unknown) => this.logger.warn('admission of a scheduled run failed; will retry on the next event', { job: name, error: String(error) }))
      .finally(() => this.admitting.delete(name));
    this.admitting.set(name, task);
  }

  private async admit(admission: RunAdmission, job: V1Job): Promise<void> {
    const id = runIdentity(job);
    const name = id.handle.name;
    const namespace = this.settings.namespace;
    const decision = await admission.claimScheduledRun({ scheduleId: id.scheduleId ?? '', jobName: name, jobUid: id.handle.uid, scheduledFor: id.scheduledFor });
    if (decision.admitted) {
      // A suspended Job that never ran may still change its pod template's labels (Kubernetes >= 1.27),
      // so `kubectl get pods -l etl-monitor/execution=<id>` finds the pods of scheduled runs too.
      const patch = {
        metadata: { labels: { [LABEL.execution]: decision.executionId }, annotations: { [ANNOTATION.admittedAs]: decision.executionId } },
        spec: { suspend: false, template: { metadata: { labels: { [LABEL.execution]: decision.executionId } } } },
      };
      await this.batch.patchNamespacedJob({ name, namespace, body: patch }, mergePatchOptions());
      return;
    }
    this.runs.ignore(name);
    try {
      await this.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background', body: { propagationPolicy: 'Background' } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  // ---- missed runs (C12) ----

  private async onCronJobsListed(cronJobs: V1CronJob[]): Promise<void> {
    this.cronJobs.clear();
    for (const cronJob of cronJobs) this.cronJobs.set(cronJob.metadata!.name!, cronJob);
    await this.checkMissedRuns();
  }

  private async onCronJobEvent(type: string, cronJob: V1CronJob): Promise<void> {
    const name = cronJob.metadata!.name!;
    if (type === 'DELETED') {
      this.cronJobs.delete(name);
      this.missedWatermark.delete(name);
      return;
    }
    this.cronJobs.set(name, cronJob);
    await this.checkCronJob(cronJob);
  }

  /** Reports slots that can no longer run, for every CronJob we know. Also runs on a timer. */
  async checkMissedRuns(): Promise<void> {
    for (const cronJob of [...this.cronJobs.values()]) await this.checkCronJob(cronJob);
  }

  private async checkCronJob(cronJob: V1CronJob): Promise<void> {
    const name = cronJob.metadata!.name!;
    const scheduleId = cronJob.metadata?.labels?.[LABEL.schedule];
    const spec = cronJob.spec;
    if (!scheduleId || !spec?.timeZone) return;
    const now = this.clock.now();
    if (spec.suspend) {
      // A deactivated schedule has no due slots; when it is activated again, counting starts then.
      this.missedWatermark.set(name, now);
      return;
    }
    const accountedUntil = this.missedWatermark.get(name) ?? initialWatermark(cronJob);
    const lastScheduleTime = cronJob.status?.lastScheduleTime ? new Date(cronJob.status.lastScheduleTime) : undefined;
    const deadline = spec.startingDeadlineSeconds ?? 60;
    const startedSlots = new Set<number>();
    for (const job of this.jobsOfSchedule(scheduleId)) if (job.scheduledFor) startedSlots.add(job.scheduledFor.getTime());
    const slots = missedSlots({ cron: spec.schedule, timeZone: spec.timeZone, startingDeadlineSeconds: deadline, accountedUntil, lastScheduleTime, now, startedSlots });
    const newest = slots.at(-1);
    const watermark = new Date(Math.max(accountedUntil.getTime(), lastScheduleTime?.getTime() ?? 0, newest?.getTime() ?? 0));
    if (slots.length === 0) {
      this.missedWatermark.set(name, watermark);
      return;
    }
    const reason = missedReason(await this.eventsOf(name), deadline);
    this.missedWatermark.set(name, watermark);
    await this.emitAll(slots.map((scheduledFor) => ({ type: 'missed', scheduleId, scheduledFor, reason })));
  }

  private jobsOfSchedule(scheduleId: string) {
    const out: ReturnType<typeof runIdentity>[] = [];
    for (const job of this.cachedJobs()) {
      const id = runIdentity(job);
      if (id.scheduleId === scheduleId) out.push(id);
    }
    return out;
  }

  private cachedJobs(): V1Job[] {
    return this.runs.allJobs();
  }

  private async eventsOf(cronJobName: string): Promise<CoreV1Event[]> {
    try {
      const list = await this.core.listNamespacedEvent({ namespace: this.settings.namespace, fieldSelector: `involvedObject.kind=CronJob,involvedObject.name=${cronJobName}` });
      return list.items;
    } catch (error) {
      this.logger.warn('cannot read CronJob events; missed runs get a generic reason', { cronJob: cronJobName, error: String(error) });
      return [];
    }
  }
}
