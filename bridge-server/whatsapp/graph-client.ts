/**
 * WhatsApp Cloud API (Graph) client. Inbound needs media: look the media id up, then download
 * the short-lived URL with the bearer token. Errors carry Meta's error code, which is what to act
 * on (not the HTTP status).
 */
import type { Metrics } from '../lib/metrics';
import { AppError } from '../lib/errors';

export interface GraphClientOptions extends GraphTransport {
  graphUrl: string;
  apiVersion: string;
}

export interface MediaInfo {
  id: string;
  url: string;
  mime_type: string;
  sha256?: string;
  file_size?: number;
}

export class GraphError extends AppError {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    readonly graphCode: number | null,
    readonly details: unknown = null,
    options: { cause?: unknown } = {},
  ) {
    super(graphCode !== null ? `graph_${graphCode}` : 'graph_unreachable', message, { status: httpStatus ?? 502, cause: options.cause });
    this.name = 'GraphError';
  }
}

export class MediaTooLargeError extends AppError {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super('media_too_large', `The file is ${size} bytes, over the ${limit}-byte limit`, { status: 413 });
  }
}

/** What every Graph API request needs: the token, and optionally metrics, a timeout and a fetch. */
export interface GraphTransport {
  accessToken: string;
  metrics?: Metrics;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/**
 * One Graph API request, for every client of the bridge (media, messages, templates): the bearer
 * token, a timeout, metrics, and a refusal turned into a GraphError carrying Meta's code with a
 * message that says what happened (and, for an expired token, what to do).
 */
export async function graphFetch(t: GraphTransport, url: string, what: string, init: RequestInit = {}): Promise<globalThis.Response> {
  let res: globalThis.Response;
  try {
    res = await (t.fetchImpl ?? fetch)(url, {
      ...init,
      headers: { authorization: `Bearer ${t.accessToken}`, ...(init.headers as Record<string, string>) },
      signal: AbortSignal.timeout(t.timeoutMs ?? 30_000),
    });
  } catch (cause) {
    t.metrics?.graphRequests.inc({ kind: what, outcome: 'network' });
    throw new GraphError(`No answer from the WhatsApp Graph API for ${what}: ${(cause as Error).message}`, null, null, null, { cause });
  }
  t.metrics?.graphRequests.inc({ kind: what, outcome: `${String(res.status)[0]}xx` });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string; code?: number; error_data?: { details?: string } } } | null;
    const code = body?.error?.code ?? null;
    const detail = body?.error?.error_data?.details ?? body?.error?.message ?? res.statusText;
    const hint = code === 190 ? ': the access token is invalid or expired; set a new WHATSAPP_ACCESS_TOKEN' : '';
    throw new GraphError(`The WhatsApp Graph API refused ${what} (${res.status}${code !== null ? `, code ${code}` : ''}): ${detail}${hint}`, res.status, code, body);
  }
  return res;
}

export class GraphClient {
  constructor(private readonly o: GraphClientOptions) {}

  private get base() {
    return `${this.o.graphUrl}/${this.o.apiVersion}`;
  }

  private call(url: string, what: string, init: RequestInit = {}): Promise<globalThis.Response> {
    return graphFetch(this.o, url, what, init);
  }

  async getMedia(mediaId: string): Promise<MediaInfo> {
    const res = await this.call(`${this.base}/${encodeURIComponent(mediaId)}`, 'media lookup');
    return (await res.json()) as MediaInfo;
  }

  /** Downloads a media URL (it expires about 5 minutes after the lookup), refusing files over `maxBytes`. */
  async download(url: string, maxBytes: number): Promise<Buffer> {
    const res = await this.call(url, 'media download');
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await res.body?.cancel();
      throw new MediaTooLargeError(declared, maxBytes);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > maxBytes) throw new MediaTooLargeError(bytes.length, maxBytes);
    return bytes;
  }

  /** Checks the token and the number: used by `doctor`. */
  async phoneNumber(phoneNumberId: string): Promise<{ id: string; display_phone_number?: string; verified_name?: string }> {
    const res = await this.call(`${this.base}/${encodeURIComponent(phoneNumberId)}?fields=display_phone_number,verified_name`, 'phone number lookup');
    return (await res.json()) as { id: string; display_phone_number?: string; verified_name?: string };
  }
}
