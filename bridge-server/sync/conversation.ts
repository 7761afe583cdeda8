/**
 * What the sidebar shows for a ticket: the WhatsApp contact, the 24-hour window and the recent
 * messages both ways with their delivery state. Read from the store only (no Meta or Zendesk
 * call), so the sidebar can refresh it freely.
 */
import type { Store } from '../store';
import type { Translate } from '../i18n';
import type { CustomerTable } from '../store/schema';
import { nextState } from './outbound-statuses';

export const WINDOW_MS = 24 * 3600 * 1000;

export type WindowState = 'open' | 'closing' | 'closed';

export interface ConversationWindow {
  lastCustomerMessageAt: string | null;
  expiresAt: string | null;
  state: WindowState;
  /** Whole seconds until it closes (0 when closed). */
  secondsLeft: number;
  closingSoonMinutes: number;
}

export interface ConversationMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  /** text, image, …, template. */
  type: string;
  /** A short text preview (the message text, a caption, or the kind of content). */
  text: string;
  at: string;
  /** inbound: received. outbound: pending, sent, delivered, read, failed, not_sent. */
  state: string;
  /** Why an outbound message failed, in plain words (the request's locale). */
  failureReason: string | null;
  template?: { name: string; language: string };
  /** Outbound only: the emoji the customer reacted with (their latest reaction; null: none or removed). */
  reaction?: string | null;
  /**
   * Only on a template whose send got no answer from Meta (state `pending`): it may have reached
   * the customer; its state follows once a status arrives, or it becomes `failed` (never confirmed).
   */
  isUncertain?: true;
}

export interface Conversation {
  ticketId: number;
  contact: {
    name: string | null;
    phone: string | null;
    businessScopedUserId: string | null;
    display: string;
    /**
     * The customer's language as a WhatsApp code (`it`, `pt_BR`): the language of the latest
     * template sent to them (the best evidence the bridge has: an agent chose it for this
     * customer), else null. The template picker uses it as its default language filter.
     */
    language: string | null;
  };
  window: ConversationWindow;
  messages: ConversationMessage[];
}

type CustomerRow = Pick<CustomerTable, 'bsuid' | 'wa_id' | 'profile_name' | 'last_inbound_ts' | 'ticket_id'> & { id: number };

/** The customer whose conversation the ticket holds: their running ticket, or one written earlier. */
export async function customerOfTicket(db: Store, ticketId: number): Promise<CustomerRow | null> {
  const cols = ['customers.id', 'customers.bsuid', 'customers.wa_id', 'customers.profile_name', 'customers.last_inbound_ts', 'customers.ticket_id'] as const;
  const current = await db.selectFrom('customers').select(cols).where('ticket_id', '=', ticketId).orderBy('updated_at', 'desc').executeTakeFirst();
  if (current) return { ...current, id: Number(current.id) };
  const earlier = await db
    .selectFrom('deliveries')
    .innerJoin('customers', 'customers.id', 'deliveries.customer_id')
    .select(cols)
    .where('deliveries.ticket_id', '=', ticketId)
    .orderBy('deliveries.created_at', 'desc')
    .executeTakeFirst();
  return earlier ? { ...earlier, id: Number(earlier.id) } : null;
}

export function windowOf(lastInboundTs: number | null, now: number, closingSoonMinutes: number): ConversationWindow {
  if (lastInboundTs === null) return { lastCustomerMessageAt: null, expiresAt: null, state: 'closed', secondsLeft: 0, closingSoonMinutes };
  const last = lastInboundTs * 1000;
  const expires = last + WINDOW_MS;
  const left = expires - now;
  const state: WindowState = left <= 0 ? 'closed' : left <= closingSoonMinutes * 60_000 ? 'closing' : 'open';
  return { lastCustomerMessageAt: new Date(last).toISOString(), expiresAt: new Date(expires).toISOString(), state, secondsLeft: Math.max(0, Math.floor(left / 1000)), closingSoonMinutes };
}

/**
 * Delivery states of wamids from the status webhooks, folded in arrival order with the outbound
 * side's rule (`nextState`: forward only, failed final, delivered/read never undone by a late
 * failure), so the sidebar and the ticket notes always agree.
 */
