/**
 * Zendesk's side of the Zendesk App Framework (ZAF), for one app iframe: the part of Zendesk's
 * agent interface that answers the ZAF SDK (zendesk_app_framework_sdk 2.0.x, bundled in the
 * sidebar) over postMessage. It lets the real, built sidebar run outside Zendesk: in the browser
 * tests, the screenshots, the load benchmark and the sandbox console. Browser code, no framework.
 *
 * The wire protocol, as the SDK's lib/client.js speaks it (every message is JSON text):
 * - iframe → host `{key: 'iframe.handshake', message: {version}}`; host → iframe
 *   `{key: 'zaf.app.registered', message: {metadata, context}}`. Before that the SDK queues
 *   everything else, so nothing is answered before registration.
 * - `get` / `set` / `invoke`: iframe → `{id, request, params}`; host → `{id, result}` where
 *   `result` holds one entry per path and `errors: {path: {name, message, path}}` for the paths
 *   Zendesk would refuse (the SDK rejects a single-path call with that error).
 * - `client.on(name)` sends `iframe.on:<name>` with the subscriber count; Zendesk forwards an
 *   event only while the app listens to it, as this host does: `zaf.<name>` with the data.
 * - `ticket.save`: host → `{key: 'zaf.ticket.save', needsReply: true}`; the SDK runs every
 *   handler (`false`, a string, an Error or a rejected promise stops the save) and answers
 *   `{key: 'iframe.reply:ticket.save', error?: {msg}}`.
 * - `client.request(options)`: the SDK subscribes to `request:<n>.done` / `.fail`, then sends
 *   `{key: 'request:<n>', message: options}`; the host answers `zaf.request:<n>.done|fail` with
 *   `{responseArgs: [...]}`, the arguments of the SDK's resolve / reject. Requests with
 *   `secure: true` or `cors: false` go through the server-side proxy (proxy.ts), which fills
 *   `{{setting.…}}` from settings the browser never sees, as Zendesk's apps proxy does.
 *
 * The subset, and where it follows Zendesk: README.md in this folder.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What `client.get` can read: a tree walked by dotted path (`ticket.requester.email`). */
export type ZafData = { [key: string]: unknown };

export interface MountZafAppOptions {
  /** The `<iframe>` the app runs in; the host sets its `src` and its height (`resize`). */
  iframe: HTMLIFrameElement;
  /** The app's page, e.g. `/zaf/app/assets/iframe.html` (relative to this page) or an absolute URL. */
  appUrl: string;
  /** ZAF location, e.g. `ticket_sidebar`. */
  location: string;
  appGuid?: string;
  /** Non-secure settings, as `client.metadata().settings` shows them. */
  settings: Record<string, Json>;
  /** The data `client.get` reads: `ticket`, `currentUser`, `comment`, … */
  data: ZafData;
  /** Where `request` calls that Zendesk would proxy are sent (the router's `/zaf/proxy`). */
  proxyUrl: string;
  /** Extra `metadata` fields (appId, installationId, name, version). */
  metadata?: Record<string, Json>;
  /** Account subdomain in the context (default `sandbox`). */
  subdomain?: string;
  /** How long a `ticket.save` hook may take before the save fails (default 30 s). */
  saveTimeoutMs?: number;
  /** Called for `invoke('notify', message, kind)`: Zendesk shows it as a toast. */
  onNotify?: (message: string, kind: string) => void;
  /** Called for `client.trigger(name, data)` from the app. */
  onAppTrigger?: (name: string, data: unknown) => void;
}

export type SaveResult = { ok: true } | { ok: false; message: string };

export interface ZafAppHandle {
  /** Resolves once the app has sent its handshake and been registered. */
  readonly registered: Promise<void>;
  /** Sends a framework event (`ticket.updated`, `ticket.submit.done`, …) if the app listens to it. */
  trigger(event: string, data?: unknown): boolean;
  /** Runs the app's `ticket.save` hooks as Zendesk does before saving the ticket. */
  save(): Promise<SaveResult>;
  /** Changes what `get` reads (e.g. the comment being typed), without an event. */
  setData(path: string, value: unknown): void;
  /** Reads a value of the data tree (what `set` / `invoke` may have changed). */
  getData(path: string): unknown;
  /** How many handlers the app has for an event (Zendesk only sends subscribed events). */
  subscribers(event: string): number;
  /** Stops answering the iframe and removes the listener. */
  destroy(): void;
}

