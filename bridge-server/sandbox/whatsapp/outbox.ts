/**
 * What the simulated number sends: the "phone" inbox tests read, the customer service window as
 * Meta sees it (from the inbound messages it observed), the pair limit and the throughput limit,
 * and status webhooks (sent, delivered, read, failed) signed with the app secret.
 */
import { signPayload, SIGNATURE_HEADER } from '../../whatsapp/signature';
import type { Clock } from '../../lib/clock';
import { newWamid, statusEnvelope, statusUpdate, serializeEnvelope } from './phone';

export interface SentMessage {
  wamid: string;
  phoneNumberId: string;
  /** Digits of `to` (no +), or the BSUID given as `recipient`. */
  recipient: string;
  type: string;
  /** The request body as the business sent it. */
  body: Record<string, unknown>;
  /** Clock time (ms). */
  at: number;
  /** The latest status emitted for it. */
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  callbackData?: string;
}

export interface UploadedMedia {
  id: string;
  mimeType: string;
  fileName: string;
  bytes: Buffer;
}

export interface OutboxOptions {
  clock: Clock;
  appSecret: string;
  phoneNumberId: string;
  /** Messages per second per number (Meta: 80). */
  throughputPerSecond?: number;
  /** Pair limit: burst, then one message per `pairIntervalMs` to the same customer. */
  pairBurst?: number;
  pairIntervalMs?: number;
}

export interface AutoStatuses {
  /** Delay (real ms) before `sent` and again before `delivered`; false: statuses only by hand. */
  delayMs: number;
  /** Also emit `read` after `delivered`. */
  read?: boolean;
}

export class Outbox {
  readonly sent: SentMessage[] = [];
  readonly uploads = new Map<string, UploadedMedia>();
  /** Customer (digits or BSUID) → clock time (ms) of their newest message. */
  readonly lastInbound = new Map<string, number>();
  /** Recipients whose messages are accepted but then fail with 131026 (cannot receive WhatsApp). */
  readonly undeliverable = new Set<string>();
  /** wamids of customer messages the business marked as read. */
  readonly readReceipts: string[] = [];
  webhookUrl: string | null = null;
  autoStatuses: AutoStatuses | false = { delayMs: 5 };
  enforceWindow = true;
  readonly throughputPerSecond: number;
  readonly pairBurst: number;
  readonly pairIntervalMs: number;
  private readonly recent: number[] = [];
  private readonly pairs = new Map<string, { tokens: number; at: number }>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly emitted: { wamid: string; status: string; ok: boolean }[] = [];

  constructor(private readonly o: OutboxOptions) {
    this.throughputPerSecond = o.throughputPerSecond ?? 80;
    this.pairBurst = o.pairBurst ?? 45;
    this.pairIntervalMs = o.pairIntervalMs ?? 6000;
  }

  /** Remembers the customers' windows from an inbound webhook payload the test delivers. */
  observeInbound(payload: unknown): void {
    const entries = (payload as { entry?: { changes?: { value?: { messages?: { from?: string; from_user_id?: string; timestamp?: string }[] } }[] }[] })?.entry ?? [];
    for (const e of entries)
      for (const c of e.changes ?? [])
        for (const m of c.value?.messages ?? []) {
          const at = Number(m.timestamp) * 1000;
          for (const key of [m.from, m.from_user_id]) if (key) this.lastInbound.set(key, Math.max(this.lastInbound.get(key) ?? 0, at));
        }
  }

  inWindow(recipient: string): boolean {
    if (!this.enforceWindow) return true;
    const last = this.lastInbound.get(recipient);
    return last !== undefined && this.o.clock.now() <= last + 24 * 3600 * 1000;
  }

  /** Throughput: false when the number already sent `throughputPerSecond` in the last second. */
  takeThroughput(): boolean {
    const now = performance.now();
    while (this.recent.length && now - this.recent[0] > 1000) this.recent.shift();
    if (this.recent.length >= this.throughputPerSecond) return false;
    this.recent.push(now);
    return true;
  }

  /** Pair limit: false when this customer got their burst and the 6 s have not passed. */
  takePair(recipient: string): boolean {
    const now = performance.now();
    const b = this.pairs.get(recipient) ?? { tokens: this.pairBurst, at: now };
    b.tokens = Math.min(this.pairBurst, b.tokens + (now - b.at) / this.pairIntervalMs);
    b.at = now;
    this.pairs.set(recipient, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  record(message: Omit<SentMessage, 'wamid' | 'status' | 'at'>): SentMessage {
    const sent: SentMessage = { ...message, wamid: newWamid(message.recipient), status: 'accepted', at: this.o.clock.now() };
    this.sent.push(sent);
    if (this.autoStatuses) {
      const { delayMs, read } = this.autoStatuses;
      const steps: SentMessage['status'][] = this.undeliverable.has(sent.recipient) ? ['failed'] : ['sent', 'delivered', ...(read ? (['read'] as const) : [])];
      steps.forEach((status, i) => this.later(delayMs * (i + 1), () => void this.emitStatus(sent.wamid, status)));
    }
    return sent;
  }

  private later(ms: number, fn: () => void) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Messages sent to one customer (digits or BSUID), oldest first. */
  inbox(recipient: string): SentMessage[] {
    return this.sent.filter((m) => m.recipient === recipient);
  }

  /** POSTs a status webhook for a sent message, signed with the app secret, to `webhookUrl`. */
  async emitStatus(wamid: string, status: SentMessage['status'] | 'played', opts: { errors?: Record<string, unknown>[] } = {}): Promise<boolean> {
    const message = this.sent.find((m) => m.wamid === wamid);
    if (!message || !this.webhookUrl) return false;
    if (status !== 'played' && status !== 'accepted') message.status = status;
    const errors =
      opts.errors ??
      (status === 'failed' && this.undeliverable.has(message.recipient)
        ? [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } }]
        : undefined);
    const isBsuid = !/^\d+$/.test(message.recipient);
    const payload = statusEnvelope(this.o.phoneNumberId, [
      statusUpdate({
        id: wamid,
        status,
        recipientWaId: isBsuid ? null : message.recipient,
        recipientUserId: isBsuid ? message.recipient : undefined,
        bizOpaqueCallbackData: message.callbackData,
        errors,
        clock: this.o.clock,
      }),
    ]);
    const body = serializeEnvelope(payload);
    // Meta retries a webhook that was not answered 200 (here: a few times, quickly).
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const res = await fetch(this.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signPayload(body, this.o.appSecret) },
          body: new Uint8Array(body),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.emitted.push({ wamid, status, ok: true });
          return true;
        }
      } catch {
        // not reachable now (a restart): try again
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
    this.emitted.push({ wamid, status, ok: false });
    return false;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
