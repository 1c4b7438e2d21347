/**
 * Time as the local scheduler sees it. Injected so tests can make a schedule fire by moving a
 * manual clock instead of waiting for the wall clock (the CronJob controller does the same).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  now(): Date;
  /** Calls `fn` once the clock reaches `at` (at once if `at` has passed). */
  at(at: Date, fn: () => void): TimerHandle;
}

/** setTimeout can wait at most 2^31-1 ms (~24.8 days); longer waits re-arm in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => new Date(),
  at(at, fn) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const wait = at.getTime() - Date.now();
      timer = setTimeout(wait > MAX_TIMEOUT_MS ? arm : fn, Math.max(0, Math.min(wait, MAX_TIMEOUT_MS)));
      timer.unref();
    };
    arm();
    return { cancel: () => clearTimeout(timer) };
  },
};
