/**
 * Run state from the cluster: a Job and its pods -> one RunObservation. Pure functions plus a
 * small cache that emits an observation only when what it says changes, so replayed watch
 * events, re-lists after 410 Gone and watch restarts never produce a second, different story.
 */
import type { V1Job, V1JobCondition, V1Pod } from '@kubernetes/client-node';
import { parseRunSummary, type RunStatus, type RunSummary } from '../../../../../../jobs/contract/src/summary.js';
import type { RunObservation } from '../../../domain/runtime/runtime.js';
import { ANNOTATION, CONTAINER_NAME, LABEL } from './names.js';

const IMAGE_PULL_FAILURES = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName']);

export interface RunIdentity {
  handle: { name: string; uid: string };
  executionId?: string;
  scheduleId?: string;
  /** CronJob-created Jobs only. */
  scheduledFor?: Date;
  createdByCronJob: boolean;
}

export function runIdentity(job: V1Job): RunIdentity {
  const labels = job.metadata?.labels ?? {};
  const annotations = job.metadata?.annotations ?? {};
  const scheduledStamp = annotations[ANNOTATION.cronJobScheduledTimestamp];
  const createdByCronJob = Boolean(scheduledStamp) || (job.metadata?.ownerReferences ?? []).some((ref) => ref.kind === 'CronJob');
  const identity: RunIdentity = { handle: { name: job.metadata!.name!, uid: job.metadata!.uid ?? '' }, createdByCronJob };
  const executionId = labels[LABEL.execution] ?? annotations[ANNOTATION.admittedAs];
  if (executionId) identity.executionId = executionId;
  if (labels[LABEL.schedule]) identity.scheduleId = labels[LABEL.schedule];
  if (scheduledStamp && !Number.isNaN(Date.parse(scheduledStamp))) identity.scheduledFor = new Date(scheduledStamp);
  return identity;
}

/** A CronJob-created Job that was created suspended and not yet admitted by the control plane. */
export function awaitsAdmission(job: V1Job): boolean {
  return job.spec?.suspend === true && runIdentity(job).createdByCronJob && !job.metadata?.annotations?.[ANNOTATION.admittedAs];
}

const trueCondition = (job: V1Job, type: string): V1JobCondition | undefined => (job.status?.conditions ?? []).find((c) => c.type === type && c.status === 'True');

function byNewest(a: V1Pod, b: V1Pod): number {
  return Date.parse(String(b.metadata?.creationTimestamp ?? 0)) - Date.parse(String(a.metadata?.creationTimestamp ?? 0));
}

function extractorStatus(pod: V1Pod) {
  return (pod.status?.containerStatuses ?? []).find((c) => c.name === CONTAINER_NAME);
}

/** The summary the extractor wrote to its termination message (newest pod first). */
export function summaryFromPods(pods: V1Pod[]): RunSummary | undefined {
  for (const pod of [...pods].sort(byNewest)) {
    const summary = parseRunSummary(extractorStatus(pod)?.state?.terminated?.message);
    if (summary) return summary;
  }
  return undefined;
}

function exitCodeOf(pods: V1Pod[]): number | undefined {
  for (const pod of [...pods].sort(byNewest)) {
    const code = extractorStatus(pod)?.state?.terminated?.exitCode;
    if (code !== undefined) return code;
  }
  return undefined;
}

function describeCondition(condition: V1JobCondition): string {
  return [condition.reason, condition.message].filter(Boolean).join(': ') || condition.type;
}

function failureReason(condition: V1JobCondition, pods: V1Pod[]): string {
  const evicted = pods.find((p) => p.status?.reason === 'Evicted');
  const base = evicted ? `Evicted: ${evicted.status?.message ?? 'the node ran out of resources'}` : describeCondition(condition);
  const exitCode = exitCodeOf(pods);
  return exitCode !== undefined && exitCode !== 0 ? `${base} (exit code ${exitCode})` : base;
}

