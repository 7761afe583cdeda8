/**
 * The app API under /api/v1, used by the sidebar app through Zendesk's proxy. Thin routes: auth,
 * rate limit, zod validation, then the use cases in ../sync. Errors are JSON
 * `{error: {code, message, requestId, fields?}}` with stable codes (docs/app-api.md); never a
 * stack trace.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Store } from '../store';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { AppError } from '../lib/errors';
import { resolveLocale, translator, type BridgeLocale } from '../i18n';
import { loadConversation } from '../sync/conversation';
import { lastSyncedAt, listTemplates, toDefinition, TemplateSyncUnavailable, type TemplateSyncer } from '../sync/templates';
import { chooseTemplate, renderTemplate, templateVariables, validateTemplateValues, type TemplateDefinition } from '../sync/template-render';
import { sendTemplateToTicket, TemplateValidationError, type SendTemplateDeps } from '../sync/send-template';

export interface AppApiDeps {
  db: Store;
  clock: Clock;
  logger: Logger;
  /** BRIDGE_API_KEY; null → every call answers 503 telling the operator to set it. */
  apiKey: string | null;
  defaultLocale: BridgeLocale;
  syncer: TemplateSyncer;
  send: SendTemplateDeps;
  /** Requests per minute per key (default 300). */
  rateLimitPerMinute?: number;
}

/** 5xx codes whose message is meant for the agent (the send's outcome), not an internal error. */
const AGENT_FACING_5XX = /^(graph_\d+|graph_unreachable|not_confirmed)$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest();

function bearerOf(req: Request): string | null {
  const m = /^Bearer\s+(.+)$/i.exec((req.get('authorization') ?? '').trim());
  return m ? m[1].trim() : null;
}

const mediaValue = z
  .object({ link: z.string().max(2000).optional(), id: z.string().max(200).optional(), filename: z.string().max(240).optional(), mimeType: z.string().max(100).optional(), size: z.number().int().nonnegative().optional() })
  .strict();
const locationValue = z.object({ latitude: z.number(), longitude: z.number(), name: z.string().max(1000).optional(), address: z.string().max(1000).optional() }).strict();
const values = z.record(z.string().max(200), z.union([z.string().max(4096), locationValue, mediaValue])).default({});
const templateRef = { name: z.string().min(1).max(512), language: z.string().min(2).max(15), values };