/** Zendesk's default text when a save hook stops the save without a message of its own. */
export const DEFAULT_SAVE_REFUSAL = 'The ticket was not saved: an app stopped the save.';
export const DEFAULT_SAVE_TIMEOUT_MS = 30_000;

interface ZafError { name: string; message: string; path?: string }
interface IncomingMessage {
  id?: number;
  request?: 'get' | 'set' | 'invoke';
  params?: unknown;
  key?: string;
  message?: unknown;
  error?: { msg?: unknown };
}

/** The answer of the server-side proxy (proxy.ts). */
export interface ProxyAnswer {
  status: number;
  statusText: string;
  headers: Record<string, string>;
  responseText: string;
}

/** Request options the SDK passes through (`client.request`), the ones this host honours. */
export interface ZafRequestOptions {
  url: string;
  type?: string;
  method?: string;
  contentType?: string | false;
  data?: unknown;
  headers?: Record<string, string>;
  secure?: boolean;
  cors?: boolean;
  dataType?: string;
  httpCompleteResponse?: boolean;
  timeout?: number;
}

function readPath(tree: ZafData, path: string): { found: boolean; value: unknown } {
  let node: unknown = tree;
  for (const segment of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(segment in (node as object))) return { found: false, value: undefined };
    node = (node as Record<string, unknown>)[segment];
  }
  return { found: node !== undefined, value: node };
}

function writePath(tree: ZafData, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = tree as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) {
    if (node[segment] === null || typeof node[segment] !== 'object') node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]] = value;
}

/** The error Zendesk gives for a path it has no handler for. */
function unknownPath(path: string, verb: string): ZafError {
  return { name: 'APIUnavailable', message: `${verb}: no such path in this location`, path };
}

function parseMessage(raw: unknown): IncomingMessage | null {
  if (typeof raw === 'string') {
    try {
      const parsed = JSON.parse(raw) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as IncomingMessage) : null;
    } catch {
      return null;
    }
  }
  return raw && typeof raw === 'object' ? (raw as IncomingMessage) : null;
}

function parseBody(text: string, headers: Record<string, string>, dataType?: string): unknown {
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  if (dataType === 'json' || (dataType === undefined && /\bjson\b/i.test(type))) {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  return text;
}

/**
 * The arguments the SDK resolves or rejects `client.request` with. With `httpCompleteResponse`
 * both carry `{status, statusText, headers, responseText, responseJSON}`; without it Zendesk
 * passes jQuery.ajax's `(data, textStatus, jqXHR)` on success and `(jqXHR, textStatus, error)`
 * on failure.
 */
export function responseArgs(answer: ProxyAnswer, options: ZafRequestOptions): { ok: boolean; args: unknown[] } {
  const ok = answer.status >= 200 && answer.status < 300;
  const json = parseBody(answer.responseText, answer.headers, 'json');
  const body = parseBody(answer.responseText, answer.headers, options.dataType);
  const complete: Record<string, unknown> = { status: answer.status, statusText: answer.statusText, headers: answer.headers, responseText: answer.responseText };
  if (json !== undefined) complete.responseJSON = json;
  if (options.httpCompleteResponse) return { ok, args: [complete] };
  if (ok) return { ok, args: [body, 'success', complete] };
  return { ok, args: [complete, 'error', answer.statusText] };
}

function requestInit(options: ZafRequestOptions): RequestInit {
  const method = (options.type ?? options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | undefined;
  if (options.data !== undefined && method !== 'GET' && method !== 'HEAD') {
    body = typeof options.data === 'string' ? options.data : new URLSearchParams(options.data as Record<string, string>).toString();
    if (options.contentType !== false) headers['Content-Type'] = options.contentType || 'application/x-www-form-urlencoded; charset=UTF-8';
  }
  return { method, headers, body };
}

async function toProxyAnswer(response: Response): Promise<ProxyAnswer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, statusText: response.statusText, headers, responseText: await response.text() };
}