/**
 * A pod of the Job that has not ended yet. The Job watch and the Pod watch are separate streams:
 * the Job's final condition can arrive before the pod update that carries the termination
 * message (rows, error). Until that pod has ended or is gone, the run's end is not reported.
 */
function podStillEnding(pods: V1Pod[]): boolean {
  return pods.some((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && !extractorStatus(pod)?.state?.terminated);
}

const asDate = (value: Date | string | undefined, fallback: Date): Date => (value ? new Date(value) : fallback);

/**
 * What a Job says about its run right now, or undefined when there is nothing to report yet
 * (waiting for admission, not started).
 */
export function observeJob(job: V1Job, pods: V1Pod[], now: Date): RunObservation | undefined {
  const id = runIdentity(job);
  const base = { handle: id.handle, ...(id.executionId ? { executionId: id.executionId } : {}), ...(id.scheduleId ? { scheduleId: id.scheduleId } : {}) };
  const summary = summaryFromPods(pods);
  const complete = trueCondition(job, 'Complete');
  const failed = trueCondition(job, 'Failed');
  if ((complete || failed) && podStillEnding(pods)) return undefined;
  if (complete) {
    const status: RunStatus = summary?.status ?? 'succeeded';
    return { type: 'finished', ...base, status, ...(summary ? { summary } : {}), finishedAt: asDate(job.status?.completionTime ?? complete.lastTransitionTime, now) };
  }
  if (failed) {
    const status: RunStatus = summary?.status === 'stopped' ? 'stopped' : 'failed';
    return { type: 'finished', ...base, status, ...(summary ? { summary } : {}), reason: failureReason(failed, pods), finishedAt: asDate(failed.lastTransitionTime, now) };
  }
  for (const pod of pods) {
    const waiting = extractorStatus(pod)?.state?.waiting;
    if (waiting?.reason && IMAGE_PULL_FAILURES.has(waiting.reason)) {
      return { type: 'finished', ...base, status: 'failed', reason: [waiting.reason, waiting.message].filter(Boolean).join(': '), finishedAt: now };
    }
  }
  if (job.spec?.suspend === true) return undefined;
  if (job.status?.startTime || (job.status?.active ?? 0) > 0) {
    return { type: 'running', ...base, ...(id.scheduledFor ? { scheduledFor: id.scheduledFor } : {}), startedAt: asDate(job.status?.startTime, now) };
  }
  return undefined;
}

/** The part of an observation that identifies "what happened"; timestamps that come from our clock are left out. */
function observationKey(observation: RunObservation): string {
  if (observation.type === 'finished') {
    return JSON.stringify([observation.type, observation.executionId, observation.status, observation.reason, observation.summary]);
  }
  if (observation.type === 'running') return JSON.stringify([observation.type, observation.executionId, observation.startedAt.toISOString()]);
  return JSON.stringify(observation);
}

/**
 * Jobs and pods seen through the watches, by Job name. `update*`/`remove*` return the
 * observations to emit (none when nothing changed).
 */
export class RunStateCache {
  private readonly jobs = new Map<string, V1Job>();
  private readonly pods = new Map<string, Map<string, V1Pod>>();
  private readonly emitted = new Map<string, string>();
  /** Jobs the runtime deleted on purpose (refused by admission): their deletion is not a run ending. */
  private readonly ignored = new Set<string>();
  /**
   * Deleted while running, pods still there (Background propagation removes them after the Job,
   * each after its grace period): the run ends when the last pod is gone (C14).
   */
  private readonly ending = new Map<string, Omit<Extract<RunObservation, { type: 'finished' }>, 'finishedAt'>>();

  constructor(private readonly now: () => Date) {}

  ignore(jobName: string): void {
    this.ignored.add(jobName);
  }

  job(name: string): V1Job | undefined {
    return this.jobs.get(name);
  }

  allJobs(): V1Job[] {
    return [...this.jobs.values()];
  }

  podsOf(jobName: string): V1Pod[] {
    return [...(this.pods.get(jobName)?.values() ?? [])];
  }

  upsertJob(job: V1Job): RunObservation[] {
    const name = job.metadata!.name!;
    this.jobs.set(name, job);
    return this.evaluate(name);
  }

  removeJob(job: V1Job): RunObservation[] {
    const name = job.metadata!.name!;
    const last = this.jobs.get(name) ?? job;
    this.jobs.delete(name);
    const previous = this.emitted.get(name);
    this.emitted.delete(name);
    if (this.ignored.delete(name) || !previous || !previous.startsWith('["running"')) return [];
    // Deleted while running (Stop, or kubectl delete): the run ended without a Job condition.
    const id = runIdentity(last);
    const summary = summaryFromPods(this.podsOf(name));
    this.ending.set(name, {
      type: 'finished',
      handle: id.handle,
      ...(id.executionId ? { executionId: id.executionId } : {}),
      ...(id.scheduleId ? { scheduleId: id.scheduleId } : {}),
      status: summary?.status ?? 'stopped',
      ...(summary ? { summary } : {}),
      reason: 'Job deleted before it finished; its pods are gone',
    });
    return this.endIfPodsGone(name);
  }

  /** The deferred end of a deleted Job once none of its pods is left. */
  private endIfPodsGone(jobName: string): RunObservation[] {
    const pending = this.ending.get(jobName);
    if (!pending || this.pods.has(jobName)) return [];
    this.ending.delete(jobName);
    return [{ ...pending, finishedAt: this.now() }];
  }

  upsertPod(pod: V1Pod): RunObservation[] {
    const jobName = pod.metadata?.labels?.[LABEL.jobName];
    if (!jobName) return [];
    let pods = this.pods.get(jobName);
    if (!pods) this.pods.set(jobName, (pods = new Map()));
    pods.set(pod.metadata!.name!, pod);
    return this.jobs.has(jobName) ? this.evaluate(jobName) : [];
  }

  removePod(pod: V1Pod): RunObservation[] {
    const jobName = pod.metadata?.labels?.[LABEL.jobName];
    const pods = jobName ? this.pods.get(jobName) : undefined;
    if (!jobName) return [];
    pods?.delete(pod.metadata!.name!);
    if (pods && pods.size === 0) this.pods.delete(jobName);
    // A finished Job whose last unfinished pod went away can now be reported.
    return [...(this.jobs.has(jobName) ? this.evaluate(jobName) : []), ...this.endIfPodsGone(jobName)];
  }

  /** After a (re)list: the lists are the whole truth; anything not in them is gone. */
  replaceJobs(jobs: V1Job[]): RunObservation[] {
    const seen = new Set(jobs.map((j) => j.metadata!.name!));
    const out: RunObservation[] = [];
    for (const [name, job] of this.jobs) if (!seen.has(name)) out.push(...this.removeJob(job));
    for (const job of jobs) out.push(...this.upsertJob(job));
    return out;
  }

  replacePods(pods: V1Pod[]): RunObservation[] {
    this.pods.clear();
    const out: RunObservation[] = [];
    for (const pod of pods) out.push(...this.upsertPod(pod));
    // Jobs left without pods by the re-list (a finished Job waiting for its pod may now be reported).
    for (const jobName of this.jobs.keys()) if (!this.pods.has(jobName)) out.push(...this.evaluate(jobName));
    for (const jobName of [...this.ending.keys()]) out.push(...this.endIfPodsGone(jobName));
    return out;
  }

  private evaluate(jobName: string): RunObservation[] {
    const job = this.jobs.get(jobName)!;
    const observation = observeJob(job, this.podsOf(jobName), this.now());
    if (!observation) return [];
    const key = observationKey(observation);
    const previous = this.emitted.get(jobName);
    // A finished run stays finished: late pod updates must not turn it back into "running".
    if (previous === key || (previous?.startsWith('["finished"') && observation.type === 'running')) return [];
    this.emitted.set(jobName, key);
    return [observation];
  }
}
