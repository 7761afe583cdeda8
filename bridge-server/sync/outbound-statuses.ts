/**
 * Delivery states of the agent's messages from status webhooks (stored by intake, unique on
 * wamid + status). States only move forward: accepted → sent → delivered → read; failed is
 * final and read is never undone by a late failure. Out-of-order and duplicate statuses are
 * therefore harmless. A failure adds a note with the reason in plain words.
 */
import { translator } from '../i18n';
import type { OutboundDeps } from './outbound-deps';
import { excerpt, explainGraphError, queueNote } from './outbound-notes';

const RANK: Record<string, number> = { sending: 0, accepted: 1, sent: 2, delivered: 3, read: 4, played: 4 };
const FINAL = new Set(['failed', 'blocked', 'skipped']);

/** The state after `status` arrives for a message in `current` (unchanged when it would go backwards). */
export function nextState(current: string, status: string): string {
  if (FINAL.has(current)) return current;
  if (status === 'failed') return current === 'read' ? current : 'failed';
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
 * Parts left `sending` by a crash: a status carrying their key proves Meta accepted them (record
 * the wamid); none after `graceMs` means the request never reached Meta: send again.
 */
export async function reconcileSending(deps: OutboundDeps, graceMs: number, skip: Set<number>): Promise<void> {
  const rows = await deps.db.selectFrom('outbound_messages').select(['id', 'comment_id', 'part', 'updated_at']).where('state', '=', 'sending').execute();
  for (const r of rows) {
    if (skip.has(Number(r.id))) continue;
    const key = `"biz_opaque_callback_data":"zd:${r.comment_id}:${r.part}"`;
    const found = await deps.db.selectFrom('status_events').select('message_id').where('raw', 'like', `%${key}%`).executeTakeFirst();
    if (found) {
      await deps.db.updateTable('outbound_messages').set({ state: 'accepted', wamid: found.message_id, updated_at: deps.clock.now() }).where('id', '=', Number(r.id)).execute();
      await applyKnownStatuses(deps, found.message_id);
      deps.logger.info({ commentId: r.comment_id, part: r.part }, 'an interrupted send had reached WhatsApp: recorded, not sent again');
    } else if (deps.clock.now() - Number(r.updated_at) > graceMs) {
      await deps.db.updateTable('outbound_messages').set({ state: 'queued', next_attempt_at: deps.clock.now(), updated_at: deps.clock.now() }).where('id', '=', Number(r.id)).execute();
      deps.logger.warn({ commentId: r.comment_id, part: r.part }, 'an interrupted send left no trace at WhatsApp: sending it again');
    }
  }
}