const ticketParams = z.object({ ticketId: z.coerce.number({ invalid_type_error: 'ticketId must be a number' }).int().positive() });
const conversationQuery = z.object({
  closingSoonMinutes: z.coerce.number().int().min(1).max(24 * 60).default(60),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  locale: z.string().max(20).optional(),
});
const templatesQuery = z.object({ language: z.string().max(15).optional(), category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION', 'marketing', 'utility', 'authentication']).optional(), q: z.string().max(200).optional(), status: z.string().max(30).optional(), locale: z.string().max(20).optional() });
const previewBody = z.object(templateRef).strict();
const sendBody = z.object({ ...templateRef, idempotencyKey: z.string().min(1).max(200).optional(), agentId: z.number().int().positive().optional() }).strict();

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const fields = r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', code: 'invalid', message: i.message }));
  const e = new AppError('invalid_request', `The request is not valid: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`, { status: 400 });
  (e as AppError & { fields?: unknown }).fields = fields;
  throw e;
}

function localeOf(req: Request, fallback: BridgeLocale): BridgeLocale {
  const q = typeof req.query.locale === 'string' ? req.query.locale : null;
  const header = req.get('accept-language')?.split(',')[0]?.split(';')[0] ?? null;
  return q || header ? resolveLocale(q ?? header) : fallback;
}

/** A template as the app sees it: variables described, examples, status. */
function describe(t: TemplateDefinition & { updatedAt?: number }) {
  const body = t.components.find((c) => c.type.toUpperCase() === 'BODY');
  return {
    id: t.id,
    name: t.name,
    language: t.language,
    category: t.category,
    status: t.status,
    canSend: t.status.toUpperCase() === 'APPROVED',
    quality: t.qualityScore,
    rejectedReason: t.rejectedReason,
    parameterFormat: t.parameterFormat,
    text: body?.text ?? '',
    variables: templateVariables(t),
    preview: renderTemplate(t, Object.fromEntries(templateVariables(t).filter((v) => v.example && v.kind !== 'image' && v.kind !== 'video' && v.kind !== 'document').map((v) => [v.key, v.example as string]))),
    components: t.components,
  };
}

export function appApiRouter(deps: AppApiDeps): Router {
  const outer = Router();
  const api = Router();
  outer.use('/api/v1', api);

  api.use((req: Request, res: Response, next: NextFunction) => {
    res.set('cache-control', 'no-store');
    if (!deps.apiKey) {
      res.status(503).json({ error: { code: 'api_key_not_configured', message: 'The bridge app API is off: the operator must set BRIDGE_API_KEY (at least 24 characters, e.g. `openssl rand -hex 24`) and enter the same key in the Zendesk app settings.', requestId: res.locals.requestId } });
      return;
    }
    next();
  });
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute ?? 300,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      validate: false,
      // Per key (hashed, never stored in clear); requests without a key share the caller's address.
      keyGenerator: (req) => {
        const key = bearerOf(req);
        return key ? `key:${sha256(key).toString('hex').slice(0, 32)}` : `ip:${req.ip}`;
      },
      handler: (_req, res) => {
        res.status(429).json({ error: { code: 'rate_limited', message: 'Too many requests for this key: wait for the time in the Retry-After header, then try again.', requestId: res.locals.requestId } });
      },
    }),
  );
  api.use((req: Request, res: Response, next: NextFunction) => {
    const given = bearerOf(req);
    // Constant time: compare fixed-length digests, so neither content nor length leaks.
    if (given && timingSafeEqual(sha256(given), sha256(deps.apiKey as string))) return next();
    res.set('www-authenticate', 'Bearer realm="whatsapp-bridge"');
    res.status(401).json({ error: { code: given ? 'invalid_api_key' : 'missing_api_key', message: given ? 'The bridge key is wrong: enter the BRIDGE_API_KEY of the bridge in the app settings.' : 'Send the bridge key as "Authorization: Bearer <BRIDGE_API_KEY>".', requestId: res.locals.requestId } });
  });
  api.use(express.json({ limit: '256kb' }));

  api.get('/tickets/:ticketId/conversation', async (req, res) => {
    const { ticketId } = parse(ticketParams, req.params);
    const q = parse(conversationQuery, req.query);
    const t = translator(localeOf(req, deps.defaultLocale));
    const conversation = await loadConversation(deps.db, ticketId, { now: deps.clock.now(), closingSoonMinutes: q.closingSoonMinutes, limit: q.limit, t });
    if (!conversation) throw new AppError('not_whatsapp_ticket', t('api.error.not_whatsapp_ticket', { ticketId }), { status: 404 });
    res.json({ ...conversation, now: new Date(deps.clock.now()).toISOString() });
  });

  api.get('/templates', async (req, res) => {
    const q = parse(templatesQuery, req.query);
    const templates = await listTemplates(deps.db, q);
    res.json({ templates: templates.map(describe), syncedAt: toIso(await lastSyncedAt(deps.db)), syncConfigured: deps.syncer.configured, lastSyncError: deps.syncer.lastError });
  });

  api.post('/templates/sync', async (_req, res) => {
    try {
      const r = await deps.syncer.syncNow();
      res.json({ ...r, syncedAt: new Date(r.syncedAt).toISOString() });
    } catch (err) {
      if (err instanceof TemplateSyncUnavailable) throw new AppError(err.code, err.message, { status: 503 });
      if (err instanceof AppError) throw new AppError('template_sync_failed', `The templates could not be read from Meta: ${err.message}`, { status: 502, cause: err });
      throw err;
    }
  });

  api.post('/templates/preview', async (req, res) => {
    const body = parse(previewBody, req.body);
    const t = translator(localeOf(req, deps.defaultLocale));
    const stored = await deps.db.selectFrom('templates').selectAll().where('name', '=', body.name).execute();
    const choice = chooseTemplate(stored.map(toDefinition), body.name, body.language, t);
    if (!choice.template) {
      res.json({ valid: false, errors: choice.errors, rendered: null, variables: [] });
      return;
    }
    const errors = [...choice.errors, ...validateTemplateValues(choice.template, body.values, t)];
    res.json({ valid: errors.length === 0, errors, rendered: renderTemplate(choice.template, body.values), variables: templateVariables(choice.template) });
  });

  api.post('/tickets/:ticketId/templates', async (req, res) => {
    const { ticketId } = parse(ticketParams, req.params);
    const body = parse(sendBody, req.body);
    const t = translator(localeOf(req, deps.defaultLocale));
    const result = await sendTemplateToTicket(deps.send, { ticketId, ...body }, t);
    // 202: no answer from Meta, the template may have reached the customer (docs/app-api.md).
    res.status(result.status === 'outcome_unknown' ? 202 : result.replayed ? 200 : 201).json(result);
  });

  // Errors of this API: the same JSON as the app's handler, plus the field-level list.
  api.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (err instanceof TemplateValidationError) {
      res.status(422).json({ error: { code: err.code, message: err.message, fields: err.fields, requestId: res.locals.requestId } });
      return;
    }
    const fields = (err as { fields?: unknown }).fields;
    if (err instanceof AppError && fields) {
      res.status(err.status).json({ error: { code: err.code, message: err.message, fields, requestId: res.locals.requestId } });
      return;
    }
    // A send that failed at Meta's end (or was never confirmed) is not a bridge fault: its
    // message is written for the agent (translated) and is kept, not replaced by the generic one.
    if (err instanceof AppError && err.status >= 500 && AGENT_FACING_5XX.test(err.code)) {
      deps.logger.warn({ code: err.code, requestId: res.locals.requestId, path: req.path }, 'template send not done');
      res.status(err.status).json({ error: { code: err.code, message: err.message, requestId: res.locals.requestId } });
      return;
    }
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid_json', message: 'The body is not valid JSON.', requestId: res.locals.requestId } });
      return;
    }
    next(err);
  });
  return outer;
}

function toIso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