async function statusesOf(db: Store, wamids: string[]): Promise<Map<string, { state: string; errorCode: number | null; detail: string | null }>> {
  const out = new Map<string, { state: string; errorCode: number | null; detail: string | null }>();
  if (wamids.length === 0) return out;
  const rows = await db.selectFrom('status_events').select(['message_id', 'status', 'raw']).where('message_id', 'in', wamids).orderBy('id').execute();
  for (const r of rows) {
    const prev = out.get(r.message_id) ?? { state: 'accepted', errorCode: null, detail: null };
    const state = nextState(prev.state, r.status);
    if (state === prev.state) continue;
    if (state === 'failed') {
      let errorCode: number | null = null;
      let detail: string | null = null;
      try {
        const e = (JSON.parse(r.raw) as { errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[] }).errors?.[0];
        errorCode = e?.code ?? null;
        detail = e?.error_data?.details ?? e?.message ?? e?.title ?? null;
      } catch {
        /* keep the state without a reason */
      }
      out.set(r.message_id, { state, errorCode, detail });
    } else {
      out.set(r.message_id, { state, errorCode: null, detail: null });
    }
  }
  return out;
}

/** A Graph error code and detail in the agent's words. */
export function failureReason(t: Translate, code: number | null, detail: string | null): string {
  if (code !== null) {
    try {
      return t(`delivery.failed.${code}`);
    } catch {
      /* no specific wording: the general one */
    }
  }
  return t('delivery.failed.other', { code: code ?? '?', detail: detail ?? '—' });
}

function inboundPreview(t: Translate, type: string, payload: string): string {
  try {
    const m = (JSON.parse(payload) as { message?: Record<string, unknown> }).message ?? {};
    const body = m[type] as { body?: string; caption?: string; emoji?: string; text?: string } | undefined;
    const text = type === 'text' ? body?.body : type === 'reaction' ? body?.emoji : type === 'button' ? body?.text : body?.caption;
    if (text) return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  } catch {
    /* fall through to the kind of message */
  }
  try {
    return `[${t(`type.${type}`)}]`;
  } catch {
    return `[${type}]`;
  }
}

