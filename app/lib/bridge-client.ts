/**
 * The bridge's app API (docs/app-api.md), called only through `client.request` with
 * `secure: true`: Zendesk's proxy fills `{{setting.bridgeUrl}}` and `{{setting.bridgeApiKey}}`
 * server-side, so the key never reaches the agent's browser.
 *
 * This module is on the path to the window clock, so it holds only what the conversation needs
 * (the request, the errors, the conversation's shape) and no zod: the template calls and their
 * zod schemas live in `bridge-templates.ts`, which loads with the template picker's chunk.
 */
import type { ZafClient, ZafResponse } from './zaf-client';

export type WindowState = 'open' | 'closing' | 'closed';
export type MessageState = 'pending' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed' | 'not_sent' | 'received';

export interface Contact {
  name: string | null;
  /**
   * The customer's language as a WhatsApp code (`it`, `pt_BR`): the language of the latest
   * template sent to them, else null (docs/app-api.md; absent from bridges before it). The
   * template picker uses it as its default language filter.
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
  /** Outbound only: the emoji of the customer's latest reaction to it, or null. */
  reaction?: string | null;
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

/** Reads the `fields` of a bridge error body (zod-checked, in bridge-templates.ts). */
export type FieldErrorsParser = (fields: unknown) => FieldError[];

/**
 * Turns a rejected `client.request` (or an unexpected answer) into a `BridgeError`. Field-level
 * errors only come from the template endpoints, whose client passes `parseFields`.
 */
export function toBridgeError(failure: unknown, parseFields?: FieldErrorsParser): BridgeError {
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
  const fields = parseFields ? parseFields(body.error.fields ?? []) : [];
  if (status === 401) return new BridgeError('invalid_key', status, message, code, requestId);
  if (status === 503 && code === 'api_key_not_configured') return new BridgeError('not_configured', status, message, code, requestId);
  if (status === 404 && code === 'not_whatsapp_ticket') return new BridgeError('not_whatsapp', status, message, code, requestId);
  if (status === 429) {
    const retryAfter = Number(header(response, 'retry-after'));
    return new BridgeError('rate_limited', status, message, code, requestId, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 60);
  }
  return new BridgeError('server', status, message, code, requestId, null, fields);
}

export type Query = Record<string, string | number | undefined>;

/** One call of the app API through Zendesk's proxy: resolves with the JSON body of a 2xx answer. */
export type BridgeCall = (type: 'GET' | 'POST', path: string, query: Query, data?: unknown) => Promise<unknown>;

export function createBridgeCall(client: ZafClient, parseFields?: FieldErrorsParser): BridgeCall {
  return async (type, path, query, data) => {
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
      throw toBridgeError(failure, parseFields);
    }
    const body = bodyOf(response);
    if (response.status >= 400 || body === undefined) throw toBridgeError(response, parseFields);
    return body;
  };
}

export interface ConversationQuery { closingSoonMinutes?: number; limit?: number; locale?: string }

/** GET /api/v1/tickets/:ticketId/conversation. */
export async function fetchConversation(client: ZafClient, ticketId: number, { closingSoonMinutes, limit, locale }: ConversationQuery = {}): Promise<Conversation> {
  const call = createBridgeCall(client);
  return (await call('GET', `/tickets/${encodeURIComponent(String(ticketId))}/conversation`, { closingSoonMinutes, limit, locale })) as Conversation;
}
