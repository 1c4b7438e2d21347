// A clock the test moves by hand: schedules fire when the test advances past their next slot.
import type { Clock, TimerHandle } from '../../../services/api/src/adapters/runtime/local/clock.js';

interface Timer {
  at: number;
  fn: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  private timers: Timer[] = [];

  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  at(at: Date, fn: () => void): TimerHandle {
    const timer: Timer = { at: at.getTime(), fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }

  /** Moves time forward, firing every timer due on the way, in time order. */
  advanceTo(target: Date): void {
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target.getTime()).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.cancelled = true;
      this.current = new Date(due.at);
      due.fn();
    }
    this.timers = this.timers.filter((t) => !t.cancelled);
    this.current = target;
  }

  pendingTimers(): Date[] {
    return this.timers.filter((t) => !t.cancelled).map((t) => new Date(t.at));
  }
}
