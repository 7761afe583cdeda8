/**
 * Time as the bridge sees it. Production uses the system clock; tests and the sandbox console
 * move time forward (to watch a 24-hour window close without waiting a day).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that can be moved forward; it still advances with real time in between. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  get offset(): number {
    return this.offsetMs;
  }
}
