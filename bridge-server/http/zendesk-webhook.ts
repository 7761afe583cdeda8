/**
 * Zendesk's webhook (fired by the trigger `setup` creates on an agent's public comment), as a
 * tiny transport adapter: verify the raw bytes, store them, answer 200. The outbound worker reads
 * the ticket's comments from Zendesk afterwards (see sync/outbound-worker.ts).
 */
import express, { type Request, type Response, type Router } from 'express';
import type { Store } from '../store';
import type { Metrics } from '../lib/metrics';
import type { Logger } from '../lib/logger';
import type { Clock } from '../lib/clock';
import { ZENDESK_SIGNATURE_HEADER, ZENDESK_TIMESTAMP_HEADER, verifyZendeskWebhook } from '../zendesk/webhook-signature';

export interface ZendeskWebhookDeps {
  db: Store;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  /** The secrets a signature may match: ZENDESK_WEBHOOK_SECRET and the one `setup` stored. */
  secrets(): Promise<(string | null)[]>;
  onStored(): void;
}

export function zendeskWebhookRouter(deps: ZendeskWebhookDeps): Router {
  const router = express.Router();
  router.post('/webhooks/zendesk', express.raw({ type: () => true, limit: '1mb' }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifyZendeskWebhook(raw, { signature: req.get(ZENDESK_SIGNATURE_HEADER), timestamp: req.get(ZENDESK_TIMESTAMP_HEADER) }, await deps.secrets(), deps.clock.now());
    if (!check.ok) {
      deps.metrics.webhooksRefused.inc({ source: 'zendesk', reason: check.reason });
      deps.logger.warn({ reason: check.reason, requestId: res.locals.requestId }, 'unsigned, wrongly signed or stale Zendesk webhook refused');
      res.status(401).json({ error: { code: `signature_${check.reason.replace(/-/g, '_')}`, message: check.message } });
      return;
    }
    try {
      await deps.db.insertInto('webhook_events').values({ source: 'zendesk', received_at: deps.clock.now(), raw_body: raw.toString('utf8'), state: 'pending', processed_at: null }).execute();
    } catch (err) {
      deps.logger.error({ err, requestId: res.locals.requestId }, 'could not store a Zendesk webhook; answering 503 so Zendesk retries');
      res.status(503).json({ error: { code: 'store_unavailable', message: 'The bridge could not store the webhook; Zendesk will retry.' } });
      return;
    }
    deps.metrics.webhooksReceived.inc({ source: 'zendesk' });
    res.status(200).json({ received: true });
    deps.onStored();
  });
  return router;
}