export async function loadConversation(db: Store, ticketId: number, opts: { now: number; closingSoonMinutes: number; limit: number; t: Translate }): Promise<Conversation | null> {
  const customer = await customerOfTicket(db, ticketId);
  if (!customer) return null;
  const { t } = opts;

  const inbound = await db.selectFrom('inbound_messages').select(['message_id', 'type', 'payload', 'ts']).where('customer_id', '=', customer.id).orderBy('ts', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  const sends = await db.selectFrom('template_sends').selectAll().where('ticket_id', '=', ticketId).orderBy('created_at', 'desc').limit(opts.limit).execute();
  const replies = await outboundReplies(db, ticketId, opts.limit);
  const statuses = await statusesOf(db, [...sends.map((s) => s.wamid), ...replies.map((r) => r.wamid)].filter((w): w is string => !!w));

  const messages: (ConversationMessage & { sortKey: number })[] = [
    ...inbound.map((m) => ({ id: m.message_id, direction: 'inbound' as const, type: m.type, text: inboundPreview(t, m.type, m.payload), at: new Date(Number(m.ts) * 1000).toISOString(), state: 'received', failureReason: null, sortKey: Number(m.ts) * 1000 })),
    ...sends.map((s) => {
      const status = s.wamid ? statuses.get(s.wamid) : undefined;
      const state = s.state === 'failed' ? 'failed' : s.state === 'sending' || s.state === 'in_doubt' ? 'pending' : (status?.state ?? 'accepted');
      // A failed send that had been in doubt was never confirmed (not refused): say so.
      const sendFailure = () => (s.in_doubt_at !== null ? t('delivery.not_confirmed') : failureReason(t, s.error_code, s.error));
      const reason = s.state === 'failed' ? sendFailure() : status?.state === 'failed' ? failureReason(t, status.errorCode, status.detail) : null;
      return { id: s.wamid ?? s.id, direction: 'outbound' as const, type: 'template', text: s.rendered.length > 200 ? `${s.rendered.slice(0, 199)}…` : s.rendered, at: new Date(Number(s.created_at)).toISOString(), state, failureReason: reason, template: { name: s.name, language: s.language }, ...(s.state === 'in_doubt' ? { isUncertain: true as const } : {}), sortKey: Number(s.created_at) };
    }),
    ...replies.map((r) => {
      const status = r.wamid ? statuses.get(r.wamid) : undefined;
      const state = status?.state === 'failed' || r.state === 'failed' ? 'failed' : (status?.state ?? r.state);
      const reason = state === 'failed' ? failureReason(t, status?.errorCode ?? r.errorCode, status?.detail ?? r.error) : null;
      return { id: r.wamid ?? `reply-${r.id}`, direction: 'outbound' as const, type: r.kind, text: r.text, at: new Date(r.createdAt).toISOString(), state, failureReason: reason, sortKey: r.createdAt };
    }),
  ];
  messages.sort((a, b) => b.sortKey - a.sortKey);
  const shown = messages.slice(0, opts.limit);
  const reactions = await reactionsOf(db, customer.id, shown.filter((m) => m.direction === 'outbound'));
  for (const m of shown) if (m.direction === 'outbound') m.reaction = reactions.get(m.id) ?? null;

  const phone = customer.wa_id ? `+${customer.wa_id}` : null;
  return {
    ticketId,
    contact: { name: customer.profile_name, phone, businessScopedUserId: customer.bsuid, display: phone ?? customer.bsuid ?? '?', language: await languageOf(db, customer.id) },
    window: windowOf(customer.last_inbound_ts !== null ? Number(customer.last_inbound_ts) : null, opts.now, opts.closingSoonMinutes),
    messages: shown.map(({ sortKey: _sortKey, ...m }) => m),
  };
}

/**
 * The language of the latest template sent to the customer, on any of their tickets (index
 * `template_sends_customer`). A send Meta refused does not count: nothing reached the customer.
 */
async function languageOf(db: Store, customerId: number): Promise<string | null> {
  const row = await db
    .selectFrom('template_sends')
    .select(['language'])
    .where('customer_id', '=', customerId)
    .where('state', '!=', 'failed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.language ?? null;
}

/** Reactions read at most per conversation (newest first): far more than its shown messages get. */
const REACTIONS_READ = 2000;

/**
 * The customer's latest reaction to each of the outbound messages shown: wamid → emoji (null when
 * they removed it). Read newest first, so the latest reaction of a message is the first one met,
 * however long the customer's history (reading oldest first kept a long-time customer's first
 * reactions and dropped the recent ones); reading stops once every shown message has one.
 */
async function reactionsOf(db: Store, customerId: number, outbound: { id: string }[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const wanted = new Set(outbound.map((m) => m.id));
  const page = 500;
  for (let offset = 0; out.size < wanted.size && offset < REACTIONS_READ; offset += page) {
    const rows = await db
      .selectFrom('inbound_messages')
      .select(['payload'])
      .where('customer_id', '=', customerId)
      .where('type', '=', 'reaction')
      .orderBy('ts', 'desc')
      .orderBy('id', 'desc')
      .limit(page)
      .offset(offset)
      .execute();
    for (const r of rows) {
      try {
        const reaction = (JSON.parse(r.payload) as { message?: { reaction?: { message_id?: string; emoji?: string } } }).message?.reaction;
        const target = reaction?.message_id;
        if (target && wanted.has(target) && !out.has(target)) out.set(target, reaction.emoji?.trim() ? (reaction.emoji as string) : null);
      } catch {
        /* a payload intake stored from a validated message: cannot happen */
      }
    }
    if (rows.length < page) break;
  }
  return out;
}

interface OutboundReply {
  id: number;
  wamid: string | null;
  kind: string;
  text: string;
  state: string;
  errorCode: number | null;
  error: string | null;
  createdAt: number;
}

/**
 * Agent replies recorded by the outbound side (`outbound_messages`, migration 002). Read
 * defensively: that side owns the table and its states.
 */
async function outboundReplies(db: Store, ticketId: number, limit: number): Promise<OutboundReply[]> {
  try {
    const rows = await db.selectFrom('outbound_messages').select(['id', 'wamid', 'kind', 'body', 'state', 'error_code', 'error', 'created_at']).where('ticket_id', '=', ticketId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => {
      let text = `[${r.kind}]`;
      try {
        const body = JSON.parse(r.body) as { text?: string; fileName?: string };
        text = body.text ?? (body.fileName ? `[${r.kind}: ${body.fileName}]` : text);
      } catch {
        /* keep the kind */
      }
      const state = r.state === 'queued' || r.state === 'sending' ? 'pending' : r.state === 'blocked' || r.state === 'skipped' ? 'not_sent' : r.state;
      return { id: Number(r.id), wamid: r.wamid, kind: r.kind, text: text.length > 200 ? `${text.slice(0, 199)}…` : text, state, errorCode: r.error_code, error: r.error, createdAt: Number(r.created_at) };
    });
  } catch {
    return []; // the outbound table is not there (an older store): templates and inbound only
  }
}
