/**
 * One run per schedule, also for CronJob-created runs (DESIGN §4, trap 1).
 *
 * `concurrencyPolicy: Forbid` only counts Jobs the CronJob controller created itself, so a manual
 * Job can overlap a scheduled one. The control plane already refuses a manual run while another
 * execution of the schedule is active (a database guard). To close the CronJob side, the
 * CronJob's Job template is created with `suspend: true`: the controller's Job exists, but no
 * pod starts until the leader asks the same database guard. Admitted -> the Job is unsuspended
 * and labelled with its execution id; refused -> the Job is deleted (with its non-existent pods)
 * and the store records the slot as `skipped`. No extractor ever starts unadmitted.
 */

export interface ScheduledRunClaim {
  scheduleId: string;
  /** Name of the CronJob-created Job; the store must answer the same for the same name (replays, leader changes). */
  jobName: string;
  jobUid: string;
  scheduledFor?: Date;
}

export type AdmissionDecision =
  | { admitted: true; executionId: string }
  /** The store has recorded the slot as `skipped` (with this reason) when it answers so. */
  | { admitted: false; reason: string };

export interface RunAdmission {
  /**
   * Atomically: if no other execution of the schedule is active, create the execution (trigger
   * `scheduled`, status pending/running, runtime object = jobName) and admit it; otherwise
   * record a `skipped` execution and refuse. Idempotent per jobName.
   */
  claimScheduledRun(claim: ScheduledRunClaim): Promise<AdmissionDecision>;
}
