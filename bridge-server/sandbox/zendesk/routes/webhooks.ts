/**
 * `/api/v2/webhooks…` (https://developer.zendesk.com/api-reference/webhooks/webhooks-api/webhooks/):
 * CRUD and the signing secret. A webhook serves triggers and automations
 * (`subscriptions: ["conditional_ticket_events"]`) or event subscriptions, never both.
 * Errors use the webhooks API's `{errors: [{code, title, detail}]}` shape.
 */
import { randomBytes } from 'node:crypto';
import { type RequestHandler, Router } from 'express';
import type { SandboxContext } from '../context';
import { webhookError } from '../errors';
import { presentWebhook } from '../present';
import { parseBody, webhookBodySchema, type WebhookInput } from '../schemas';
import type { WebhookRecord } from '../state';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const REQUEST_FORMATS = ['json', 'xml', 'form_encoded'] as const;
const STATUSES = ['active', 'inactive'] as const;
export const TRIGGER_SUBSCRIPTION = 'conditional_ticket_events';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A ULID-looking id like Zendesk's webhook ids (`01GXXXXXXXXXXXXXXXXXXXXXXX`). */
function webhookId(): string {
  const bytes = randomBytes(24);
  return `01${[...bytes].map((b) => CROCKFORD[b % 32]).join('')}`;
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

function invalidInput(detail: string) {
  return webhookError(400, 'InvalidInput', 'Invalid input', detail);
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!allowed.includes(value as T)) throw invalidInput(`${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

type WebhookFields = Pick<
  WebhookRecord,
  'name' | 'description' | 'status' | 'endpoint' | 'http_method' | 'request_format' | 'subscriptions' | 'authentication' | 'custom_headers'
>;

/** A complete, valid webhook from `input` laid over `base` (empty for a create). */
function validWebhook(input: WebhookInput, base?: WebhookFields): WebhookFields {
  const name = input.name ?? base?.name;
  const endpoint = input.endpoint ?? base?.endpoint;
  const httpMethod = input.http_method ?? base?.http_method;
  const requestFormat = input.request_format ?? base?.request_format;
  const status = input.status ?? base?.status;
  const subscriptions = input.subscriptions ?? base?.subscriptions;
  const missing = Object.entries({ name, endpoint, http_method: httpMethod, request_format: requestFormat, status, subscriptions })
    .filter(([, value]) => value === undefined || value === '')
    .map(([key]) => key);
  if (missing.length || !name || !endpoint || !httpMethod || !requestFormat || !status || !subscriptions) {
    throw invalidInput(`Missing required webhook attributes: ${missing.join(', ')}`);
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw invalidInput(`endpoint must be an absolute URL (got ${JSON.stringify(endpoint)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidInput('endpoint must be an http(s) URL');
  if (subscriptions.includes(TRIGGER_SUBSCRIPTION) && subscriptions.length > 1) {
    throw invalidInput(
      `A webhook is connected either to triggers and automations ("${TRIGGER_SUBSCRIPTION}") or to event subscriptions, not both; create two webhooks.`,
    );
  }
  return {
    name,
    description: input.description !== undefined ? (input.description ?? null) : (base?.description ?? null),
    status: oneOf(status, STATUSES, 'status'),
    endpoint,
    http_method: oneOf(httpMethod.toUpperCase(), HTTP_METHODS, 'http_method'),
    request_format: oneOf(requestFormat, REQUEST_FORMATS, 'request_format'),
    subscriptions,
    authentication: input.authentication !== undefined ? (input.authentication ?? null) : (base?.authentication ?? null),
    custom_headers: input.custom_headers ?? base?.custom_headers ?? {},
  };
}

/** Authentication data (credentials) is write-only, as in Zendesk. */
function present(webhook: WebhookRecord) {
  const shown = presentWebhook(webhook);
  if (!shown.authentication) return shown;
  const { data: _data, ...authentication } = shown.authentication;
  return { ...shown, authentication };
}

export function webhookRoutes(ctx: SandboxContext): Router {
  const router = Router();
  const { state } = ctx;
  const find = (id: string): WebhookRecord => {
    const webhook = state.webhooks.get(id);
    if (!webhook) throw webhookError(404, 'RecordNotFound', 'Not Found', `No webhook with id ${id}`);
    return webhook;
  };

  router.get('/', (_req, res) => {
    res.json({
      webhooks: [...state.webhooks.values()].map(present),
      meta: { has_more: false, after_cursor: null, before_cursor: null },
      links: { next: null, prev: null },
    });
  });

  router.post('/', (req, res) => {
    const { webhook: input } = parseBody(webhookBodySchema, req.body);
    const now = ctx.isoNow();
    const author = String(state.adminUserId);
    const webhook: WebhookRecord = {
      id: webhookId(),
      ...validWebhook(input),
      signing_secret: newSecret(),
      created_at: now,
      created_by: author,
      updated_at: now,
      updated_by: author,
    };
    state.webhooks.set(webhook.id, webhook);
    res.status(201).json({ webhook: present(webhook) });
  });

  router.get('/:id', (req, res) => {
    res.json({ webhook: present(find(req.params.id)) });
  });

  const update = (partial: boolean): RequestHandler<{ id: string }> => (req, res) => {
    const webhook = find(req.params.id);
    const { webhook: input } = parseBody(webhookBodySchema, req.body);
    Object.assign(webhook, validWebhook(input, partial ? webhook : undefined), {
      updated_at: ctx.isoNow(),
      updated_by: String(state.adminUserId),
    });
    res.status(204).end();
  };
  router.patch('/:id', update(true));
  router.put('/:id', update(false));

  router.delete('/:id', (req, res) => {
    find(req.params.id);
    state.webhooks.delete(req.params.id);
    res.status(204).end();
  });

  router.get('/:id/signing_secret', (req, res) => {
    res.json({ signing_secret: { algorithm: 'SHA256', secret: find(req.params.id).signing_secret } });
  });

  router.post('/:id/signing_secret', (req, res) => {
    const webhook = find(req.params.id);
    webhook.signing_secret = newSecret();
    res.status(201).json({ signing_secret: { algorithm: 'SHA256', secret: webhook.signing_secret } });
  });

  return router;
}
