/**
 * The bridge's app API (docs/app-api.md), called only through `client.request` with
 * `secure: true`: Zendesk's proxy fills `{{setting.bridgeUrl}}` and `{{setting.bridgeApiKey}}`
 * server-side, so the key never reaches the agent's browser.
 */
import type { ZafClient, ZafResponse } from './zaf-client';

export type WindowState = 'open' | 'closing' | 'closed';
export type MessageState = 'pending' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed' | 'not_sent' | 'received';

export interface Contact {
  name: string | null;
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

export class BridgeError extends Error {
  constructor(
    readonly kind: BridgeErrorKind,
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly requestId: string | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

interface BridgeErrorBody { error: { code: string; message: string; requestId?: string } }

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
  if (status === 401) return new BridgeError('invalid_key', status, message, code, requestId);
  if (status === 503 && code === 'api_key_not_configured') return new BridgeError('not_configured', status, message, code, requestId);
  if (status === 404 && code === 'not_whatsapp_ticket') return new BridgeError('not_whatsapp', status, message, code, requestId);
  if (status === 429) {
    const retryAfter = Number(header(response, 'retry-after'));
    return new BridgeError('rate_limited', status, message, code, requestId, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 60);
  }
  return new BridgeError('server', status, message, code, requestId);
}

export interface ConversationQuery { closingSoonMinutes?: number; limit?: number; locale?: string }

export interface BridgeClient {
  getConversation(ticketId: number, query?: ConversationQuery): Promise<Conversation>;
}

export function createBridgeClient(client: ZafClient): BridgeClient {
  async function get<T>(path: string, query: Record<string, string | number | undefined>): Promise<T> {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, String(value));
    const qs = search.toString();
    let response: ZafResponse;
    try {
      response = await client.request({
        url: `{{setting.bridgeUrl}}/api/v1${path}${qs ? `?${qs}` : ''}`,
        type: 'GET',
        headers: { Authorization: 'Bearer {{setting.bridgeApiKey}}' },
        secure: true,
        cors: false,
        httpCompleteResponse: true,
      });
    } catch (failure) {
      throw toBridgeError(failure);
    }
    const body = bodyOf(response);
    if (response.status >= 400 || body === undefined) throw toBridgeError(response);
    return body as T;
  }

  return {
    getConversation(ticketId, { closingSoonMinutes, limit, locale } = {}) {
      return get<Conversation>(`/tickets/${encodeURIComponent(String(ticketId))}/conversation`, { closingSoonMinutes, limit, locale });
    },
  };
}
