/**
 * Sending one queued part of an agent's reply: the story.
 *
 *   1. the window: the customer's newest message + 24 h; outside it nothing is sent and the
 *      ticket gets one note for the comment (when the window closed, send a template);
 *   2. an attachment is read from Zendesk, checked against WhatsApp's size limit for its type
 *      and uploaded to the Graph API once (the media id is kept);
 *   3. the part is marked `sending`, then sent with `biz_opaque_callback_data` = its key, which
 *      comes back in status webhooks: after a crash a `sending` part is found by it instead of
 *      being sent twice;
 *   4. accepted: the wamid is recorded; refused: retried with backoff when Meta says so,
 *      otherwise a note says in plain words what happened and what the agent can do;
 *   5. no answer (a timeout, a connection cut after the request left, a 5xx without Meta's
 *      error body): the outcome is unknown, so the part stays `sending` ("in doubt") and the
 *      customer's later parts wait. `reconcileSending` (outbound-statuses.ts) settles it: a
 *      status webhook carrying its key proves Meta has it (recorded, never sent again); none
 *      within the grace period means it most likely never arrived, so it is sent again, and
 *      the ticket gets a note that the customer may receive it twice.
 */
import { GraphError } from '../whatsapp/graph-client';
import { graphErrorAction } from '../whatsapp/error-codes';
import type { OutboundContent, Recipient } from '../whatsapp/messages';
import { translator, intlLocale } from '../i18n';
import { backoffMs } from '../lib/retry-policy';
import { downloadAttachment } from '../zendesk/comments';
import { MEDIA_LIMITS, WINDOW_MS, formatBytes, mediaKindOf, type OutboundDeps } from './outbound-deps';
import { excerpt, explainGraphError, queueNote } from './outbound-notes';
import { applyKnownStatuses } from './outbound-statuses';

export type OutboundRow = {
  id: number;
  comment_id: number;
  part: number;
  ticket_id: number;
  customer_id: number;
  phone_number_id: string;
  kind: string;
  body: string;
  media_id: string | null;
  attempts: number;
  /** When the Zendesk webhook that queued it arrived (ms), for the latency metric. */
  webhook_received_at?: number | null;
  /** 1: this is a new attempt after one whose outcome stayed unknown. */
  resent_in_doubt?: number;
};

/** The metric label of a part: an agent's text, or an attachment sent as media. */
export const metricKind = (kind: string) => (kind === 'text' ? 'reply' : 'media');

interface AttachmentBody {
  id: number;
  fileName: string;
  contentType: string;
  size: number;
  url: string;
}

export const callbackKey = (commentId: number, part: number) => `zd:${commentId}:${part}`;

/** `settled`: the part had left the queue before this attempt could claim it; nothing was sent. */
export type SendOutcome = 'accepted' | 'retry' | 'blocked' | 'failed' | 'in-doubt' | 'settled';

/** Connection errors that prove the request never left (nothing can have been sent). */
const NOT_SENT_CAUSES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * True when a send failed in a way that leaves open whether Meta accepted it: no answer after
 * the request left (timeout, reset), a 5xx without Meta's error code, or a 200 without a wamid.
 * An answer carrying Meta's code is a refusal: nothing was sent.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (!(err instanceof GraphError) || err.graphCode !== null) return false;
  if (err.httpStatus === null) return !NOT_SENT_CAUSES.has(networkCause(err));

  return err.httpStatus >= 500 || (err.httpStatus >= 200 && err.httpStatus < 300);
}

/** The network error under a fetch failure (ECONNRESET, UND_ERR_SOCKET, TimeoutError…), for decisions and logs. */
function networkCause(err: GraphError): string {
  const cause = err.cause as { name?: string; cause?: { code?: string; message?: string } } | undefined;
  return cause?.cause?.code ?? (cause?.name === 'TimeoutError' ? 'TimeoutError' : '');
}

