/**
 * The sandbox's stand-in for Zendesk's apps proxy: the server side of `client.request` when the
 * app asks for `secure: true` (or `cors: false`). The browser sends the request with its
 * `{{setting.name}}` placeholders still in it; this router fills them from the installation's
 * settings held here (secure ones such as `bridgeApiKey` never reach the browser), performs the
 * HTTP request and answers with status, headers and body for the host (host.ts) to hand to the
 * SDK. Like Zendesk, only secure requests get placeholders filled.
 *
 * Being a local tool, it refuses what a proxy on a developer's machine should not do: targets
 * other than http(s), and hosts other than loopback unless listed in `allowedHosts`.
 */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { ProxyAnswer } from './host';

export interface ProxyOptions {
  /** Non-secure settings (also visible to the browser through `metadata`). */
  settings: Record<string, unknown>;
  /** Secure settings: filled in here only. */
  secureSettings: Record<string, unknown>;
  /** Hosts (`name` or `name:port`) allowed besides loopback. */
  allowedHosts?: string[];
  /** Where relative URLs (`/api/v2/…`, the Zendesk API of the current account) go; refused when unset. */
  zendeskUrl?: string;
  /** Upstream time limit when the app gives none (default 30 s). */
  timeoutMs?: number;
}

export const proxyRequestSchema = z.object({
  url: z.string().min(1, 'url is empty'),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().nullable().default(null),
  secure: z.boolean().default(false),
  timeoutMs: z.number().int().positive().max(120_000).nullable().default(null),
});
export type ProxyRequest = z.infer<typeof proxyRequestSchema>;

export class ProxyRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProxyRefusal';
  }
}

const PLACEHOLDER = /\{\{\s*setting\.([A-Za-z0-9_]+)\s*\}\}/g;

/** Fills `{{setting.name}}` from the settings; an unknown name is refused, never sent as is. */
export function fillPlaceholders(text: string, values: Record<string, unknown>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    if (!(name in values) || values[name] === null || values[name] === undefined) {
      throw new ProxyRefusal(400, 'unknown_setting', `The request uses {{setting.${name}}} but the installation has no setting "${name}": add it to the installation's settings.`);
    }
    return String(values[name]);
  });
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

export function checkTarget(raw: string, options: Pick<ProxyOptions, 'allowedHosts' | 'zendeskUrl'>): URL {
  let url: URL;
  if (raw.startsWith('/')) {
    if (!options.zendeskUrl) throw new ProxyRefusal(400, 'no_zendesk_api', `The request goes to ${raw}, the Zendesk API, which this sandbox proxy does not reach: use an absolute URL or configure zendeskUrl.`);
    url = new URL(raw, options.zendeskUrl);
  } else {
    try {
      url = new URL(raw);
    } catch {
      throw new ProxyRefusal(400, 'invalid_url', `"${raw}" is not a URL. If it holds {{setting.…}} placeholders, the request needs secure: true to have them filled.`);
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyRefusal(400, 'unsupported_protocol', `The proxy only makes http(s) requests, not ${url.protocol}`);
  }
  const allowed = (options.allowedHosts ?? []).map((host) => host.toLowerCase());
  if (!LOOPBACK.test(url.hostname) && !allowed.includes(url.hostname.toLowerCase()) && !allowed.includes(url.host.toLowerCase())) {
    throw new ProxyRefusal(403, 'host_not_allowed', `The sandbox proxy only reaches this machine; ${url.host} is not allowed. Add it to allowedHosts to allow it.`);
  }
  return url;
}

const DROPPED_HEADERS = new Set(['connection', 'content-length', 'content-encoding', 'keep-alive', 'transfer-encoding', 'host']);

/** Performs one proxied request; network failures become a 502 like a gateway's. */
export async function performProxyRequest(request: ProxyRequest, options: ProxyOptions): Promise<ProxyAnswer> {
  const values = request.secure ? { ...options.settings, ...options.secureSettings } : {};
  const fill = (text: string) => (request.secure ? fillPlaceholders(text, values) : text);
  const url = checkTarget(fill(request.url), options);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!DROPPED_HEADERS.has(name.toLowerCase())) headers[name] = fill(value);
  }
  const body = request.body === null || request.method === 'GET' || request.method === 'HEAD' ? undefined : fill(request.body);
  const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? 30_000;
  let response: Response;
  try {
    response = await fetch(url, { method: request.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      status: timedOut ? 504 : 502,
      statusText: timedOut ? 'Gateway Timeout' : 'Bad Gateway',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      responseText: timedOut ? `The apps proxy got no answer from ${url.host} within ${timeoutMs} ms.` : `The apps proxy could not reach ${url.host} (${cause}).`,
    };
  }
  const answerHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!DROPPED_HEADERS.has(name)) answerHeaders[name] = value;
  });
  return { status: response.status, statusText: response.statusText, headers: answerHeaders, responseText: await response.text() };
}

/** `POST /` with a `ProxyRequest`: 200 with the upstream answer, or 4xx with why the proxy refused. */
export function createProxyRouter(options: ProxyOptions): Router {
  const router = express.Router();
  router.post('/', express.json({ limit: '1mb' }), async (req, res) => {
    const parsed = proxyRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
      res.status(400).json({ error: { code: 'invalid_request', message: `The proxy request is malformed (${where}): send {url, method, headers, body, secure}.` } });
      return;
    }
    try {
      res.json(await performProxyRequest(parsed.data, options));
    } catch (error) {
      if (error instanceof ProxyRefusal) {
        res.status(error.status).json({ error: { code: error.code, message: error.message } });
        return;
      }
      throw error;
    }
  });
  return router;
}
