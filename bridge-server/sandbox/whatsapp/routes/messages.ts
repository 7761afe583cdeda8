/**
 * Sending, as the Cloud API does it:
 * - `POST /{version}/{phone-number-id}/messages`: text (≤ 4,096), image/video/audio/document/
 *   sticker by uploaded `id` or `link`, reaction, `status: read`, and template (validated by the
 *   `validateTemplate` hook when one is installed). `to` must be `+<digits>`, or `recipient` a
 *   business-scoped id. Free-form outside the customer's 24 h window → 131047; more than the
 *   pair limit to one customer → 131056; more than the number's throughput → 130429 (all HTTP
 *   400, as Meta answers them). Accepted → `{messaging_product, contacts, messages: [{id}]}`.
 * - `POST /{version}/{phone-number-id}/media`: multipart upload → `{id}`.
 */
import express, { Router, type Request, type Response } from 'express';
import type { SandboxContext } from '../context';
import { sendGraphError, type GraphErrorFields } from '../graph-error';
import type { Outbox } from '../outbox';
import { newNumericId } from '../state';

const VERSION = /^v\d+(\.\d+)?$/;
const MEDIA_TYPES = ['image', 'video', 'audio', 'document', 'sticker'] as const;

export interface MessageHooks {
  /**
   * Checks a `type: template` send against the WABA's templates; returns a Graph error to answer
   * (e.g. 132001, 132000) or null to accept. Without a hook, templates are accepted as sent.
   */
  validateTemplate?: (body: Record<string, unknown>) => { status: number; error: GraphErrorFields } | null;
}

function invalid(res: Response, details: string, code = 100) {
  sendGraphError(res, 400, { message: '(#100) Invalid parameter', code, error_data: { messaging_product: 'whatsapp', details } });
}

export function messageRoutes(ctx: SandboxContext, outbox: Outbox, hooks: MessageHooks): Router {
  const router = Router();

  router.post('/:version/:phoneNumberId/messages', (req: Request, res: Response, next) => {
    const { version, phoneNumberId } = req.params as { version: string; phoneNumberId: string };
    if (!VERSION.test(version)) return next();
    if (phoneNumberId !== ctx.settings.phoneNumberId) {
      return sendGraphError(res, 400, { message: `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`, type: 'GraphMethodException', code: 100, error_subcode: 33 });
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.messaging_product !== 'whatsapp') return invalid(res, 'messaging_product must be "whatsapp"');

    // Mark as read: no recipient, no limits.
    if (body.status === 'read') {
      if (typeof body.message_id !== 'string') return invalid(res, 'message_id is required');
      outbox.readReceipts.push(body.message_id);
      return res.json({ success: true });
    }

    let recipient: string;
    if (typeof body.to === 'string' && body.to.trim()) {
      const to = body.to.trim();
      if (!/^\+\d{6,15}$/.test(to)) return invalid(res, `"to" must be + and the country code and number (got ${JSON.stringify(to)})`);
      recipient = to.slice(1);
    } else if (typeof body.recipient === 'string' && body.recipient.trim()) {
      recipient = body.recipient.trim();
    } else return invalid(res, 'The parameter to (or recipient) is required.');

    const type = typeof body.type === 'string' ? body.type : 'text';
    if (type === 'text') {
      const text = (body.text as { body?: unknown } | undefined)?.body;
      if (typeof text !== 'string' || !text) return invalid(res, 'text.body is required');
      if ([...text].length > 4096) return invalid(res, 'Message text is too long (the limit is 4096 characters)', 132005);
    } else if ((MEDIA_TYPES as readonly string[]).includes(type)) {
      const media = body[type] as { id?: string; link?: string } | undefined;
      if (!media || (!media.id && !media.link)) return invalid(res, `${type}.id or ${type}.link is required`);
      if (media.id && !outbox.uploads.has(media.id) && !ctx.state.media.has(media.id)) return invalid(res, `Media id ${media.id} not found`, 131053);
    } else if (type === 'reaction') {
      const reaction = body.reaction as { message_id?: string } | undefined;
      if (!reaction?.message_id) return invalid(res, 'reaction.message_id is required');
    } else if (type === 'template') {
      const refusal = hooks.validateTemplate?.(body);
      if (refusal) return sendGraphError(res, refusal.status, refusal.error);
    } else {
      return invalid(res, `Unsupported message type ${type}`, 131051);
    }

    if (type !== 'template' && !outbox.inWindow(recipient)) {
      return sendGraphError(res, 400, {
        message: 'Re-engagement message',
        code: 131047,
        error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' },
      });
    }
    if (!outbox.takeThroughput()) {
      return sendGraphError(res, 400, { message: '(#130429) Rate limit hit', code: 130429, error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' } });
    }
    if (!outbox.takePair(recipient)) {
      return sendGraphError(res, 400, { message: '(#131056) (Business Account, Consumer Account) pair rate limit hit', code: 131056, error_data: { messaging_product: 'whatsapp', details: 'Too many messages sent from the sender phone number to the same recipient phone number in a short period of time.' } });
    }
    const callbackData = typeof body.biz_opaque_callback_data === 'string' ? body.biz_opaque_callback_data : undefined;
    const sent = outbox.record({ phoneNumberId, recipient, type, body, ...(callbackData ? { callbackData } : {}) });
    const isBsuid = !/^\d+$/.test(recipient);
    res.json({
      messaging_product: 'whatsapp',
      contacts: [isBsuid ? { input: recipient, user_id: recipient } : { input: `+${recipient}`, wa_id: recipient }],
      messages: [{ id: sent.wamid, ...(type === 'template' ? { message_status: 'accepted' } : {}) }],
    });
  });

  // Multipart upload, parsed here (no dependency): one `file` part plus `type`/`messaging_product` fields.
  router.post('/:version/:phoneNumberId/media', express.raw({ type: 'multipart/form-data', limit: '110mb' }), (req: Request, res: Response, next) => {
    const { version, phoneNumberId } = req.params as { version: string; phoneNumberId: string };
    if (!VERSION.test(version)) return next();
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(req.get('content-type') ?? '');
    if (!boundary || !Buffer.isBuffer(req.body)) return invalid(res, 'Send the file as multipart/form-data with a "file" part');
    const parts = parseMultipart(req.body, boundary[1] ?? boundary[2]);
    const file = parts.find((p) => p.name === 'file' && p.filename !== undefined);
    const product = parts.find((p) => p.name === 'messaging_product')?.data.toString();
    if (product !== 'whatsapp') return invalid(res, 'messaging_product must be "whatsapp"');
    if (!file) return invalid(res, 'The "file" part is missing');
    const mimeType = parts.find((p) => p.name === 'type')?.data.toString() || file.contentType || 'application/octet-stream';
    if (file.data.length > 100 * 1024 * 1024) return invalid(res, 'File too large', 131053);
    const id = newNumericId(outbox.uploads);
    outbox.uploads.set(id, { id, mimeType, fileName: file.filename ?? 'file', bytes: file.data });
    void phoneNumberId;
    res.json({ id });
  });

  return router;
}

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after delimiter and before the next
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      const name = /name="([^"]*)"/i.exec(disposition)?.[1] ?? '';
      const filename = /filename="([^"]*)"/i.exec(disposition)?.[1];
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
      parts.push({ name, ...(filename !== undefined ? { filename } : {}), ...(contentType ? { contentType } : {}), data: Buffer.from(chunk.subarray(headerEnd + 4)) });
    }
    start = next;
  }
  return parts;
}
