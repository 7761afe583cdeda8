/**
 * Delivery states of the agent's messages from status webhooks (stored by intake, unique on
 * wamid + status). The rule, applied whatever order the webhooks come in:
 *
 *   - states only move forward: accepted → sent → delivered → read (`played` counts as read);
 *   - `failed` wins over accepted and sent, and once recorded it is final;
 *   - `delivered` and `read` are proof that a device of the customer has the message, so a
 *     `failed` arriving after them is kept in the store but changes nothing and writes no note
 *     (Meta does not order statuses, and a customer with several devices can produce a failure
 *     for one device after the delivery to another);
 *   - duplicates change nothing.
 *
 * A failure adds one internal note with the reason in plain words (its id is the wamid, so a
 * failed status delivered twice still writes one note).
 */
import { translator } from '../i18n';
import type { OutboundDeps } from './outbound-deps';
import { excerpt, explainGraphError, queueNote } from './outbound-notes';
import { callbackKey } from './outbound-send';

const RANK: Record<string, number> = { sending: 0, accepted: 1, sent: 2, delivered: 3, read: 4, played: 4 };
const FINAL = new Set(['failed', 'blocked', 'skipped']);

/** The state after `status` arrives for a message in `current` (unchanged when it would go backwards). */
export function nextState(current: string, status: string): string {
  if (FINAL.has(current)) return current;
  if (status === 'failed') return (RANK[current] ?? -1) >= RANK.delivered ? current : 'failed';
  const to = RANK[status === 'played' ? 'read' : status];
  const from = RANK[current] ?? -1;
  if (to === undefined) return current;
  return to > from ? (status === 'played' ? 'read' : status) : current;
}

const CURSOR_KEY = 'outbound.status_cursor';

interface StatusRow {
  id: number;
  message_id: string;
  status: string;
  ts: number;
  raw: string;
}

async function apply(deps: OutboundDeps, s: StatusRow): Promise<void> {
  const msg = await deps.db.selectFrom('outbound_messages').select(['id', 'state', 'ticket_id', 'comment_id', 'body']).where('wamid', '=', s.message_id).executeTakeFirst();
  if (!msg) return;
  const to = nextState(msg.state, s.status);
  if (to === msg.state) return;
  const raw = JSON.parse(s.raw) as { errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[] };
  const error = raw.errors?.[0];
  await deps.db
    .updateTable('outbound_messages')
    .set({ state: to, status_ts: Number(s.ts), updated_at: deps.clock.now(), ...(to === 'failed' ? { error_code: error?.code ?? null, error: error?.error_data?.details ?? error?.message ?? error?.title ?? 'failed' } : {}) })
    .where('id', '=', msg.id)
    .where('state', '=', msg.state) // another round may have moved it meanwhile
    .execute();
  if (to === 'failed') {
    const t = translator(deps.settings.locale);
    const code = error?.code ?? null;
    const body = JSON.parse(msg.body) as { text?: string; fileName?: string };
    const quote = excerpt(body.text ?? body.fileName);
    await queueNote(
      deps.db,
      `failed:${s.message_id}`,
      Number(msg.ticket_id),
      [t('outbound.notDelivered', { code: code ?? '—', explanation: explainGraphError(deps, code, error?.error_data?.details ?? error?.message ?? error?.title ?? '') }), ...(quote ? [t('outbound.quote', { excerpt: quote })] : [])],
      deps.clock.now(),
    );
  }
}

/** Statuses that arrived before the send call returned the wamid. */
export async function applyKnownStatuses(deps: OutboundDeps, wamid: string): Promise<void> {
  const rows = await deps.db.selectFrom('status_events').select(['id', 'message_id', 'status', 'ts', 'raw']).where('message_id', '=', wamid).orderBy('id').execute();
  for (const r of rows) await apply(deps, { ...r, id: Number(r.id), ts: Number(r.ts) });
}

/** Applies the statuses stored since the last round. Returns how many were read. */
export async function applyNewStatuses(deps: OutboundDeps, batch = 500): Promise<number> {
  const cursorRow = await deps.db.selectFrom('bridge_settings').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
  const cursor = Number(cursorRow?.value ?? 0);
  const rows = await deps.db.selectFrom('status_events').select(['id', 'message_id', 'status', 'ts', 'raw']).where('id', '>', cursor).orderBy('id').limit(batch).execute();
  if (rows.length === 0) return 0;
  for (const r of rows) await apply(deps, { ...r, id: Number(r.id), ts: Number(r.ts) });
  const last = String(rows[rows.length - 1].id);
  await deps.db
    .insertInto('bridge_settings')
    .values({ key: CURSOR_KEY, value: last, updated_at: deps.clock.now() })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: last, updated_at: deps.clock.now() }))
    .execute();
  return rows.length;
}

/**
 * Parts whose send is in doubt: left `sending` by a crash, or by an attempt that got no answer.
 *
 *   - a stored status carrying their key (biz_opaque_callback_data, echoed by every status of the
 *     send) proves Meta accepted them: the wamid is recorded from it, even if the send's answer
 *     never told it, and they are never sent again. This also holds for a part already put back
 *     in the queue after the grace period, as long as the new attempt has not gone yet;
 *   - none after `graceMs` means the request most likely never reached Meta: the part is queued
 *     again, marked `resent_in_doubt`, and when that attempt is accepted the ticket gets a note
 *     that the customer may receive the message twice (outbound-send.ts).
 */
export async function reconcileSending(deps: OutboundDeps, graceMs: number, skip: Set<number>): Promise<void> {
  const rows = await deps.db
    .selectFrom('outbound_messages')
    .select(['id', 'comment_id', 'part', 'updated_at', 'state'])
    .where((eb) => eb.or([eb('state', '=', 'sending'), eb.and([eb('state', '=', 'queued'), eb('resent_in_doubt', '=', 1)])]))
    .execute();
  for (const r of rows) {
    if (skip.has(Number(r.id))) continue;
    const found = await deps.db.selectFrom('status_events').select('message_id').where('callback_data', '=', callbackKey(Number(r.comment_id), Number(r.part))).orderBy('id').executeTakeFirst();
    if (found) {
      const done = await deps.db
        .updateTable('outbound_messages')
        .set({ state: 'accepted', wamid: found.message_id, resent_in_doubt: 0, error: null, updated_at: deps.clock.now() })
        .where('id', '=', Number(r.id))
        .where('state', '=', r.state)
        .executeTakeFirst();
      if (!Number(done.numUpdatedRows)) continue;
      await applyKnownStatuses(deps, found.message_id);
      deps.logger.info({ commentId: r.comment_id, part: r.part, wamid: found.message_id }, 'a send whose answer was lost had reached WhatsApp: recorded, not sent again');
    } else if (r.state === 'sending' && deps.clock.now() - Number(r.updated_at) > graceMs) {
      await deps.db
        .updateTable('outbound_messages')
        .set({ state: 'queued', resent_in_doubt: 1, next_attempt_at: deps.clock.now(), updated_at: deps.clock.now() })
        .where('id', '=', Number(r.id))
        .where('state', '=', 'sending')
        .execute();
      deps.logger.warn({ commentId: r.comment_id, part: r.part }, 'a send whose answer was lost left no trace at WhatsApp: sending it again (the ticket will say it may arrive twice)');
    }
  }
}