/** Performs an app's `request` the way Zendesk would: through the proxy unless `cors: true`. */
export async function performRequest(options: ZafRequestOptions, proxyUrl: string): Promise<ProxyAnswer> {
  const timeoutMs = typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : undefined;
  const signal = timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined;
  try {
    if (options.cors === true && !options.secure) {
      // A CORS request goes straight from the agent's browser, as in Zendesk.
      return await toProxyAnswer(await fetch(options.url, { ...requestInit(options), signal }));
    }
    const init = requestInit(options);
    const response = await fetch(proxyUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: options.url, method: init.method, headers: init.headers, body: init.body ?? null, secure: options.secure === true, timeoutMs: timeoutMs ?? null }),
      signal,
    });
    if (!response.ok) {
      // The proxy refused the request itself (bad target, unknown setting): pass its words on.
      return { status: response.status, statusText: response.statusText, headers: { 'content-type': response.headers.get('content-type') ?? 'text/plain' }, responseText: await response.text() };
    }
    return (await response.json()) as ProxyAnswer;
  } catch (error) {
    // No answer at all: jQuery reports status 0, and so does Zendesk.
    const reason = error instanceof Error ? error.message : String(error);
    return { status: 0, statusText: timeoutMs && signal?.aborted ? 'timeout' : 'error', headers: {}, responseText: reason };
  }
}

let guidCounter = 0;

