/**
 * The RunAdmission the control plane wires in (run-admission.ts): CronJob-created Jobs are
 * admitted through the same database lock as manual runs, the executions table's partial unique
 * index on (schedule, active status).
 *
 * The decision itself is the domain's: a run the runtime started on its own is reported to
 * ExecutionService as `running` (without an execution id), and the domain either inserts its row
 * (trigger `scheduled`) or, when the schedule already has an active execution, records a
 * `skipped` row and stops the newcomer. Both rows carry the Job name, so the answer is read back
 * by name: the same Job asked twice (watch replay, re-list, new leader) gets the same answer.
 */
import type { Execution } from '../../../domain/model.js';
import type { RunObservation } from '../../../domain/runtime/runtime.js';
import type { AdmissionDecision, RunAdmission, ScheduledRunClaim } from './run-admission.js';

export interface AdmissionStore {
  /** ExecutionService.observe: idempotent, never throws. */
  observe(observation: RunObservation): Promise<void>;
  /** ExecutionRepository.findByRuntimeName. */
  findByRuntimeName(name: string): Promise<Execution | null>;
}

export class ExecutionStoreAdmission implements RunAdmission {
  constructor(
    private readonly store: AdmissionStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claimScheduledRun(claim: ScheduledRunClaim): Promise<AdmissionDecision> {
    let row = await this.store.findByRuntimeName(claim.jobName);
    if (!row) {
      await this.store.observe({
        type: 'running',
        handle: { name: claim.jobName, uid: claim.jobUid },
        scheduleId: claim.scheduleId,
        ...(claim.scheduledFor ? { scheduledFor: claim.scheduledFor } : {}),
        startedAt: this.now(),
      });
      row = await this.store.findByRuntimeName(claim.jobName);
    }
    if (!row) {
      // The schedule is gone, or this slot was already recorded (e.g. as missed): nothing may run.
      return { admitted: false, reason: `no execution could be recorded for schedule ${claim.scheduleId} (deleted, or slot already recorded)` };
    }
    if (row.status === 'skipped') return { admitted: false, reason: row.error ?? `skipped (execution ${row.id})` };
    return { admitted: true, executionId: String(row.id) };
  }
}
