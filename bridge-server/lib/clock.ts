/**
 * Time as the bridge sees it. Production uses the system clock; tests and the sandbox console
 * move time forward (to watch a 24-hour window close without waiting a day).
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that can be moved forward; it still advances with real time in between. The sandbox
 * shares one between the simulators and the bridge, so a move is seen everywhere at once, and
 * starts it from a saved offset so that time moved in one `npm start` stays moved in the next.
 */
export class AdjustableClock implements Clock {
  private offsetMs: number;
  private readonly listeners = new Set<(offsetMs: number) => void>();

  constructor(offsetMs = 0) {
    if (!Number.isFinite(offsetMs)) throw new Error(`A clock offset must be a finite number of milliseconds (got ${offsetMs}).`);
    this.offsetMs = offsetMs;
  }
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
    for (const listener of this.listeners) listener(this.offsetMs);
  }
  get offset(): number {
    return this.offsetMs;
  }
  /** Called after every move with the new offset (e.g. to save it); returns the unsubscribe. */
  onChange(listener: (offsetMs: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
