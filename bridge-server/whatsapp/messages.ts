/**
 * Sending on the WhatsApp Cloud API: `POST /{phone-number-id}/messages` (text, media by id,
 * reaction, mark as read) and `POST /{phone-number-id}/media` (multipart upload). Errors are
 * GraphErrors carrying Meta's code, which `error-codes.ts` classifies.
 */
import type { Metrics } from '../lib/metrics';
import { GraphError } from './graph-client';

export interface SenderOptions {
  graphUrl: string;
  apiVersion: string;
  accessToken: string;
  metrics?: Metrics;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** Where a message goes: `+<digits>` when the number is known, else the business-scoped id. */
export type Recipient = { waId: string } | { bsuid: string };

export type OutboundContent =
  | { type: 'text'; text: { body: string; preview_url?: boolean } }
  | { type: 'image' | 'video' | 'audio'; media: { id: string; caption?: string } }
  | { type: 'document'; media: { id: string; caption?: string; filename?: string } };

export interface SendResult {
  wamid: string;
  waId: string | null;
}

export function addressOf(recipient: Recipient): Record<string, string> {
  return 'waId' in recipient ? { to: `+${recipient.waId.replace(/\D/g, '')}` } : { recipient: recipient.bsuid };
}

export class WhatsAppSender {
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly o: SenderOptions) {
    this.fetchImpl = o.fetchImpl ?? fetch;
  }

  private url(path: string): string {
    return `${this.o.graphUrl}/${this.o.apiVersion}/${path}`;
  }

  private async post(url: string, what: string, body: BodyInit, headers: Record<string, string> = {}): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.o.accessToken}`, ...headers },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (cause) {
      this.o.metrics?.graphRequests.inc({ kind: what, outcome: 'network' });
      throw new GraphError(`No answer from the WhatsApp Graph API for ${what}: ${(cause as Error).message}`, null, null, null, { cause });
    }
    this.o.metrics?.graphRequests.inc({ kind: what, outcome: `${String(res.status)[0]}xx` });
    const parsed = (await res.json().catch(() => null)) as { error?: { message?: string; code?: number; error_data?: { details?: string } } } | null;
    if (!res.ok) {
      const code = parsed?.error?.code ?? null;
      const detail = parsed?.error?.error_data?.details ?? parsed?.error?.message ?? res.statusText;
      throw new GraphError(`The WhatsApp Graph API refused ${what} (${res.status}${code !== null ? `, code ${code}` : ''}): ${detail}`, res.status, code, parsed);
    }
    return parsed;
  }

  /** Sends one message; `callbackData` comes back in its status webhooks (biz_opaque_callback_data). */
  async send(phoneNumberId: string, recipient: Recipient, content: OutboundContent, opts: { callbackData?: string; replyTo?: string } = {}): Promise<SendResult> {
    const typed =
      content.type === 'text' ? { type: 'text', text: content.text } : { type: content.type, [content.type]: content.media };
    const body = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      ...addressOf(recipient),
      ...typed,
      ...(opts.replyTo ? { context: { message_id: opts.replyTo } } : {}),
      ...(opts.callbackData ? { biz_opaque_callback_data: opts.callbackData } : {}),
    };
    const res = (await this.post(this.url(`${encodeURIComponent(phoneNumberId)}/messages`), `send ${content.type}`, JSON.stringify(body), { 'content-type': 'application/json' })) as {
      contacts?: { wa_id?: string }[];
      messages?: { id?: string }[];
    };
    const wamid = res?.messages?.[0]?.id;
    if (!wamid) throw new GraphError('The WhatsApp Graph API accepted the message but returned no message id', 200, null, res);
    return { wamid, waId: res.contacts?.[0]?.wa_id ?? null };
  }

  /** Marks a customer's message as read (blue ticks). */
  async markRead(phoneNumberId: string, messageId: string): Promise<void> {
    await this.post(this.url(`${encodeURIComponent(phoneNumberId)}/messages`), 'mark read', JSON.stringify({ messaging_product: 'whatsapp', status: 'read', message_id: messageId }), {
      'content-type': 'application/json',
    });
  }

  /** Uploads a file for sending; returns the media id. */
  async uploadMedia(phoneNumberId: string, bytes: Buffer, mimeType: string, fileName: string): Promise<string> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', mimeType);
    form.append('file', new Blob([new Uint8Array(bytes)], { type: mimeType }), fileName);
    const res = (await this.post(this.url(`${encodeURIComponent(phoneNumberId)}/media`), 'media upload', form)) as { id?: string };
    if (!res?.id) throw new GraphError('The WhatsApp Graph API accepted the upload but returned no media id', 200, null, res);
    return res.id;
  }
}
