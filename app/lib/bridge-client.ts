/**
 * The bridge's app API (docs/app-api.md), called only through `client.request` with
 * `secure: true`: Zendesk's proxy fills `{{setting.bridgeUrl}}` and `{{setting.bridgeApiKey}}`
 * server-side, so the key never reaches the agent's browser.
 */
import * as z from 'zod/v4-mini';
import type { ZafClient, ZafResponse } from './zaf-client';

export type WindowState = 'open' | 'closing' | 'closed';
export type MessageState = 'pending' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed' | 'not_sent' | 'received';

export interface Contact {
  name: string | null;
  /**
   * The customer's language as a WhatsApp code (`it`, `pt_BR`), when the bridge knows it. Not in
   * docs/app-api.md yet: the template picker uses it as its default language filter when present.
   */
  language?: string | null;
  phone: string | null;
  businessScopedUserId: string | null;
  display: string;
}

export interface ConversationWindow {
  lastCustomerMessageAt: string | null;
  expiresAt: string | null;
  state: WindowState;
  secondsLeft: number;
  closingSoonMinutes: number;
}

export interface ConversationMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  type: string;
  text: string | null;
  at: string;
  state: MessageState;
  failureReason: string | null;
  template?: { name: string; language: string } | null;
}

export interface Conversation {
  ticketId: number;
  contact: Contact;
  window: ConversationWindow;
  messages: ConversationMessage[];
  /** The bridge's clock when it answered: the window clock corrects the browser's clock with it. */
  now: string;
}

/**
 * What went wrong, as the sidebar explains it:
 * - `unreachable`: Zendesk's proxy got no bridge answer (down, wrong Bridge URL, not the bridge);
 * - `invalid_key`: 401, the app's key differs from the bridge's `BRIDGE_API_KEY` (or is missing);
 * - `not_configured`: 503 `api_key_not_configured`, the bridge has no key yet;
 * - `not_whatsapp`: 404 `not_whatsapp_ticket`, no WhatsApp customer on this ticket;
 * - `rate_limited`: 429, wait `retryAfterSeconds`;
 * - `server`: any other answer of the bridge, with its message and request id.
 */
export type BridgeErrorKind = 'unreachable' | 'invalid_key' | 'not_configured' | 'not_whatsapp' | 'rate_limited' | 'server';

/** One field-level problem (`template_invalid`, `invalid_request`, preview `errors[]`). */
export interface FieldError {
  /** A variable key (`body.2`, `header.media`, `button.0`) or `name`, `language`, `template`, `header`, `body`. */
  field: string;
  code: string;
  message: string;
}

