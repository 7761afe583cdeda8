/**
 * Meta's webhook, as a tiny transport adapter: verify the raw bytes, store them, answer 200.
 * Everything else happens later, from the store (see sync/inbound-worker.ts).
 */
import express, { type Request, type Response, type Router } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { Store } from '../store';
import type { Metrics } from '../lib/metrics';
import type { Logger } from '../lib/logger';
import type { Clock } from '../lib/clock';
import { SIGNATURE_HEADER, verifySignature } from '../whatsapp/signature';

export interface WhatsAppWebhookDeps {
  db: Store;
  metrics: Metrics;
  logger: Logger;
  clock: Clock;
  appSecrets: string[];
  verifyToken: string;
  /** Called after a webhook is stored, so the worker looks at it at once. */
  onStored(): void;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The one query on the hot path, compiled once by Kysely (so it stays dialect-neutral) and run
 * with each webhook's values: building the query per request cost more than running it.
 */
function storeWebhookQuery(db: Store) {
  const sentinel = { source: 'whatsapp' as const, received_at: -1, raw_body: '\u0000raw', state: 'pending' as const, processed_at: null };
  const compiled = db.insertInto('webhook_events').values(sentinel).compile();
  const at = (value: unknown) => compiled.parameters.indexOf(value);
  const [iReceived, iRaw] = [at(-1), at('\u0000raw')];
  return (receivedAt: number, raw: string) => {
    const parameters = [...compiled.parameters];
    parameters[iReceived] = receivedAt;
    parameters[iRaw] = raw;
    return db.executeQuery({ ...compiled, parameters });
  };
}

export function whatsappWebhookRouter(deps: WhatsAppWebhookDeps): Router {
  const router = express.Router();
  const storeWebhook = storeWebhookQuery(deps.db);

  // Verification handshake: answer the challenge exactly, as plain text.
  router.get('/webhooks/whatsapp', (req: Request, res: Response) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode === 'subscribe' && typeof token === 'string' && typeof challenge === 'string' && sameSecret(token, deps.verifyToken)) {
      res.status(200).type('text/plain').send(challenge);
      return;
    }
    deps.metrics.webhooksRefused.inc({ source: 'whatsapp', reason: 'verify-token' });
    deps.logger.warn({ mode }, 'webhook verification refused: hub.verify_token does not match WHATSAPP_VERIFY_TOKEN');
    res.status(403).json({ error: { code: 'verify_token_mismatch', message: 'hub.verify_token does not match WHATSAPP_VERIFY_TOKEN (or hub.mode is not "subscribe").' } });
  });

  // Meta sends up to 3 MB; allow some room, and read every content type as bytes.
  router.post('/webhooks/whatsapp', express.raw({ type: () => true, limit: '8mb' }), async (req: Request, res: Response) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = verifySignature(raw, req.get(SIGNATURE_HEADER), deps.appSecrets);
    if (!check.ok) {
      deps.metrics.webhooksRefused.inc({ source: 'whatsapp', reason: check.reason });
      deps.logger.warn({ reason: check.reason, requestId: res.locals.requestId }, 'unsigned or wrongly signed WhatsApp webhook refused');
      res.status(401).json({ error: { code: `signature_${check.reason.replace(/-/g, '_')}`, message: check.message } });
      return;
    }
    try {
      await storeWebhook(deps.clock.now(), raw.toString('utf8'));
    } catch (err) {
      // Not stored, so not acknowledged: Meta will deliver it again.
      deps.logger.error({ err, requestId: res.locals.requestId }, 'could not store a WhatsApp webhook; answering 503 so Meta retries');
      res.status(503).json({ error: { code: 'store_unavailable', message: 'The bridge could not store the webhook; Meta will retry.' } });
      return;
    }
    deps.metrics.webhooksReceived.inc({ source: 'whatsapp' });
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('EVENT_RECEIVED');
    deps.onStored();
  });

  return router;
}
