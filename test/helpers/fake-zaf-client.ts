/**
 * A fake ZAF client for the sidebar's component tests: answers `context`, `metadata` and
 * `get` like Zendesk, records `request` calls and lets a test answer them like Zendesk's proxy
 * (resolving with `{status, responseJSON}` or rejecting with the same shape), and fires events.
 */
import type { ZafClient, ZafRequestOptions, ZafResponse } from '../../app/lib/zaf-client';

export interface FakeZafOptions {
  location?: string;
  ticketId?: number;
  locale?: string;
  settings?: Record<string, unknown>;
  /** More `client.get` paths (`ticket.requester.name`, `comment.type`, …); a function is read at each call. */
  values?: Record<string, unknown | (() => unknown)>;
  /** Answers each `client.request`; a thrown/rejected value plays a failed proxy request. */
  respond: (options: ZafRequestOptions) => Promise<ZafResponse> | ZafResponse;
}

export interface FakeZafClient extends ZafClient {
  requests: ZafRequestOptions[];
  trigger(event: string, ...args: unknown[]): void;
  /** Fires an event and waits for what its handlers return (ZAF waits for `ticket.save` handlers). */
  fire(event: string, ...args: unknown[]): Promise<PromiseSettledResult<unknown>[]>;
  /** How many handlers an event has. */
  handlerCount(event: string): number;
}

export function ok(body: unknown, status = 200): ZafResponse {
  return { status, responseJSON: body };
}

/** A bridge error answer (`{error: {code, message, requestId}}`), as the proxy rejects with it. */
export function bridgeFailure(status: number, code: string, message = code, headers: Record<string, string> = {}): ZafResponse {
  return { status, responseJSON: { error: { code, message, requestId: 'req-1' } }, headers };
}

export function createFakeZafClient({ location = 'ticket_sidebar', ticketId = 12, locale = 'en', settings = {}, values: extra = {}, respond }: FakeZafOptions): FakeZafClient {
  const handlers = new Map<string, Set<(...args: any[]) => unknown>>();
  const values: Record<string, unknown> = { 'ticket.id': ticketId, 'currentUser.locale': locale, ...extra };
  const requests: ZafRequestOptions[] = [];
  return {
    requests,
    async get(paths) {
      const list = Array.isArray(paths) ? paths : [paths];
      return Object.fromEntries(list.map((path) => [path, typeof values[path] === 'function' ? (values[path] as () => unknown)() : values[path]]));
    },
    async invoke() {
      return undefined;
    },
    on(event, handler) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event)!.add(handler);
    },
    off(event, handler) {
      handlers.get(event)?.delete(handler);
    },
    async context() {
      return { location, ticketId, account: { subdomain: 'acme' } };
    },
    async metadata() {
      return { appId: 1, installationId: 1, settings: { bridgeUrl: 'https://bridge.example.com', ...settings } };
    },
    async request(options) {
      requests.push(options);
      const response = await respond(options);
      if (response.status >= 400) throw response;
      return response;
    },
    trigger(event, ...args) {
      for (const handler of handlers.get(event) ?? []) handler(...args);
    },
    fire(event, ...args) {
      return Promise.allSettled([...(handlers.get(event) ?? [])].map(async (handler) => handler(...args)));
    },
    handlerCount(event) {
      return handlers.get(event)?.size ?? 0;
    },
  };
}

/** The conversation endpoint's answer, with the customer's last message `minutesAgo` before now. */
export function conversationBody(minutesAgo: number | null, overrides: Record<string, unknown> = {}) {
  const now = Date.now();
  const last = minutesAgo === null ? null : now - minutesAgo * 60_000;
  return {
    ticketId: 12,
    contact: { name: 'Giulia Rossi', phone: '+393331234567', businessScopedUserId: null, display: '+393331234567' },
    window: {
      lastCustomerMessageAt: last === null ? null : new Date(last).toISOString(),
      expiresAt: last === null ? null : new Date(last + 24 * 3600_000).toISOString(),
      state: 'open',
      secondsLeft: 0,
      closingSoonMinutes: 60,
    },
    messages: [
      { id: 'wamid.2', direction: 'outbound', type: 'text', text: 'Your order ships today', at: new Date(now - 60_000).toISOString(), state: 'failed',
        failureReason: 'More than 24 hours have passed since the customer last wrote: send an approved template.', template: null },
      { id: 'wamid.1', direction: 'outbound', type: 'template', text: 'Order #77 shipped', at: new Date(now - 120_000).toISOString(), state: 'read',
        failureReason: null, template: { name: 'order_update', language: 'en' } },
      { id: 'wamid.0', direction: 'inbound', type: 'text', text: 'Where is my order?', at: new Date(now - 180_000).toISOString(), state: 'received', failureReason: null },
    ],
    now: new Date(now).toISOString(),
    ...overrides,
  };
}

/**
 * Answers the bridge's app API by route, as Zendesk's proxy would pass it on: each handler gets
 * the request (with its JSON body parsed) and returns a response (or rejects like a failed call).
 * A route without a handler answers 404 `not_found`.
 */
export interface BridgeRoutes {
  conversation?: (request: ZafRequestOptions) => Promise<ZafResponse> | ZafResponse;
  templates?: (request: ZafRequestOptions) => Promise<ZafResponse> | ZafResponse;
  sync?: (request: ZafRequestOptions) => Promise<ZafResponse> | ZafResponse;
  preview?: (request: ZafRequestOptions, body: any) => Promise<ZafResponse> | ZafResponse;
  send?: (request: ZafRequestOptions, body: any) => Promise<ZafResponse> | ZafResponse;
}

export function bridgeRoutes(routes: BridgeRoutes): (options: ZafRequestOptions) => Promise<ZafResponse> | ZafResponse {
  return (options) => {
    const path = options.url.replace('{{setting.bridgeUrl}}/api/v1', '').split('?')[0];
    const body = options.data ? JSON.parse(options.data) : undefined;
    if (/^\/tickets\/\d+\/conversation$/.test(path) && routes.conversation) return routes.conversation(options);
    if (path === '/templates' && options.type === 'GET' && routes.templates) return routes.templates(options);
    if (path === '/templates/sync' && routes.sync) return routes.sync(options);
    if (path === '/templates/preview' && routes.preview) return routes.preview(options, body);
    if (/^\/tickets\/\d+\/templates$/.test(path) && routes.send) return routes.send(options, body);
    return Promise.reject(bridgeFailure(404, 'not_found', `no route ${options.type} ${path}`));
  };
}

/** Requests to one route of the bridge, among those the fake client recorded. */
export function requestsTo(client: FakeZafClient, pattern: RegExp): ZafRequestOptions[] {
  return client.requests.filter((request) => pattern.test(request.url.replace('{{setting.bridgeUrl}}/api/v1', '').split('?')[0]));
}
