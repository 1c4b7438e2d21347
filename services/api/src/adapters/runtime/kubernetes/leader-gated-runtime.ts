/**
 * What the control plane gets with ETL_RUNTIME=kubernetes: every replica serves HTTP (apply,
 * remove, run, stop, logs go straight to the API server), but only the replica holding the leader
 * Lease watches Jobs/Pods/CronJobs, admits CronJob-created runs and reconciles. When leadership
 * arrives later (the previous leader died), the new leader reconciles from the database itself,
 * through `scheduleSource`, never from a list it was handed earlier (it could be stale).
 */
import type { ReconcileReport, RunHandle, RunObservation, RunRequest, Runtime, ScheduleDeployment, StopOutcome } from '../../../domain/runtime/runtime.js';
import type { ActiveRunSource, KubernetesRuntime, RuntimeLogger } from './kubernetes-runtime.js';
import type { LeaderElector } from './leader-election.js';
import type { RunAdmission } from './run-admission.js';

export type ScheduleSource = () => Promise<ScheduleDeployment[]>;

const SKIPPED: ReconcileReport = { created: 0, updated: 0, deleted: 0, unchanged: 0 };

export class LeaderGatedRuntime implements Runtime {
  readonly kind = 'kubernetes' as const;
  private scheduleSource: ScheduleSource | undefined;
  private leading = false;
  private electorInstance: LeaderElector | undefined;

  constructor(
    readonly inner: KubernetesRuntime,
    private readonly elector: (hooks: { onStartedLeading(): Promise<void>; onStoppedLeading(): Promise<void> }) => LeaderElector,
    private readonly logger: RuntimeLogger,
  ) {}

  /** Where a new leader reads the schedules to reconcile (the control plane's schedule deployments). */
  useScheduleSource(source: ScheduleSource): void {
    this.scheduleSource = source;
  }

  /** The database guard for CronJob-created runs (see run-admission.ts). Call before start(). */
  useAdmission(admission: RunAdmission): void {
    this.inner.useAdmission(admission);
  }

  /** The database's active runs; the leader settles those whose Job vanished (see KubernetesRuntime.useActiveRuns). */
  useActiveRuns(source: ActiveRunSource): void {
    this.inner.useActiveRuns(source);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  async start(): Promise<void> {
    if (this.electorInstance) return;
    this.electorInstance = this.elector({
      onStartedLeading: async () => {
        this.leading = true;
        await this.inner.start();
        if (this.scheduleSource) {
          const report = await this.inner.reconcile(await this.scheduleSource());
          this.logger.info?.('became leader: watching runs, reconciled schedules', { report });
        }
      },
      onStoppedLeading: async () => {
        this.leading = false;
        await this.inner.close();
      },
    });
    // The first round runs now, so a single replica is leader before start() returns.
    await this.electorInstance.step();
    this.electorInstance.start();
  }

  async close(): Promise<void> {
    await this.electorInstance?.stop();
    this.electorInstance = undefined;
    await this.inner.close();
  }

  /** Followers leave the cluster alone; the leader reconciles (also on every leadership change). */
  async reconcile(schedules: ScheduleDeployment[]): Promise<ReconcileReport> {
    if (!this.leading) return { ...SKIPPED };
    return this.inner.reconcile(schedules);
  }

  apply(schedule: ScheduleDeployment): Promise<void> {
    return this.inner.apply(schedule);
  }

  remove(scheduleId: string): Promise<void> {
    return this.inner.remove(scheduleId);
  }

  runNow(request: RunRequest): Promise<RunHandle> {
    return this.inner.runNow(request);
  }

  stop(handle: RunHandle): Promise<StopOutcome> {
    return this.inner.stop(handle);
  }

  readLogs(handle: RunHandle, options?: { sinceLine?: number }): Promise<string[]> {
    return this.inner.readLogs(handle, options);
  }

  subscribe(listener: (observation: RunObservation) => void | Promise<void>): () => void {
    return this.inner.subscribe(listener);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }
}