export class BridgeError extends Error {
  constructor(
    readonly kind: BridgeErrorKind,
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly requestId: string | null = null,
    readonly retryAfterSeconds: number | null = null,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

interface BridgeErrorBody { error: { code: string; message: string; requestId?: string; fields?: unknown } }

function bodyOf(response: Partial<ZafResponse> | undefined): unknown {
  if (!response) return undefined;
  if (response.responseJSON !== undefined) return response.responseJSON;
  if (typeof response.responseText === 'string' && response.responseText) {
    try {
      return JSON.parse(response.responseText);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function isBridgeErrorBody(body: unknown): body is BridgeErrorBody {
  const error = (body as BridgeErrorBody | undefined)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string';
}

function header(response: Partial<ZafResponse>, name: string): string | undefined {
  const headers = response.headers ?? {};
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/** Turns a rejected `client.request` (or an unexpected answer) into a `BridgeError`. */
export function toBridgeError(failure: unknown): BridgeError {
  if (failure instanceof BridgeError) return failure;
  const response = (typeof failure === 'object' && failure !== null ? failure : {}) as Partial<ZafResponse>;
  const status = typeof response.status === 'number' ? response.status : 0;
  const body = bodyOf(response);
  if (!isBridgeErrorBody(body)) {
    // No error body in the bridge's format: the proxy could not reach it (0, 502, 504), or the
    // Bridge URL points at something that is not the bridge.
    return new BridgeError('unreachable', status, `No answer from the bridge (HTTP ${status || 'none'})`);
  }
  const { code, message, requestId = null } = body.error;
  const parsedFields = z.safeParse(fieldErrorsSchema, body.error.fields ?? []);
  const fields = parsedFields.success ? parsedFields.data : [];
  if (status === 401) return new BridgeError('invalid_key', status, message, code, requestId);
  if (status === 503 && code === 'api_key_not_configured') return new BridgeError('not_configured', status, message, code, requestId);
  if (status === 404 && code === 'not_whatsapp_ticket') return new BridgeError('not_whatsapp', status, message, code, requestId);
  if (status === 429) {
    const retryAfter = Number(header(response, 'retry-after'));
    return new BridgeError('rate_limited', status, message, code, requestId, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 60);
  }
  return new BridgeError('server', status, message, code, requestId, null, fields);
}

// ---------------------------------------------------------------------------------------------
// Templates (docs/app-api.md, "GET /api/v1/templates", "preview", "send"): the answers are
// checked with zod, so a bridge of another version fails here with a clear message instead of
// deep inside a component.
// ---------------------------------------------------------------------------------------------

const fieldErrorsSchema = z.array(z.object({ field: z.string(), code: z.string(), message: z.string() }));

const mediaValueSchema = z.object({
  link: z.optional(z.string()),
  id: z.optional(z.string()),
  filename: z.optional(z.string()),
  mimeType: z.optional(z.string()),
  size: z.optional(z.number()),
});

const locationValueSchema = z.object({
  latitude: z.number(),
  longitude: z.number(),
  name: z.optional(z.string()),
  address: z.optional(z.string()),
});

const variableSchema = z.object({
  key: z.string(),
  where: z.enum(['header', 'body', 'button']),
  kind: z.string(),
  name: z.nullable(z.string()),
  position: z.number(),
  button: z.optional(z.object({ index: z.number(), type: z.string(), text: z.string() })),
  example: z.nullable(z.string()),
});

const renderedSchema = z.object({
  header: z.nullable(z.object({ format: z.string(), text: z.nullable(z.string()), media: z.nullable(mediaValueSchema), location: z.optional(z.nullable(locationValueSchema)) })),
  body: z.string(),
  footer: z.nullable(z.string()),
  buttons: z.array(z.object({ type: z.string(), text: z.string(), url: z.optional(z.string()), phoneNumber: z.optional(z.string()), code: z.optional(z.string()) })),
});

/** Meta's components as synced: only what the local preview reads is required. */
const componentSchema = z.looseObject({
  type: z.string(),
  format: z.optional(z.string()),
  text: z.optional(z.string()),
  buttons: z.optional(z.array(z.looseObject({ type: z.string(), text: z.optional(z.string()), url: z.optional(z.string()), phone_number: z.optional(z.string()) }))),
});

const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  canSend: z.boolean(),
  quality: z.optional(z.nullable(z.string())),
  rejectedReason: z.optional(z.nullable(z.string())),
  parameterFormat: z.optional(z.string()),
  text: z.string(),
  variables: z.array(variableSchema),
  preview: z.optional(z.nullable(renderedSchema)),
  components: z.array(componentSchema),
});

const templateListSchema = z.object({
  templates: z.array(templateSchema),
  syncedAt: z.nullable(z.string()),
  syncConfigured: z.boolean(),
  lastSyncError: z.optional(z.nullable(z.string())),
});

const previewSchema = z.object({
  valid: z.boolean(),
  errors: fieldErrorsSchema,
  rendered: z.nullable(renderedSchema),
});

const sendResultSchema = z.object({
  id: z.string(),
  messageId: z.nullable(z.string()),
  status: z.string(),
  ticketComment: z.optional(z.string()),
  rendered: z.optional(z.string()),
  replayed: z.optional(z.boolean()),
});

const syncResultSchema = z.looseObject({ fetched: z.number(), syncedAt: z.string() });

export type MediaValue = z.infer<typeof mediaValueSchema>;
export type LocationValue = z.infer<typeof locationValueSchema>;
export type TemplateValue = string | MediaValue | LocationValue;
export type TemplateValues = Record<string, TemplateValue>;
export type TemplateVariable = z.infer<typeof variableSchema>;
export type RenderedTemplate = z.infer<typeof renderedSchema>;
export type TemplateComponent = z.infer<typeof componentSchema>;
export type Template = z.infer<typeof templateSchema>;
export type TemplateList = z.infer<typeof templateListSchema>;
export type TemplatePreview = z.infer<typeof previewSchema>;
export type TemplateSendResult = z.infer<typeof sendResultSchema>;

export interface TemplateRef { name: string; language: string; values: TemplateValues }
export interface TemplateSend extends TemplateRef { idempotencyKey: string; agentId?: number }

export interface ConversationQuery { closingSoonMinutes?: number; limit?: number; locale?: string }

export interface BridgeClient {
  getConversation(ticketId: number, query?: ConversationQuery): Promise<Conversation>;
  /** Every template the bridge knows, every status (`canSend` says which can be sent). */
  listTemplates(locale?: string): Promise<TemplateList>;
  /** Reads the templates from Meta now (POST /templates/sync). */
  syncTemplates(): Promise<void>;
  /** Validates as a send would and renders; always resolves for a 200 (validity in the body). */
  previewTemplate(ref: TemplateRef, locale?: string): Promise<TemplatePreview>;
  /** Sends the template to the ticket's customer; a 422 rejects with `fields`. */
  sendTemplate(ticketId: number, send: TemplateSend, locale?: string): Promise<TemplateSendResult>;
}

type Query = Record<string, string | number | undefined>;

function checked<T>(schema: z.ZodMiniType<T>, body: unknown, what: string): T {
  const result = z.safeParse(schema, body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BridgeError('server', 200, `The bridge answered ${what} in an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message}). Update the bridge and the app to the same version.`);
}

export function createBridgeClient(client: ZafClient): BridgeClient {
  async function call(type: 'GET' | 'POST', path: string, query: Query, data?: unknown): Promise<unknown> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const qs = search.toString();
    let response: ZafResponse;
    try {
      response = await client.request({
        url: `{{setting.bridgeUrl}}/api/v1${path}${qs ? `?${qs}` : ''}`,
        type,
        headers: { Authorization: 'Bearer {{setting.bridgeApiKey}}' },
        ...(data === undefined ? {} : { contentType: 'application/json', data: JSON.stringify(data) }),
        secure: true,
        cors: false,
        httpCompleteResponse: true,
      });
    } catch (failure) {
      throw toBridgeError(failure);
    }
    const body = bodyOf(response);
    if (response.status >= 400 || body === undefined) throw toBridgeError(response);
    return body;
  }

  return {
    async getConversation(ticketId, { closingSoonMinutes, limit, locale } = {}) {
      return (await call('GET', `/tickets/${encodeURIComponent(String(ticketId))}/conversation`, { closingSoonMinutes, limit, locale })) as Conversation;
    },
    async listTemplates(locale) {
      return checked(templateListSchema, await call('GET', '/templates', { locale }), 'the template list');
    },
    async syncTemplates() {
      checked(syncResultSchema, await call('POST', '/templates/sync', {}, {}), 'the template sync');
    },
    async previewTemplate(ref, locale) {
      return checked(previewSchema, await call('POST', '/templates/preview', { locale }, ref), 'the template preview');
    },
    async sendTemplate(ticketId, send, locale) {
      return checked(sendResultSchema, await call('POST', `/tickets/${encodeURIComponent(String(ticketId))}/templates`, { locale }, send), 'the template send');
    },
  };
}