/** Loads the app into the iframe and plays Zendesk for it until `destroy()`. */
export function mountZafApp(options: MountZafAppOptions): ZafAppHandle {
  const { iframe, location, proxyUrl } = options;
  const appGuid = options.appGuid ?? `sandbox-app-${Date.now().toString(36)}-${++guidCounter}`;
  const data = options.data;
  const subscriptions = new Map<string, number>();
  const saveTimeoutMs = options.saveTimeoutMs ?? DEFAULT_SAVE_TIMEOUT_MS;
  let pendingSave: ((reply: IncomingMessage) => void) | null = null;
  let resolveRegistered: () => void = () => undefined;
  const registered = new Promise<void>((resolve) => {
    resolveRegistered = resolve;
  });
  let isRegistered = false;

  const appUrl = new URL(options.appUrl, window.location.href);
  const appOrigin = appUrl.origin;
  appUrl.searchParams.set('origin', window.location.origin);
  appUrl.searchParams.set('app_guid', appGuid);

  const post = (message: Record<string, unknown>) => {
    iframe.contentWindow?.postMessage(JSON.stringify(message), appOrigin);
  };

  const ticketId = readPath(data, 'ticket.id');
  const context: Record<string, Json> = {
    host: 'zendesk',
    product: 'support',
    location,
    instanceGuid: appGuid,
    account: { subdomain: options.subdomain ?? 'sandbox' },
  };
  if (ticketId.found) context.ticketId = ticketId.value as number;
  const metadata: Record<string, Json> = {
    appId: 0,
    installationId: 0,
    name: 'WhatsApp for Zendesk',
    version: '0.0.0-sandbox',
    ...options.metadata,
    settings: { ...options.settings },
  };

  const answerGet = (paths: unknown): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    const errors: Record<string, ZafError> = {};
    for (const path of Array.isArray(paths) ? paths : []) {
      const { found, value } = readPath(data, String(path));
      if (found) result[String(path)] = value;
      else errors[String(path)] = unknownPath(String(path), 'get');
    }
    return { ...result, errors };
  };

  const answerSet = (params: unknown): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    const errors: Record<string, ZafError> = {};
    for (const [path, value] of Object.entries((params ?? {}) as Record<string, unknown>)) {
      if (!readPath(data, path).found) {
        errors[path] = unknownPath(path, 'set');
        continue;
      }
      writePath(data, path, value);
      result[path] = value;
    }
    return { ...result, errors };
  };

  const invokers: Record<string, (...args: unknown[]) => unknown> = {
    resize(size) {
      const { width, height } = (size ?? {}) as { width?: string | number; height?: string | number };
      const css = (v: string | number) => (typeof v === 'number' ? `${v}px` : v);
      if (height !== undefined) iframe.style.height = css(height);
      if (width !== undefined) iframe.style.width = css(width);
      return null;
    },
    notify(message, kind) {
      options.onNotify?.(String(message), typeof kind === 'string' ? kind : 'notice');
      return null;
    },
    'comment.appendText'(text) {
      const current = readPath(data, 'ticket.comment.text').value;
      writePath(data, 'ticket.comment.text', `${typeof current === 'string' ? current : ''}${String(text)}`);
      return null;
    },
  };
  invokers['ticket.comment.appendText'] = invokers['comment.appendText'];

  const answerInvoke = (params: unknown): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    const errors: Record<string, ZafError> = {};
    for (const [name, args] of Object.entries((params ?? {}) as Record<string, unknown[]>)) {
      const invoker = invokers[name];
      if (!invoker) errors[name] = unknownPath(name, 'invoke');
      else result[name] = invoker(...(Array.isArray(args) ? args : []));
    }
    return { ...result, errors };
  };

  const runRequest = async (key: string, requestOptions: ZafRequestOptions) => {
    const answer = await performRequest(requestOptions, proxyUrl);
    const { ok, args } = responseArgs(answer, requestOptions);
    const event = `${key}.${ok ? 'done' : 'fail'}`;
    post({ key: `zaf.${event}`, message: { responseArgs: args } });
  };

  const onMessage = (event: MessageEvent) => {
    if (event.source !== iframe.contentWindow || event.origin !== appOrigin) return;
    const message = parseMessage(event.data);
    if (!message) return;

    if (message.key === 'iframe.handshake') {
      post({ key: 'zaf.app.registered', message: { metadata, context } });
      isRegistered = true;
      resolveRegistered();
      return;
    }
    if (!isRegistered) return;

    if (typeof message.id === 'number' && message.request) {
      let result: Record<string, unknown>;
      if (message.request === 'get') result = answerGet(message.params);
      else if (message.request === 'set') result = answerSet(message.params);
      else result = answerInvoke(message.params);
      post({ id: message.id, result });
      return;
    }
    const key = message.key ?? '';
    if (key === 'iframe.reply:ticket.save') {
      pendingSave?.(message);
      return;
    }
    const subscription = /^iframe\.(on|off):(.+)$/.exec(key);
    if (subscription) {
      const count = Number((message.message as { subscriberCount?: number } | undefined)?.subscriberCount ?? 0);
      subscriptions.set(subscription[2], Number.isFinite(count) ? count : 0);
      return;
    }
    if (/^request:\d+$/.test(key)) {
      void runRequest(key, (message.message ?? {}) as ZafRequestOptions);
      return;
    }
    const triggered = /^iframe\.trigger:(.+)$/.exec(key);
    if (triggered) options.onAppTrigger?.(triggered[1], message.message);
  };

  window.addEventListener('message', onMessage);
  iframe.src = appUrl.toString();

  const subscribers = (name: string) => subscriptions.get(name) ?? 0;

  return {
    registered,
    trigger(name, eventData) {
      if (!isRegistered || subscribers(name) === 0) return false;
      post({ key: `zaf.${name}`, message: eventData });
      return true;
    },
    save() {
      if (!isRegistered || subscribers('ticket.save') === 0) return Promise.resolve<SaveResult>({ ok: true });
      if (pendingSave) return Promise.resolve<SaveResult>({ ok: false, message: 'A save is already waiting for the app: wait for it to finish.' });
      return new Promise<SaveResult>((resolve) => {
        const timer = setTimeout(() => {
          pendingSave = null;
          resolve({ ok: false, message: `The ticket was not saved: an app did not answer within ${Math.round(saveTimeoutMs / 1000)} seconds. Try again.` });
        }, saveTimeoutMs);
        pendingSave = (reply) => {
          clearTimeout(timer);
          pendingSave = null;
          if (!reply.error) return resolve({ ok: true });
          const text = reply.error.msg;
          resolve({ ok: false, message: typeof text === 'string' && text.trim() ? text : DEFAULT_SAVE_REFUSAL });
        };
        post({ key: 'zaf.ticket.save', needsReply: true });
      });
    },
    setData(path, value) {
      writePath(data, path, value);
    },
    getData(path) {
      return readPath(data, path).value;
    },
    subscribers,
    destroy() {
      window.removeEventListener('message', onMessage);
      pendingSave = null;
    },
  };
}
