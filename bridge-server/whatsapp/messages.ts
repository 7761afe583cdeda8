/**
 * Sending on the WhatsApp Cloud API: `POST /{phone-number-id}/messages` (text, media by id,
 * reaction, mark as read) and `POST /{phone-number-id}/media` (multipart upload). Errors are
 * GraphErrors carrying Meta's code, which `error-codes.ts` classifies.
 */
import { GraphError, graphFetch, type GraphClientOptions } from './graph-client';

export type SenderOptions = GraphClientOptions;

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
  constructor(private readonly o: SenderOptions) {}

  private url(path: string): string {
    return `${this.o.graphUrl}/${this.o.apiVersion}/${path}`;
  }

  private async post(url: string, what: string, body: BodyInit, headers: Record<string, string> = {}): Promise<unknown> {
    const res = await graphFetch(this.o, url, what, { method: 'POST', headers, body });
    return res.json().catch(() => null);
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