export async function sendPart(deps: OutboundDeps, row: OutboundRow): Promise<SendOutcome> {
  const { db, clock } = deps;
  const t = translator(deps.settings.locale);
  const customer = await db.selectFrom('customers').select(['wa_id', 'bsuid', 'last_inbound_ts']).where('id', '=', row.customer_id).executeTakeFirstOrThrow();
  const now = clock.now();

  // 1. the window
  const lastInbound = customer.last_inbound_ts === null ? null : Number(customer.last_inbound_ts) * 1000;
  if (lastInbound === null || now > lastInbound + WINDOW_MS) {
    await blockComment(deps, row, 'window', 131047);
    const text =
      lastInbound === null
        ? t('outbound.noWindow')
        : t('outbound.windowClosed', { closedAt: new Intl.DateTimeFormat(intlLocale(deps.settings.locale), { dateStyle: 'medium', timeStyle: 'short', timeZone: deps.settings.timeZone }).format(lastInbound + WINDOW_MS) });
    await queueNote(db, `window:${row.comment_id}`, row.ticket_id, [text], now);
    return 'blocked';
  }
  const recipient: Recipient | null = customer.wa_id ? { waId: customer.wa_id } : customer.bsuid ? { bsuid: customer.bsuid } : null;
  if (!recipient) {
    await blockComment(deps, row, 'no address', null);
    await queueNote(db, `no-contact:${row.comment_id}`, row.ticket_id, [t('outbound.noContact')], now);
    return 'blocked';
  }

  // 2. the content
  let content: OutboundContent;
  if (row.kind === 'text') {
    content = { type: 'text', text: { body: (JSON.parse(row.body) as { text: string }).text } };
  } else {
    const a = JSON.parse(row.body) as AttachmentBody;
    const kind = mediaKindOf(a.contentType, a.size);
    if (!kind) {
      await finish(deps, row, 'skipped', null, 'over the size limit');
      await queueNote(db, `too-large:${row.comment_id}:${row.part}`, row.ticket_id, [t('outbound.attachmentTooLarge', { fileName: a.fileName, size: formatBytes(a.size), limit: formatBytes(MEDIA_LIMITS.document) })], now);
      return 'blocked';
    }
    let mediaId = row.media_id;
    if (!mediaId) {
      let bytes: Buffer;
      try {
        bytes = await downloadAttachment(deps.settings.zendeskUrl, await deps.zendeskAuthHeader(), a.url, MEDIA_LIMITS.document);
      } catch (err) {
        if (row.attempts + 1 < deps.settings.maxAttempts) return retryLater(deps, row, null, (err as Error).message, 2000);
        await finish(deps, row, 'skipped', null, (err as Error).message);
        await queueNote(db, `attachment:${row.comment_id}:${row.part}`, row.ticket_id, [t('outbound.attachmentFailed', { fileName: a.fileName })], now);
        return 'blocked';
      }
      try {
        mediaId = await deps.sender.uploadMedia(row.phone_number_id, bytes, a.contentType || 'application/octet-stream', a.fileName);
      } catch (err) {
        return handleGraphError(deps, row, err);
      }
      await db.updateTable('outbound_messages').set({ media_id: mediaId, kind, updated_at: clock.now() }).where('id', '=', row.id).execute();
    }
    content = kind === 'document' ? { type: 'document', media: { id: mediaId, filename: a.fileName } } : { type: kind, media: { id: mediaId } };
  }

  // 3. send, recorded as under way first
  // Only from the queue: a part another round or a status has settled meanwhile is never sent twice.
  const claimed = await db
    .updateTable('outbound_messages')
    .set({ state: 'sending', attempts: row.attempts + 1, updated_at: clock.now() })
    .where('id', '=', row.id)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  if (!Number(claimed.numUpdatedRows)) return 'settled';
  try {
    const result = await deps.sender.send(row.phone_number_id, recipient, content, { callbackData: callbackKey(row.comment_id, row.part) });
    await db.updateTable('outbound_messages').set({ state: 'accepted', wamid: result.wamid, error: null, error_code: null, updated_at: clock.now() }).where('id', '=', row.id).execute();
    deps.metrics.outboundMessages.inc({ kind: metricKind(row.kind), outcome: row.resent_in_doubt ? 'resent_in_doubt' : 'accepted' });
    if (row.webhook_received_at) deps.metrics.outboundLatency.observe(Math.max(0, clock.now() - Number(row.webhook_received_at)) / 1000);
    if (row.resent_in_doubt) {
      // An earlier attempt may have reached the customer too: say so where the agent looks.
      const body = JSON.parse(row.body) as { text?: string; fileName?: string };
      const quote = excerpt(body.text ?? body.fileName);
      await queueNote(db, `resent:${row.comment_id}:${row.part}`, row.ticket_id, [t('outbound.resentInDoubt'), ...(quote ? [t('outbound.quote', { excerpt: quote })] : [])], clock.now());
    }
    await applyKnownStatuses(deps, result.wamid);
    if (deps.settings.markReadOnReply && row.part === 0) await markCustomerRead(deps, row);
    return 'accepted';
  } catch (err) {
    if (outcomeUnknown(err)) {
      // Left `sending`: reconcileSending decides once a status arrives or the grace period ends.
      await db.updateTable('outbound_messages').set({ error: (err as Error).message, updated_at: clock.now() }).where('id', '=', row.id).execute();
      deps.metrics.outboundMessages.inc({ kind: metricKind(row.kind), outcome: 'in_doubt' });
      deps.metrics.graphErrors.inc({ code: 'none' });
      deps.logger.warn({ ticketId: row.ticket_id, commentId: row.comment_id, part: row.part, err: (err as Error).message, cause: networkCause(err as GraphError) || null }, 'no answer from WhatsApp for an agent reply: waiting for a status before sending it again');
      return 'in-doubt';
    }
    return handleGraphError(deps, row, err);
  }
}

