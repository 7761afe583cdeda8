/**
 * Inbound media: look the id up in the Graph API, download it with the token, upload it to
 * Zendesk, and remember the upload token. A file that cannot be fetched or is too large becomes
 * a clear line in the comment instead of an attachment, never a lost message.
 */
import type { Store } from '../store';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { GraphError, MediaTooLargeError, type GraphClient } from '../whatsapp/graph-client';
import type { ZendeskClient } from '../zendesk/client';
import type { WhatsAppMessage } from '../whatsapp/webhook-payload';
import { mediaOf, type MediaOutcome } from './render-comment';

/** Zendesk's attachment limit. Inbound WhatsApp files can be up to 100 MB (documents). */
export const ZENDESK_ATTACHMENT_LIMIT = 50 * 1024 * 1024;
/** Upload tokens live about 60 minutes; re-upload when older than this. */
const UPLOAD_TOKEN_TTL_MS = 50 * 60_000;

export interface MediaDeps {
  db: Store;
  graph: GraphClient;
  zendesk: ZendeskClient;
  clock: Clock;
  logger: Logger;
}

export type MediaResult = { outcome: MediaOutcome; token: string | null };

/**
 * @param giveUpOnTransient after enough attempts, a Graph outage is written as a failed download
 *   rather than holding the customer's text messages back any longer.
 */
export async function fetchMedia(deps: MediaDeps, messageId: string, message: WhatsAppMessage, giveUpOnTransient: boolean): Promise<MediaResult | null> {
  const media = mediaOf(message);
  if (!media) return null;
  const now = deps.clock.now();
  const row = await deps.db.selectFrom('media').selectAll().where('message_id', '=', messageId).executeTakeFirst();
  if (row && (row.status === 'failed' || now - Number(row.created_at) < UPLOAD_TOKEN_TTL_MS)) return fromRow(row);

  let outcome: MediaOutcome;
  let token: string | null = null;
  try {
    const info = await deps.graph.getMedia(media.mediaId);
    const bytes = await deps.graph.download(info.url, ZENDESK_ATTACHMENT_LIMIT);
    const upload = await deps.zendesk.upload(media.fileName, bytes, info.mime_type || media.mimeType);
    token = upload.token;
    outcome = { messageId, status: 'attached', fileName: media.fileName, size: bytes.length };
  } catch (error) {
    if (error instanceof MediaTooLargeError) {
      outcome = { messageId, status: 'failed', reason: 'too-large', detail: `${Math.round(error.size / 1024 / 1024)} MB > ${Math.round(error.limit / 1024 / 1024)} MB`, fileName: media.fileName };
    } else if (error instanceof GraphError && error.httpStatus !== null && error.httpStatus < 500 && error.graphCode !== 190) {
      // 4xx other than an expired token: the media is gone (ids live 7 days) or refused for good.
      outcome = { messageId, status: 'failed', reason: error.httpStatus === 404 || error.graphCode === 100 ? 'not-found' : 'download-failed', detail: error.message, fileName: media.fileName };
    } else if (giveUpOnTransient) {
      outcome = { messageId, status: 'failed', reason: 'download-failed', detail: (error as Error).message, fileName: media.fileName };
    } else {
      throw error;
    }
    deps.logger.warn({ messageId, reason: outcome.status === 'failed' ? outcome.reason : undefined, err: (error as Error).message }, 'inbound media not attached');
  }
  await deps.db
    .insertInto('media')
    .values({
      message_id: messageId,
      status: outcome.status,
      upload_token: token,
      file_name: outcome.fileName ?? null,
      size: outcome.status === 'attached' ? outcome.size : null,
      reason: outcome.status === 'failed' ? outcome.reason : null,
      detail: outcome.status === 'failed' ? (outcome.detail ?? null) : null,
      created_at: now,
    })
    .onConflict((oc) =>
      oc.column('message_id').doUpdateSet({
        status: outcome.status,
        upload_token: token,
        size: outcome.status === 'attached' ? outcome.size : null,
        reason: outcome.status === 'failed' ? outcome.reason : null,
        created_at: now,
      }),
    )
    .execute();
  return { outcome, token };
}

function fromRow(row: { message_id: string; status: string; upload_token: string | null; file_name: string | null; size: number | null; reason: string | null; detail: string | null }): MediaResult {
  if (row.status === 'attached') {
    return { outcome: { messageId: row.message_id, status: 'attached', fileName: row.file_name ?? '', size: Number(row.size ?? 0) }, token: row.upload_token };
  }
  return {
    outcome: { messageId: row.message_id, status: 'failed', reason: (row.reason ?? 'download-failed') as 'download-failed', detail: row.detail ?? undefined, fileName: row.file_name ?? undefined },
    token: null,
  };
}
