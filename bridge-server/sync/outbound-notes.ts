/**
 * Internal notes the bridge writes about agent replies (window closed, an error, a failed
 * delivery). Each has a deterministic id, so the same fact is noted once; the id travels in the
 * audit metadata, so a note whose answer was lost is found instead of written twice.
 */
import { translator } from '../i18n';
import { backoffMs } from '../lib/retry-policy';
import { ZendeskError } from '../zendesk/errors';
import { addInternalNote, noteLanded } from '../zendesk/comments';
import { explanationKey } from '../whatsapp/error-codes';
import { escapeHtml, type OutboundDeps } from './outbound-deps';
import type { Store } from '../store';

/** Queues a note (once per id); the worker writes it. */
export async function queueNote(db: Store, id: string, ticketId: number, paragraphs: string[], now: number): Promise<void> {
  const html = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  await db
    .insertInto('outbound_notes')
    .values({ id, ticket_id: ticketId, html_body: html, state: 'pending', attempts: 0, next_attempt_at: now, created_at: now, finished_at: null })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** The metric label of a note, from its id (`window:…`, `failed:…`, `error:…`, `resent:…`). */
const NOTE_REASONS: Record<string, string> = { window: 'window_closed', failed: 'failure', error: 'not_sent', resent: 'resent_in_doubt', 'no-contact': 'no_contact', 'too-large': 'attachment', attachment: 'attachment' };
export function noteReason(id: string): string {
  return NOTE_REASONS[id.split(':')[0]] ?? 'other';
}

/** The agent-facing sentence for a Graph error code. */
export function explainGraphError(deps: OutboundDeps, code: number | null, detail: string): string {
  const t = translator(deps.settings.locale);
  return t(`outbound.error.${explanationKey(code)}`, { detail });
}

export function excerpt(text: string | undefined, max = 120): string | null {
  if (!text) return null;
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Writes the notes that are due. Returns how many were written. */
export async function writeDueNotes(deps: OutboundDeps, limit = 20): Promise<number> {
  const now = deps.clock.now();
  const due = await deps.db.selectFrom('outbound_notes').selectAll().where('state', '=', 'pending').where('next_attempt_at', '<=', now).orderBy('created_at').limit(limit).execute();
  let written = 0;
  for (const note of due) {
    const ticketId = Number(note.ticket_id);
    try {
      if (note.attempts > 0 && (await noteLanded(deps.zendesk, ticketId, note.id))) {
        // The previous attempt reached Zendesk although its answer was lost.
      } else {
        await addInternalNote(deps.zendesk, ticketId, note.html_body, note.id);
      }
      await deps.db.updateTable('outbound_notes').set({ state: 'done', finished_at: deps.clock.now() }).where('id', '=', note.id).execute();
      deps.metrics.outboundNotes.inc({ reason: noteReason(note.id) });
      written++;
    } catch (err) {
      const permanent = err instanceof ZendeskError && !err.retryable && err.kind !== 'auth';
      const attempts = note.attempts + 1;
      if (permanent || attempts >= 12) {
        deps.logger.error({ noteId: note.id, ticketId, err: (err as Error).message }, 'could not write an internal note on the ticket; given up');
        await deps.db.updateTable('outbound_notes').set({ state: 'failed', attempts, finished_at: deps.clock.now() }).where('id', '=', note.id).execute();
      } else {
        const retryAfter = err instanceof ZendeskError && err.retryAfterMs ? err.retryAfterMs : backoffMs(attempts, { baseMs: 1000, capMs: 5 * 60_000 });
        await deps.db.updateTable('outbound_notes').set({ attempts, next_attempt_at: deps.clock.now() + retryAfter }).where('id', '=', note.id).execute();
      }
    }
  }
  return written;
}
