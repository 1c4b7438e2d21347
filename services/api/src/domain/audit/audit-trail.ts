/**
 * Writes one audit event per important action (who did what to which object, and how it went).
 * Audit must never break the action it records, so failures to write are reported, not thrown.
 */
import { authorize, can, describeAction, type Action, type Actor } from '../auth/actor.js';
import type { AuditEvent } from '../model.js';
import type { AuditRepository } from '../ports.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: number | string | null;
  details?: Record<string, unknown>;
  outcome?: AuditEvent['outcome'];
}

export class AuditTrail {
  constructor(
    private readonly repository: AuditRepository,
    private readonly clock: () => Date = () => new Date(),
    private readonly onError: (err: unknown) => void = (err) => console.error('audit write failed', err),
  ) {}

  async record(actor: Actor, entry: AuditEntry): Promise<void> {
    try {
      await this.repository.record({
        at: this.clock(),
        actor: actor.email,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId == null ? null : String(entry.targetId),
        details: entry.details ?? {},
        outcome: entry.outcome ?? 'success',
      });
    } catch (err) {
      this.onError(err);
    }
  }

  /**
   * The role check for state-changing actions: a refused attempt is audited (who tried what on
   * which object) before the ForbiddenError goes back to the caller.
   */
  async authorize(actor: Actor, action: Action, entry: AuditEntry): Promise<void> {
    if (can(actor, action)) return;
    await this.record(actor, { ...entry, outcome: 'refused', details: { ...entry.details, reason: `role ${actor.role} may not ${describeAction(action)}` } });
    authorize(actor, action);
  }
}
