/**
 * Test helpers that play the Kubernetes CronJob and Job controllers (and the kubelet) against
 * the fake API server: fire a CronJob slot, start pods for unsuspended Jobs, finish pods and
 * Jobs with termination messages, record Events.
 */
import { randomBytes } from 'node:crypto';
import type { FakeApiServer, StoredObject } from './server.js';

export interface FinishOptions {
  /** Job condition type. */
  outcome: 'Complete' | 'Failed';
  /** Job condition reason: DeadlineExceeded, BackoffLimitExceeded, PodFailurePolicy… */
  reason?: string;
  message?: string;
  exitCode?: number;
  /** The container's termination message (the extractor's RunSummary JSON). */
  terminationMessage?: string;
  /** Pod-level status.reason, e.g. Evicted. */
  podReason?: string;
  podMessage?: string;
  at?: Date;
}

export class FakeControllers {
  /** Names of Jobs whose extractor pod was started: "an extractor did work". */
  readonly startedJobs: string[] = [];
  autoStartPods = true;

  constructor(
    private readonly api: FakeApiServer,
    private readonly namespace: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    api.afterWrite = (event) => {
      if (event.plural === 'jobs' && event.type !== 'DELETED' && this.autoStartPods) this.startPodIfRunnable(event.object);
    };
  }

  /** The CronJob controller creating the Job for one slot (name and annotation as Kubernetes does). */
  fireCronJob(cronJobName: string, scheduledFor: Date): StoredObject {
    const cronJob = this.api.get('cronjobs', this.namespace, cronJobName);
    if (!cronJob) throw new Error(`cronjob ${cronJobName} not found`);
    const template = cronJob.spec.jobTemplate;
    const name = `${cronJobName}-${Math.floor(scheduledFor.getTime() / 60_000)}`;
    const job = this.api.put('jobs', {
      metadata: {
        name,
        namespace: this.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': scheduledFor.toISOString().replace('.000Z', 'Z') },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cronJobName, uid: cronJob.metadata.uid, controller: true }],
      },
      spec: structuredClone(template.spec),
      status: {},
    });
    this.api.update('cronjobs', this.namespace, cronJobName, (cj) => {
      cj.status = { ...(cj.status ?? {}), lastScheduleTime: scheduledFor.toISOString().replace('.000Z', 'Z'), active: [{ kind: 'Job', name, namespace: this.namespace, uid: job.metadata.uid }] };
    });
    return this.api.get('jobs', this.namespace, name)!;
  }

  setLastScheduleTime(cronJobName: string, at: Date): void {
    this.api.update('cronjobs', this.namespace, cronJobName, (cj) => {
      cj.status = { ...(cj.status ?? {}), lastScheduleTime: at.toISOString().replace('.000Z', 'Z') };
    });
  }

  podsOf(jobName: string): StoredObject[] {
    return this.api.list('pods', this.namespace, `job-name=${jobName}`);
  }

  /** The Job controller: an unsuspended, unfinished Job without a pod gets one, running. */
  private startPodIfRunnable(job: StoredObject): void {
    if (job.spec?.suspend === true || (job.status?.conditions ?? []).length > 0) return;
    if (this.podsOf(job.metadata.name).length > 0) return;
    const now = this.clock().toISOString();
    const podName = `${job.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`;
    this.api.put('pods', {
      metadata: {
        name: podName,
        namespace: this.namespace,
        labels: { ...(job.spec.template.metadata?.labels ?? {}), 'job-name': job.metadata.name, 'batch.kubernetes.io/job-name': job.metadata.name, 'controller-uid': job.metadata.uid },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true }],
      },
      spec: structuredClone(job.spec.template.spec),
      status: { phase: 'Running', startTime: now, containerStatuses: [{ name: 'extractor', ready: true, restartCount: 0, state: { running: { startedAt: now } } }] },
    });
    this.startedJobs.push(job.metadata.name);
    this.api.update('jobs', this.namespace, job.metadata.name, (j) => {
      j.status = { ...(j.status ?? {}), active: 1, startTime: j.status?.startTime ?? now };
    });
  }

  /** Kubelet cannot pull the image: the pod stays Pending with a waiting reason. */
  podWaiting(jobName: string, reason: string, message: string): void {
    for (const pod of this.podsOf(jobName)) {
      this.api.update('pods', this.namespace, pod.metadata.name, (p) => {
        p.status = { ...p.status, phase: 'Pending', containerStatuses: [{ name: 'extractor', ready: false, restartCount: 0, state: { waiting: { reason, message } } }] };
      });
    }
  }

  /** Pod terminates, then the Job controller sets the Job's final condition. */
  finishJob(jobName: string, options: FinishOptions): void {
    const at = (options.at ?? this.clock()).toISOString();
    const exitCode = options.exitCode ?? (options.outcome === 'Complete' ? 0 : 1);
    for (const pod of this.podsOf(jobName)) {
      this.api.update('pods', this.namespace, pod.metadata.name, (p) => {
        p.status = {
          ...p.status,
          phase: exitCode === 0 ? 'Succeeded' : 'Failed',
          ...(options.podReason ? { reason: options.podReason, message: options.podMessage } : {}),
          containerStatuses: [
            { name: 'extractor', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', message: options.terminationMessage, finishedAt: at } } },
          ],
        };
      });
    }
    this.api.update('jobs', this.namespace, jobName, (j) => {
      j.status = {
        ...j.status,
        active: 0,
        ...(options.outcome === 'Complete' ? { succeeded: 1, completionTime: at } : { failed: 1 }),
        conditions: [{ type: options.outcome, status: 'True', reason: options.reason, message: options.message, lastTransitionTime: at }],
      };
    });
  }

  recordEvent(involved: { kind: string; name: string; uid?: string }, reason: string, message: string, at: Date, type = 'Warning'): void {
    const name = `${involved.name}.${randomBytes(8).toString('hex')}`;
    this.api.put('events', {
      metadata: { name, namespace: this.namespace },
      involvedObject: { kind: involved.kind, name: involved.name, namespace: this.namespace, uid: involved.uid },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: at.toISOString(),
      lastTimestamp: at.toISOString(),
    } as never);
  }
}
