/**
 * Pacing of outbound messages, so the limits hold by design and not by errors:
 * - per business number: 80 messages/s by default (Meta's throughput for a number);
 * - per customer: the pair limit, one message per 6 s, with a short burst allowed.
 * Token buckets on real time (pacing is about real throughput, not the adjustable clock).
 */
export interface PacerOptions {
  perNumberPerSecond?: number;
  /** Messages one customer may receive at once before the 6 s spacing applies. */
  pairBurst?: number;
  pairIntervalMs?: number;
  now?: () => number;
}

class Bucket {
  tokens: number;
  at: number;
  constructor(
    readonly capacity: number,
    readonly refillPerMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.at = now;
  }
  refill(now: number) {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.refillPerMs);
    this.at = now;
  }
  delay(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.refillPerMs);
  }
}

export class OutboundPacer {
  private readonly numbers = new Map<string, Bucket>();
  private readonly customers = new Map<number, Bucket>();
  private readonly now: () => number;
  readonly perNumberPerSecond: number;
  readonly pairBurst: number;
  readonly pairIntervalMs: number;

  constructor(o: PacerOptions = {}) {
    this.now = o.now ?? (() => performance.now());
    this.perNumberPerSecond = o.perNumberPerSecond ?? 80;
    this.pairBurst = o.pairBurst ?? 10;
    this.pairIntervalMs = o.pairIntervalMs ?? 6000;
  }

  private number(id: string): Bucket {
    let b = this.numbers.get(id);
    if (!b) this.numbers.set(id, (b = new Bucket(this.perNumberPerSecond, this.perNumberPerSecond / 1000, this.now())));
    return b;
  }
  private customer(id: number): Bucket {
    let b = this.customers.get(id);
    if (!b) this.customers.set(id, (b = new Bucket(this.pairBurst, 1 / this.pairIntervalMs, this.now())));
    return b;
  }

  /** Milliseconds until a message to this customer from this number may go (0: now). */
  delayFor(phoneNumberId: string, customerId: number): number {
    const now = this.now();
    return Math.max(this.number(phoneNumberId).delay(now), this.customer(customerId).delay(now));
  }

  take(phoneNumberId: string, customerId: number): void {
    const now = this.now();
    const n = this.number(phoneNumberId);
    const c = this.customer(customerId);
    n.refill(now);
    c.refill(now);
    n.tokens -= 1;
    c.tokens -= 1;
  }

  /** After Meta answered 131056 anyway: this customer waits a full interval. */
  penalize(customerId: number): void {
    const c = this.customer(customerId);
    c.refill(this.now());
    c.tokens = Math.min(c.tokens, 0);
  }
}