async function handleGraphError(deps: OutboundDeps, row: OutboundRow, err: unknown): Promise<SendOutcome> {
  if (!(err instanceof GraphError)) throw err;
  const code = err.graphCode;
  const action = graphErrorAction(code);
  deps.metrics.graphErrors.inc({ code: code === null ? 'none' : String(code) });
  if (code === 131056) deps.pacer.penalize(row.customer_id);
  if (action === 'retry' && row.attempts + 1 < deps.settings.maxAttempts) {
    const minimum = code === 131056 ? deps.pacer.pairIntervalMs : code === 130429 ? 1000 : 0;
    deps.metrics.outboundMessages.inc({ kind: metricKind(row.kind), outcome: 'retried' });
    return retryLater(deps, row, code, err.message, minimum);
  }
  deps.metrics.outboundMessages.inc({ kind: metricKind(row.kind), outcome: 'not_sent' });
  const detail = (err.details as { error?: { error_data?: { details?: string }; message?: string } } | null)?.error?.error_data?.details ?? err.message;
  if (code === 190 || action === 'tell-admin') deps.logger.error({ code, ticketId: row.ticket_id }, `WhatsApp refused an agent reply: ${err.message}`);
  const t = translator(deps.settings.locale);
  const body = JSON.parse(row.body) as { text?: string; fileName?: string };
  const quote = excerpt(body.text ?? body.fileName);
  if (code === 131047) await blockComment(deps, row, err.message, code);
  else await finish(deps, row, 'failed', code, err.message);
  await queueNote(
    deps.db,
    `error:${row.comment_id}:${code ?? 'none'}`,
    row.ticket_id,
    [t('outbound.notSent', { code: code ?? '—', explanation: explainGraphError(deps, code, detail) }), ...(quote ? [t('outbound.quote', { excerpt: quote })] : [])],
    deps.clock.now(),
  );
  return 'failed';
}

async function retryLater(deps: OutboundDeps, row: OutboundRow, code: number | null, message: string, minimumMs: number): Promise<SendOutcome> {
  const attempts = row.attempts + 1;
  const delay = Math.max(minimumMs, backoffMs(attempts, { baseMs: 500, capMs: 5 * 60_000 }));
  await deps.db
    .updateTable('outbound_messages')
    .set({ state: 'queued', attempts, error_code: code, error: message, next_attempt_at: deps.clock.now() + delay, updated_at: deps.clock.now() })
    .where('id', '=', row.id)
    .execute();
  deps.logger.warn({ code, ticketId: row.ticket_id, commentId: row.comment_id, attempts, delay }, 'WhatsApp send will be retried');
  return 'retry';
}

async function finish(deps: OutboundDeps, row: OutboundRow, state: string, code: number | null, message: string): Promise<void> {
  await deps.db.updateTable('outbound_messages').set({ state, error_code: code, error: message, updated_at: deps.clock.now() }).where('id', '=', row.id).execute();
}

/** This part and the comment's other waiting parts are not sent (one note says why). */
async function blockComment(deps: OutboundDeps, row: OutboundRow, reason: string, code: number | null): Promise<void> {
  await deps.db
    .updateTable('outbound_messages')
    .set({ state: 'blocked', error_code: code, error: reason, updated_at: deps.clock.now() })
    .where('comment_id', '=', row.comment_id)
    .where((eb) => eb.or([eb('id', '=', row.id), eb('state', '=', 'queued')]))
    .execute();
}

async function markCustomerRead(deps: OutboundDeps, row: OutboundRow): Promise<void> {
  const latest = await deps.db.selectFrom('inbound_messages').select('message_id').where('customer_id', '=', row.customer_id).orderBy('ts', 'desc').limit(1).executeTakeFirst();
  if (!latest) return;
  try {
    await deps.sender.markRead(row.phone_number_id, latest.message_id);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message }, 'could not mark the customer message read');
  }
}
