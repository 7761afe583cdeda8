/**
 * A sliding-window log: at most `limit` events in any `windowMs`. Used where a provider counts
 * requests over a rolling window (Zendesk's per-minute limits, WhatsApp's per-second
 * throughput), so the bridge stays under the limit by design instead of learning it from 429s.
 */
export class SlidingWindow {
  private stamps: number[] = [];
  private head = 0;
  constructor(
    public limit: number,
    private readonly windowMs: number,
  ) {}

  private prune(now: number) {
    while (this.head < this.stamps.length && this.stamps[this.head] <= now - this.windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }

  used(now: number): number {
    this.prune(now);
    return this.stamps.length - this.head;
  }

  /** Milliseconds until `n` more requests fit (0: now). */
  delay(now: number, n = 1): number {
    const used = this.used(now);
    if (used + n <= this.limit) return 0;
    // More than the whole limit at once never fits: a full window (not NaN, which reads as "now").
    if (n > this.limit) return this.windowMs;
    const freeing = this.stamps[this.head + used + n - this.limit - 1];
    return Math.max(1, freeing + this.windowMs - now);
  }

  take(now: number, n = 1) {
    for (let i = 0; i < n; i++) this.stamps.push(now);
  }
}
