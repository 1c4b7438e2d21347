/**
 * The one interface the control plane uses to run things (DESIGN §4). Two implementations:
 * `adapters/runtime/local` (child processes, in-process cron) and `adapters/runtime/kubernetes`
 * (CronJobs and Jobs). The domain never knows which one it talks to.
 */
import type { JobSpec } from '../../../../../jobs/contract/src/job-spec.js';
import type { RunStatus, RunSummary } from '../../../../../jobs/contract/src/summary.js';

/** A secret value the run needs, by reference: Kubernetes Secret name + key, or the local secret store's entry. */
export interface SecretRef {
  /** Environment variable the extractor reads (see ENV in the job contract). */
  env: string;
  name: string;
  key: string;
}

/** Everything any run of a schedule (or an ad-hoc run) gets: same for CronJob template and manual Job. */
export interface RunTemplate {
  spec: JobSpec;
  secrets: SecretRef[];
  /** Hard limit: Job `activeDeadlineSeconds`, local kill timer. */
  maxRuntimeSeconds: number;
}

/** What a schedule looks like to a runtime. Ids are strings so both runtimes can put them in names and labels. */
export interface ScheduleDeployment {
  scheduleId: string;
  scheduleName: string;
  cron: string;
  timeZone: string;
  active: boolean;
  template: RunTemplate;
}

export type Trigger = 'scheduled' | 'manual';

export interface RunRequest {
  executionId: string;
  scheduleId: string | null;
  trigger: Trigger;
  /** User email (or 'scheduler'). Goes into an annotation / log label, never a secret. */
  triggeredBy: string;
  scheduledFor?: Date;
  template: RunTemplate;
}

/** Identifies a running or finished run in the runtime: Job name + uid, or local run name + pid-based uid. */
export interface RunHandle {
  name: string;
  uid: string;
}

export interface StopOutcome {
  /** True once nothing of the run is left running (pods gone / child exited). */
  terminated: boolean;
  /** Human explanation when `terminated` is false (e.g. "pod x still present after 60 s"). */
  detail?: string;
}

/**
 * What a runtime reports about runs. Events may repeat (watch restarts, re-lists): consumers
 * must be idempotent, keyed by `handle.name`.
 */
export type RunObservation =
  /** Local runtime only: a schedule's time came; the domain decides to run (runNow) or record `skipped`. */
  | { type: 'due'; scheduleId: string; scheduledFor: Date }
  /** A run exists and is running. For CronJob-created Jobs `executionId` is absent the first time. */
  | { type: 'running'; handle: RunHandle; executionId?: string; scheduleId?: string; scheduledFor?: Date; startedAt: Date }
  | {
      type: 'finished';
      handle: RunHandle;
      executionId?: string;
      scheduleId?: string;
      status: RunStatus;
      summary?: RunSummary;
      /** Readable reason from the runtime: DeadlineExceeded, BackoffLimitExceeded, ImagePullBackOff, Evicted, exit code… */
      reason?: string;
      finishedAt: Date;
    }
  /** A slot that should have fired and did not (controller down, deadline passed, suspended). */
  | { type: 'missed'; scheduleId: string; scheduledFor: Date; reason: string };

export interface ReconcileReport {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /** Schedules that could not be applied (invalid cron/time zone, API error), with a readable reason. */
  failed?: { scheduleId: string; error: string }[];
}

export interface Runtime {
  readonly kind: 'local' | 'kubernetes';
  /** Start watching / scheduling. Called once at control-plane start (by the leader in Kubernetes). */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Make the runtime match exactly this set of schedules (create, update, delete ours only). */
  reconcile(schedules: ScheduleDeployment[]): Promise<ReconcileReport>;
  apply(schedule: ScheduleDeployment): Promise<void>;
  remove(scheduleId: string): Promise<void>;
  runNow(request: RunRequest): Promise<RunHandle>;
  stop(handle: RunHandle): Promise<StopOutcome>;
  /** Log lines of a run, oldest first (local: captured output; Kubernetes: pod log). */
  readLogs(handle: RunHandle, options?: { sinceLine?: number }): Promise<string[]>;
  subscribe(listener: (observation: RunObservation) => void | Promise<void>): () => void;
  /** For /readyz: can we reach what we run on? */
  ping(): Promise<void>;
}
