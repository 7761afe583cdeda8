/**
 * A customer's replies reach the phone in the order the agents wrote them, even when the send of
 * an earlier part settles (no answer, or a refusal to retry later) while the worker is in the
 * middle of a round, between reading the queue and starting sends.
 *
 * Under load the store answers late, so a round spends time between its reads; a send finishing
 * then used to leave the round deciding on rows that no longer held: the first reply went into
 * doubt (or back to the queue with a backoff) and the second reply went out before it (seen in
 * `bench:outbound` as one reordered customer in ~3,000 messages). Here the worker's store is
 * wrapped so that the test can pause it after any one query of a round, settle the pending send
 * during the pause, and let the round go on: wherever the pause falls, the order must hold.
 */
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { OutboundWorker } from '../../bridge-server/sync/outbound-worker';
import { callbackKey } from '../../bridge-server/sync/outbound-send';
import type { OutboundDeps } from '../../bridge-server/sync/outbound-deps';
import type { Store } from '../../bridge-server/store';
import { GraphError } from '../../bridge-server/whatsapp/graph-client';
import type { WhatsAppSender } from '../../bridge-server/whatsapp/messages';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const EXECUTE = new Set(['execute', 'executeTakeFirst', 'executeTakeFirstOrThrow']);

/** The store, with `after()` awaited once each query (or transaction) has returned its rows. */
function pausable<T extends object>(target: T, after: () => Promise<void>): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof prop === 'string' && EXECUTE.has(prop)) {
        return async (...args: unknown[]) => {
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          await after();
          return result;
        };
      }
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        return result !== null && typeof result === 'object' && !(result instanceof Promise) ? pausable(result as object, after) : result;
      };
    },
  });
}

/** Pauses the store after the n-th query from now, until released. */
class Pause {
  private countdown = -1;
  private release: (() => void) | null = null;
  readonly after = async (): Promise<void> => {
    if (this.countdown < 0) return;
    if (this.countdown-- > 0) return;
    await new Promise<void>((resolve) => (this.release = resolve));
  };
  arm(n: number): void {
    this.countdown = n;
  }
  get paused(): boolean {
    return this.release !== null;
  }
  resume(): void {
    const r = this.release;
    this.release = null;
    r?.();
  }
}

const FILLER = 'Il suo ordine è partito oggi 📦 — 您的订单已发货。 ';
/** About 2,500 characters: two never fit in one 4,096-character message, so each is its own part. */
const paragraph = (marker: string) => `${marker} ${FILLER.repeat(Math.ceil(2500 / FILLER.length))}`.trim();
const markerOf = (m: { body: Record<string, unknown> }) => /^\[[^\]]+\]/.exec((m.body.text as { body: string }).body)?.[0];

type Settle = 'no answer' | 'retry later';

describe('an agent reply whose send settles while the worker is mid-round', () => {
  let stack: TestStack;
  let worker: OutboundWorker | null = null;
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await stack?.close();
  });

  it.each<Settle>(['no answer', 'retry later'])('when the first reply gets %s, then wherever the round is, the second reply is not sent before it', async (settle) => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 50 } } });
    await stack.stack.setupZendesk();
    // The bridge's own worker makes way for one whose store the test can pause.
    await stack.bridge.outbound.stop();
    const deps = (stack.bridge.outbound as unknown as { deps: OutboundDeps }).deps;
    const pause = new Pause();
    const hang = new Set<string>();
    const pending = new Map<string, (err: Error) => void>();
    const sender = {
      send: (...args: Parameters<WhatsAppSender['send']>) => {
        const key = args[3]?.callbackData ?? '';
        // The first attempt of each customer's first reply hangs until the test settles it.
        if (hang.delete(key)) return new Promise<never>((_, reject) => pending.set(key, reject));
        return deps.sender.send(...args);
      },
      markRead: (...args: Parameters<WhatsAppSender['markRead']>) => deps.sender.markRead(...args),
      uploadMedia: (...args: Parameters<WhatsAppSender['uploadMedia']>) => deps.sender.uploadMedia(...args),
    } as unknown as WhatsAppSender;
    worker = new OutboundWorker({ ...deps, db: pausable(deps.db, pause.after) as Store, sender }, { sweepIntervalMs: 50, reconcileGraceMs: 300 });
    await worker.start();

    // A round of the worker is about a dozen queries: a pause after each of them in turn.
    for (let at = 0; at < 14; at++) {
      const waId = `3933300${String(at).padStart(5, '0')}`;
      const customer = new SimulatedCustomer({ waId, name: `Cliente ${at} 🌻` });
      await stack.send(envelope(undefined, [customer.text('Dov’è il mio ordine?')]));
      const { tickets } = await stack.waitForComments(`whatsapp:wa:${waId}`, 1);
      const ticketId = tickets[0].id;

      const first = stack.zendesk.addAgentComment(ticketId, { body: `[${at}.A] Buongiorno! Il pacco arriva domani 🙂` });
      const key = callbackKey(first.id, 0);
      hang.add(key);
      await waitFor(() => pending.has(key), { what: `the first reply's send under way (pause at ${at})` });
      stack.zendesk.addAgentComment(ticketId, { body: [1, 2, 3].map((p) => paragraph(`[${at}.B${p}]`)).join('\n\n') });
      await waitFor(async () => (await stack.db.selectFrom('outbound_messages').select('id').where('ticket_id', '=', ticketId).where('state', '=', 'queued').execute()).length === 3, {
        what: `the second reply queued in three parts (pause at ${at})`,
      });

      pause.arm(at);
      await waitFor(() => pause.paused, { what: `the worker paused after query ${at} of a round` });
      const error =
        settle === 'no answer'
          ? new GraphError('No answer from the WhatsApp Graph API for send text: fetch failed', null, null, null, { cause: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }) })
          : new GraphError('The WhatsApp Graph API refused send text (400, code 130429): rate limit hit', 400, 130429);
      pending.get(key)!(error);
      await new Promise((r) => setTimeout(r, 20)); // the send's own bookkeeping is done
      pause.resume();

      // What the customer's phone shows, once everything went: the replies in the order written.
      await waitFor(() => stack.whatsapp.outbox.inbox(waId).length >= 4 && stack.whatsapp.outbox.inbox(waId), { what: `all four messages on the phone (pause at ${at})`, timeoutMs: 15_000 });
      await new Promise((r) => setTimeout(r, 100));
      expect({ pausedAfterQuery: at, phone: stack.whatsapp.outbox.inbox(waId).map(markerOf) }).toEqual({ pausedAfterQuery: at, phone: [`[${at}.A]`, `[${at}.B1]`, `[${at}.B2]`, `[${at}.B3]`] });
    }
  }, 120_000);
});
