/**
 * From a stored Zendesk webhook to queued WhatsApp messages: read the ticket's comments from
 * Zendesk (the webhook only says which ticket changed), keep the public comments written by
 * agents that the bridge did not write itself, and queue each one as parts (text split under
 * 4,096 characters, then one part per attachment), unique on (comment id, part): a duplicate
 * webhook or a restart queues nothing twice.
 */
import { translator } from '../i18n';
import { ZendeskError } from '../zendesk/errors';
import { isBridgeComment, recentComments, userRole, type ZendeskComment } from '../zendesk/comments';
import type { OutboundDeps } from './outbound-deps';
import { queueNote } from './outbound-notes';
import { splitText } from './outbound-split';

/** The trigger body `setup` installs renders to this (placeholders render as text). */
export interface ZendeskReplyEvent {
  ticket_id: string | number;
  event?: string;
  author_id?: string | number;
}

export function parseReplyEvent(raw: string): { ticketId: number } | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (e) {
    return { error: `not JSON: ${(e as Error).message}` };
  }
  const id = Number((body as ZendeskReplyEvent | null)?.ticket_id);
  if (!Number.isInteger(id) || id <= 0) return { error: 'no ticket_id: is the trigger body the one `setup` installs?' };
  return { ticketId: id };
}

const roleCache = new Map<string, { role: string; at: number }>();

async function authorIsEndUser(deps: OutboundDeps, authorId: number): Promise<boolean> {
  const key = `${deps.settings.zendeskUrl}|${authorId}`;
  const cached = roleCache.get(key);
  if (cached && Date.now() - cached.at < 10 * 60_000) return cached.role === 'end-user';
  const role = await userRole(deps.zendesk, authorId);
  roleCache.set(key, { role, at: Date.now() });
  return role === 'end-user';
}

/** Splits pending Zendesk webhooks into queued messages. Returns how many events were handled. */
export async function takeZendeskEvents(deps: OutboundDeps, batch = 20): Promise<number> {
  const events = await deps.db.selectFrom('webhook_events').select(['id', 'raw_body', 'received_at']).where('state', '=', 'pending').where('source', '=', 'zendesk').orderBy('id').limit(batch).execute();
  let handled = 0;
  for (const event of events) {
    const parsed = parseReplyEvent(event.raw_body);
    const now = deps.clock.now();
    if ('error' in parsed) {
      await deps.db.insertInto('dead_letters').values({ event_id: Number(event.id), source: 'zendesk', path: 'body', reason: parsed.error, raw: event.raw_body.slice(0, 100_000), created_at: now }).execute();
      deps.metrics.deadLetters.inc({ source: 'zendesk' });
    } else {
      try {
        await queueTicketReplies(deps, parsed.ticketId, Number(event.received_at));
      } catch (err) {
        if (err instanceof ZendeskError && err.kind === 'not-found') {
          deps.logger.warn({ ticketId: parsed.ticketId }, 'a Zendesk webhook named a ticket that no longer exists; ignored');
        } else {
          // Zendesk unreachable, rate limited or credentials wrong: the event stays pending.
          deps.logger.warn({ ticketId: parsed.ticketId, err: (err as Error).message }, 'could not read the ticket for an agent reply; will try again');
          break;
        }
      }
    }
    await deps.db.updateTable('webhook_events').set({ state: 'split', processed_at: deps.clock.now() }).where('id', '=', Number(event.id)).execute();
    handled++;
  }
  return handled;
}

/** Queues every agent reply on the ticket that is not queued yet. */
export async function queueTicketReplies(deps: OutboundDeps, ticketId: number, receivedAt: number): Promise<number> {
  const { db } = deps;
  const comments = await recentComments(deps.zendesk, ticketId);
  const mark = await db.selectFrom('outbound_messages').select((eb) => eb.fn.max('comment_id').as('max')).where('ticket_id', '=', ticketId).executeTakeFirst();
  const watermark = mark?.max === null || mark?.max === undefined ? null : Number(mark.max);
  // Without a watermark (the ticket's first reply since the bridge runs), only recent comments:
  // older agent replies were written before the bridge existed and must not be sent now.
  const since = receivedAt - deps.settings.firstEventLookbackMs;
  const candidates: ZendeskComment[] = [];
  for (const c of [...comments].sort((a, b) => a.id - b.id)) {
    if (!c.public || isBridgeComment(c)) continue;
    if (watermark !== null ? c.id <= watermark : Date.parse(c.created_at) < since) continue;
    if (await authorIsEndUser(deps, c.author_id)) continue;
    candidates.push(c);
  }
  if (candidates.length === 0) return 0;

  const customer = await customerOfTicket(deps, ticketId);
  const now = deps.clock.now();
  if (!customer) {
    const t = translator(deps.settings.locale);
    for (const c of candidates) await queueNote(db, `no-contact:${c.id}`, ticketId, [t('outbound.noContact')], now);
    return 0;
  }
  let queued = 0;
  await db.transaction().execute(async (trx) => {
    for (const c of candidates) {
      const parts: { kind: string; body: unknown }[] = splitText(c.plain_body ?? c.body ?? '').map((text) => ({ kind: 'text', body: { text } }));
      for (const a of c.attachments ?? []) {
        parts.push({ kind: 'attachment', body: { id: a.id, fileName: a.file_name, contentType: a.content_type, size: a.size, url: a.content_url } });
      }
      for (let part = 0; part < parts.length; part++) {
        const r = await trx
          .insertInto('outbound_messages')
          .values({
            comment_id: c.id,
            part,
            ticket_id: ticketId,
            customer_id: customer.id,
            phone_number_id: customer.phoneNumberId,
            kind: parts[part].kind,
            body: JSON.stringify(parts[part].body),
            media_id: null,
            wamid: null,
            state: 'queued',
            error_code: null,
            error: null,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
            updated_at: now,
            status_ts: null,
            webhook_received_at: receivedAt,
          })
          .onConflict((oc) => oc.columns(['comment_id', 'part']).doNothing())
          .executeTakeFirst();
        if (r.numInsertedOrUpdatedRows) queued++;
      }
    }
  });
  return queued;
}

/** The WhatsApp customer a ticket belongs to: the one whose running ticket it is, else its requester. */
async function customerOfTicket(deps: OutboundDeps, ticketId: number): Promise<{ id: number; phoneNumberId: string } | null> {
  let row = await deps.db.selectFrom('customers').select(['id', 'phone_number_id']).where('ticket_id', '=', ticketId).executeTakeFirst();
  if (!row) {
    const ticket = await deps.zendesk.getTicket(ticketId);
    row = await deps.db.selectFrom('customers').select(['id', 'phone_number_id']).where('zendesk_user_id', '=', ticket.requester_id).orderBy('updated_at', 'desc').executeTakeFirst();
  }
  return row ? { id: Number(row.id), phoneNumberId: row.phone_number_id } : null;
}
