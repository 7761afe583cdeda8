/**
 * Pacing of outbound messages, so the limits hold by design and not by errors:
 * - per business number: Meta counts the number's throughput (80 messages/s by default) over any
 *   one-second span, so a sliding-window log allows a little less (76) in any rolling second —
 *   a token bucket would let a full bucket's burst plus a second's refill through in one second,
 *   about twice the limit, right after a quiet moment. A send counts from the moment it leaves
 *   until one second after its answer: Meta saw it somewhere in between, so however late a busy
 *   process lets requests out, the sends Meta can see in any second are never more than counted;
 * - per customer: the pair limit, one message per 6 s with bursts of up to 45 borrowed against
 *   later ones (Meta's own token-bucket model), which a bucket of 40 keeps with room for skew.
 * On real time (pacing is about real throughput, not the adjustable clock).
 */
import { SlidingWindow } from '../lib/sliding-window';

export interface PacerOptions {
  perNumberPerSecond?: number;
  /** Fraction of the number's throughput the bridge allows itself (default 0.95). */
  headroom?: number;
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
  private readonly numbers = new Map<string, SlidingWindow>();
  /** Sends under way per number (left, not answered yet). */
  private readonly inFlight = new Map<string, number>();
  private readonly customers = new Map<number, Bucket>();
  private readonly now: () => number;
  /** Messages allowed in any rolling second, after the headroom. */
  readonly perNumberPerSecond: number;
  readonly pairBurst: number;
  readonly pairIntervalMs: number;

  constructor(o: PacerOptions = {}) {
    this.now = o.now ?? (() => performance.now());
    this.perNumberPerSecond = Math.max(1, Math.floor((o.perNumberPerSecond ?? 80) * (o.headroom ?? 0.95)));
    this.pairBurst = o.pairBurst ?? 40;
    this.pairIntervalMs = o.pairIntervalMs ?? 6000;
  }

  private number(id: string): SlidingWindow {
    let w = this.numbers.get(id);
    if (!w) this.numbers.set(id, (w = new SlidingWindow(this.perNumberPerSecond, 1000)));
    return w;
  }
  private customer(id: number): Bucket {
    let b = this.customers.get(id);
    if (!b) {
      if (this.customers.size >= 10_000) this.forgetRestedCustomers();
      this.customers.set(id, (b = new Bucket(this.pairBurst, 1 / this.pairIntervalMs, this.now())));
    }
    return b;
  }

  /** A customer whose bucket has refilled is like one never seen: drop it, so memory stays flat. */
  private forgetRestedCustomers(): void {
    const now = this.now();
    for (const [id, b] of this.customers) {
      b.refill(now);
      if (b.tokens >= b.capacity) this.customers.delete(id);
    }
  }

  /** Milliseconds until a message to this customer from this number may go (0: now). */
  delayFor(phoneNumberId: string, customerId: number): number {
    const now = this.now();
    const numberWait = this.number(phoneNumberId).delay(now, (this.inFlight.get(phoneNumberId) ?? 0) + 1);
    return Math.max(numberWait, this.customer(customerId).delay(now));
  }

  take(phoneNumberId: string, customerId: number): void {
    const now = this.now();
    const c = this.customer(customerId);
    this.inFlight.set(phoneNumberId, (this.inFlight.get(phoneNumberId) ?? 0) + 1);
    c.refill(now);
    c.tokens -= 1;
  }

  /** The send `take` allowed has its answer (or gave up): it counts for one more second. */
  done(phoneNumberId: string): void {
    this.inFlight.set(phoneNumberId, Math.max(0, (this.inFlight.get(phoneNumberId) ?? 0) - 1));
    this.number(phoneNumberId).take(this.now());
  }

  /** After Meta answered 131056 anyway: this customer waits a full interval. */
  penalize(customerId: number): void {
    const c = this.customer(customerId);
    c.refill(this.now());
    c.tokens = Math.min(c.tokens, 0);
  }
}
