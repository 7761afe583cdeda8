/**
 * Writing a customer's waiting messages to Zendesk: the story of one delivery.
 *
 *   1. read the customer's waiting messages, oldest first (several are coalesced in one comment);
 *   2. make sure the customer has a Zendesk user; fetch and upload media;
 *   3. choose the ticket (threading) and render the comment;
 *   4. record the delivery (its id and the exact request) and mark the messages as sending;
 *   5. write to Zendesk: a create carries the delivery id as Idempotency-Key, an update carries it
 *      as audit metadata;
 *   6. record the outcome in one transaction.
 *
 * If the process dies between 5 and 6, `reconcileInterrupted` replays the create (Zendesk answers
 * the first ticket again) or looks for the delivery id in the ticket's audits: each message is
 * written exactly once. See docs/architecture.md.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../store';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Metrics } from '../lib/metrics';
import type { GraphClient } from '../whatsapp/graph-client';
import { retryDelayMs } from '../lib/retry-policy';
import { ZendeskError } from '../zendesk/errors';
import type { CreateTicketBody, UpdateTicketBody, ZendeskClient } from '../zendesk/client';
import type { ZendeskTicket } from '../zendesk/types';
import { type BridgeLocale } from '../i18n';
import { renderComment, subjectFor, type MediaOutcome, type RenderableMessage } from './render-comment';
import { COMMENT_CAP_STATUS, chooseTarget, type Target } from './threading';
import { externalIdOf } from './identity';
import { fetchMedia } from './media';
import { checkNumberFieldKept, numberFieldId, numberFieldValue } from './whatsapp-number-field';
import type { StoredPayload } from './intake';

export interface InboundSettings {
  reopenPeriodMs: number;
  locale: BridgeLocale;
  timeZone: string;
  /** The most messages coalesced into one comment. */
  maxMessagesPerComment: number;
  /** Attempts before a message is given up as failed (visible, never silently dropped). */
  maxAttempts: number;
}

export interface InboundDeps {
  db: Store;
  zendesk: ZendeskClient;
  graph: GraphClient;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  settings: InboundSettings;
}

export const BRIDGE_TAG = 'whatsapp';

export interface Prepared {
  deliveryId: string;
  customerId: number;
  target: Target;
  rowIds: number[];
  newestTs: number;
  receivedAt: number[];
  request: CreateTicketBody | UpdateTicketBody;
}

type CustomerRow = Awaited<ReturnType<typeof loadCustomer>>;

async function loadCustomer(db: Store, id: number) {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Steps 1–4. Null when nothing is waiting. */
export async function prepareDelivery(deps: InboundDeps, customerId: number, opts: { onlyUpdates?: boolean } = {}): Promise<Prepared | null> {
  const { db, settings } = deps;
  let customer = await loadCustomer(db, customerId);
  const rows = await db
    .selectFrom('inbound_messages')
    .select(['id', 'message_id', 'ts', 'type', 'payload', 'received_at'])
    .where('customer_id', '=', customerId)
    .where('state', '=', 'pending')
    .orderBy('ts')
    .orderBy('id')
    .limit(settings.maxMessagesPerComment)
    .execute();
  if (rows.length === 0) return null;

  const now = deps.clock.now();
  // What the bridge knows of the ticket may be stale (an agent may have solved it since): when
  // that could change the decision, read the ticket first.
  if (customer.ticket_id !== null && (customer.ticket_updated_at === null || now - Date.parse(customer.ticket_updated_at) > settings.reopenPeriodMs)) {
    customer = await refreshTicket(deps, customer);
  }
  const target = chooseTarget({ ticketId: customer.ticket_id === null ? null : Number(customer.ticket_id), status: customer.ticket_status, updatedAt: customer.ticket_updated_at }, now, settings.reopenPeriodMs);
  if (opts.onlyUpdates && target.kind !== 'update') return null;

  const userId = await ensureUser(deps, customer);
  const payloads = rows.map((r) => JSON.parse(r.payload) as StoredPayload);

  // A number change adds the new number to the user's identities (the user stays the same).
  for (const p of payloads) {
    const m = p.message as { type: string; system?: { type?: string; wa_id?: string } };
    if (m.type === 'system' && m.system?.type === 'user_changed_number' && m.system.wa_id) {
      await deps.zendesk.addPhoneIdentity(userId, `+${m.system.wa_id.replace(/\D/g, '')}`);
    }
  }

  const mediaOutcomes = new Map<string, MediaOutcome>();
  const uploads: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const result = await fetchMedia(deps, rows[i].message_id, payloads[i].message, customer.attempts >= 3);
    if (!result) continue;
    mediaOutcomes.set(rows[i].message_id, result.outcome);
    if (result.token) uploads.push(result.token);
  }

  const lastWritten = customer.last_written_ts === null ? null : Number(customer.last_written_ts);
  const renderable: RenderableMessage[] = rows.map((r, i) => ({
    messageId: r.message_id,
    timestamp: Number(r.ts),
    type: r.type,
    message: payloads[i].message,
    late: lastWritten !== null && Number(r.ts) < lastWritten,
  }));
  const quoted = await quotedTexts(db, renderable);
  const { htmlBody } = renderComment(renderable, mediaOutcomes, { locale: settings.locale, timeZone: settings.timeZone, quoted });

  // The "WhatsApp number" field `setup` created (whatsapp-number-field.ts), set on new tickets only.
  const fieldId = target.kind === 'update' ? null : await numberFieldId(db);
  const fieldValue = numberFieldValue(customer);

  const deliveryId = randomUUID();
  const comment = { html_body: htmlBody, public: true, author_id: userId, ...(uploads.length ? { uploads } : {}) };
  const metadata = { whatsapp_bridge: { delivery: deliveryId } };
  const request: CreateTicketBody | UpdateTicketBody =
    target.kind === 'update'
      ? { comment, metadata }
      : {
          subject: subjectFor(renderable[0], settings.locale),
          requester_id: userId,
          comment,
          tags: [BRIDGE_TAG, `whatsapp_number_${customer.phone_number_id}`],
          metadata,
          ...(target.followupOf !== null ? { via_followup_source_id: target.followupOf } : {}),
          ...(fieldId !== null && fieldValue !== null ? { custom_fields: [{ id: fieldId, value: fieldValue }] } : {}),
        };

  const rowIds = rows.map((r) => Number(r.id));
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('deliveries')
      .values({ id: deliveryId, customer_id: customerId, kind: target.kind, ticket_id: target.kind === 'update' ? target.ticketId : null, request: JSON.stringify(request), state: 'sending', comment_id: null, created_at: now, finished_at: null })
      .execute();
    await trx.updateTable('inbound_messages').set({ state: 'sending', delivery_id: deliveryId }).where('id', 'in', rowIds).execute();
    const lateIds = rowIds.filter((_, i) => renderable[i].late);
    if (lateIds.length) await trx.updateTable('inbound_messages').set({ late: 1 }).where('id', 'in', lateIds).execute();
  });
  return {
    deliveryId,
    customerId,
    target,
    rowIds,
    newestTs: Math.max(...rows.map((r) => Number(r.ts))),
    receivedAt: rows.map((r) => Number(r.received_at)),
    request,
  };
}

/** A create, then whether Zendesk kept the "WhatsApp number" field (it may have been deleted). */
async function createAndCheck(deps: InboundDeps, request: CreateTicketBody, deliveryId: string): Promise<{ ticket: ZendeskTicket; commentId: number | null }> {
  const res = await deps.zendesk.createTicket(request, deliveryId);
  try {
    await checkNumberFieldKept(deps, request.custom_fields, res.ticket as ZendeskTicket & { custom_fields?: { id: number; value: unknown }[] });
  } catch (err) {
    // The ticket exists: a failed check must never make the delivery look unwritten (it would be written twice).
    deps.logger.error({ err, ticketId: res.ticket.id }, 'could not check the "WhatsApp number" ticket field after creating a ticket');
  }
  return res;
}

/** Step 5 for one customer: a single create or update. */
export async function sendPrepared(deps: InboundDeps, p: Prepared): Promise<{ ticket: ZendeskTicket; commentId: number | null }> {
  if (p.target.kind === 'create') return createAndCheck(deps, p.request as CreateTicketBody, p.deliveryId);
  return deps.zendesk.updateTicket(p.target.ticketId, p.request as UpdateTicketBody);
}

/** Step 6, success: the messages are on the ticket. */
export async function completeDelivery(deps: InboundDeps, p: Prepared, ticket: { id: number; status: string; updated_at: string | null }, commentId: number | null): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('deliveries').set({ state: 'done', ticket_id: ticket.id, comment_id: commentId, finished_at: now }).where('id', '=', p.deliveryId).execute();
    await trx.updateTable('inbound_messages').set({ state: 'delivered', delivered_at: now, error: null }).where('delivery_id', '=', p.deliveryId).execute();
    const customer = await trx.selectFrom('customers').select(['last_written_ts']).where('id', '=', p.customerId).executeTakeFirstOrThrow();
    await trx
      .updateTable('customers')
      .set({
        ticket_id: ticket.id,
        ticket_status: ticket.status,
        ticket_updated_at: ticket.updated_at ?? new Date(now).toISOString(),
        last_written_ts: Math.max(p.newestTs, Number(customer.last_written_ts ?? 0)),
        attempts: 0,
        retry_at: null,
        updated_at: now,
      })
      .where('id', '=', p.customerId)
      .execute();
  });
  deps.metrics.inboundMessages.inc({ outcome: 'delivered' }, p.rowIds.length);
  for (const at of p.receivedAt) deps.metrics.deliveryLatency.observe(Math.max(0, now - at) / 1000);
}

/** The write did not happen: the messages wait again (until `retryAt`). */
export async function releaseDelivery(deps: InboundDeps, p: Prepared, retryAt: number | null, patch: Partial<{ ticket_status: string | null; ticket_updated_at: string | null; ticket_id: number | null }> = {}, countAttempt = true): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('deliveries').set({ state: 'abandoned', finished_at: now }).where('id', '=', p.deliveryId).execute();
    await trx.updateTable('inbound_messages').set({ state: 'pending', delivery_id: null }).where('delivery_id', '=', p.deliveryId).execute();
    const c = await trx.selectFrom('customers').select(['attempts']).where('id', '=', p.customerId).executeTakeFirstOrThrow();
    await trx
      .updateTable('customers')
      .set({ ...patch, retry_at: retryAt, attempts: countAttempt ? c.attempts + 1 : c.attempts, updated_at: now })
      .where('id', '=', p.customerId)
      .execute();
  });
}

/** Permanent failure: the messages are marked failed with the reason (listed by `bridge failures`). */
export async function failDelivery(deps: InboundDeps, p: Prepared, reason: string): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('deliveries').set({ state: 'abandoned', finished_at: now }).where('id', '=', p.deliveryId).execute();
    await trx.updateTable('inbound_messages').set({ state: 'failed', error: reason }).where('delivery_id', '=', p.deliveryId).execute();
    await trx.updateTable('customers').set({ attempts: 0, retry_at: null, updated_at: now }).where('id', '=', p.customerId).execute();
  });
  deps.metrics.inboundMessages.inc({ outcome: 'failed' }, p.rowIds.length);
  deps.logger.error({ customerId: p.customerId, deliveryId: p.deliveryId, messages: p.rowIds.length, reason }, 'inbound messages failed permanently: see `npm run bridge -- failures`');
}

/** A failure before any write was recorded (the user, the media): the messages it held back are marked failed. */
async function failWaiting(deps: InboundDeps, customerId: number, reason: string): Promise<void> {
  const now = deps.clock.now();
  const rows = await deps.db
    .selectFrom('inbound_messages')
    .select('id')
    .where('customer_id', '=', customerId)
    .where('state', '=', 'pending')
    .orderBy('ts')
    .orderBy('id')
    .limit(deps.settings.maxMessagesPerComment)
    .execute();
  const ids = rows.map((r) => Number(r.id));
  await deps.db.transaction().execute(async (trx) => {
    if (ids.length) await trx.updateTable('inbound_messages').set({ state: 'failed', error: reason }).where('id', 'in', ids).execute();
    await trx.updateTable('customers').set({ attempts: 0, retry_at: null, updated_at: now }).where('id', '=', customerId).execute();
  });
  deps.metrics.inboundMessages.inc({ outcome: 'failed' }, ids.length);
  deps.logger.error({ customerId, messages: ids.length, reason }, 'inbound messages failed permanently: see `npm run bridge -- failures`');
}

/**
 * After an answer that leaves the outcome unknown (connection cut, 5xx on an update, or a crash):
 * was the write applied? A create is replayed with its Idempotency-Key; an update is looked up
 * in the ticket's audits by the delivery id.
 */
export async function reconcile(deps: InboundDeps, p: { deliveryId: string; kind: 'create' | 'update'; ticketId: number | null; request: string }): Promise<{ ticket: { id: number; status: string; updated_at: string | null }; commentId: number | null } | null> {
  if (p.kind === 'create') {
    return createAndCheck(deps, JSON.parse(p.request) as CreateTicketBody, p.deliveryId);
  }
  if (p.ticketId === null) return null;
  const audits = await deps.zendesk.recentAudits(p.ticketId);
  const audit = audits.find((a) => (a.metadata?.custom as { whatsapp_bridge?: { delivery?: string } } | undefined)?.whatsapp_bridge?.delivery === p.deliveryId);
  if (!audit) return null;
  const commentId = audit.events.find((e) => e.type === 'Comment')?.id ?? null;
  return { ticket: { id: p.ticketId, status: 'open', updated_at: audit.created_at }, commentId };
}

/** in-doubt: a write may or may not have landed; the customer waits for reconciliation. */
export type DeliverOutcome = 'delivered' | 'idle' | 'retry' | 'failed' | 'in-doubt';

/** The whole story for one customer, with the error handling of each case. */
export async function deliverCustomer(deps: InboundDeps, customerId: number): Promise<DeliverOutcome> {
  for (let round = 0; round < 3; round++) {
    let p: Prepared | null;
    try {
      p = await prepareDelivery(deps, customerId);
    } catch (error) {
      return handlePrepareError(deps, customerId, error);
    }
    if (!p) return 'idle';
    try {
      const { ticket, commentId } = await sendPrepared(deps, p);
      await completeDelivery(deps, p, ticket, commentId);
      return 'delivered';
    } catch (error) {
      const next = await handleSendError(deps, p, error);
      if (next !== 'again') return next;
    }
  }
  return 'retry';
}

async function handleSendError(deps: InboundDeps, p: Prepared, error: unknown): Promise<DeliverOutcome | 'again'> {
  const now = deps.clock.now();
  const ticketId = p.target.kind === 'update' ? p.target.ticketId : null;
  if (!(error instanceof ZendeskError)) {
    deps.logger.error({ err: error, deliveryId: p.deliveryId }, 'unexpected error while writing to Zendesk');
    await releaseDelivery(deps, p, now + 5_000);
    return 'retry';
  }
  switch (error.kind) {
    case 'closed':
      // Closed tickets cannot take comments: the next round opens a follow-up.
      await releaseDelivery(deps, p, null, { ticket_status: 'closed' }, false);
      return 'again';
    case 'comment-cap':
      await releaseDelivery(deps, p, null, { ticket_status: COMMENT_CAP_STATUS }, false);
      return 'again';
    case 'not-found':
      if (ticketId !== null) {
        // The ticket was deleted: start a new one.
        await releaseDelivery(deps, p, null, { ticket_id: null, ticket_status: null, ticket_updated_at: null }, false);
        return 'again';
      }
      break;
    case 'conflict':
      await releaseDelivery(deps, p, null, { ticket_updated_at: null }, false);
      return 'again';
    case 'uncertain': {
      try {
        const found = await reconcile(deps, { deliveryId: p.deliveryId, kind: p.target.kind, ticketId, request: JSON.stringify(p.request) });
        if (found) {
          await completeDelivery(deps, p, found.ticket, found.commentId);
          return 'delivered';
        }
      } catch (reconcileError) {
        // Leave the delivery as `sending`: the periodic reconciliation looks again later.
        deps.logger.warn({ err: (reconcileError as Error).message, deliveryId: p.deliveryId }, 'could not yet tell whether a Zendesk write landed');
        return 'in-doubt';
      }
      return retryOrFail(deps, p, error);
    }
    default:
      break;
  }
  if (error.retryable || error.kind === 'auth') return retryOrFail(deps, p, error);
  await failDelivery(deps, p, error.message);
  return 'failed';
}

async function retryOrFail(deps: InboundDeps, p: Prepared, error: ZendeskError): Promise<DeliverOutcome> {
  const customer = await loadCustomer(deps.db, p.customerId);
  // Auth problems are the operator's to fix: keep the messages waiting, never fail them.
  if (error.kind !== 'auth' && customer.attempts + 1 >= deps.settings.maxAttempts) {
    await failDelivery(deps, p, `${error.message} (gave up after ${customer.attempts + 1} attempts)`);
    return 'failed';
  }
  const delay = retryDelayMs({ attempt: customer.attempts + 1, maxAttempts: deps.settings.maxAttempts, status: error.httpStatus, retryAfterMs: error.retryAfterMs }, { baseMs: 1000, capMs: error.kind === 'auth' ? 10 * 60_000 : 5 * 60_000 });
  deps.logger.warn({ customerId: p.customerId, kind: error.kind, status: error.httpStatus, retryInMs: delay }, error.message);
  await releaseDelivery(deps, p, deps.clock.now() + delay);
  return 'retry';
}

async function handlePrepareError(deps: InboundDeps, customerId: number, error: unknown): Promise<DeliverOutcome> {
  const now = deps.clock.now();
  const customer = await loadCustomer(deps.db, customerId);
  const z = error instanceof ZendeskError ? error : null;
  // As for the write itself: bad credentials wait for the operator; a refusal for good (say, a
  // 422 on the customer's user), or a failure past the last attempt, fails the messages with the
  // reason rather than retrying them forever.
  if (z?.kind !== 'auth') {
    if (z && !z.retryable) {
      await failWaiting(deps, customerId, z.message);
      return 'failed';
    }
    if (customer.attempts + 1 >= deps.settings.maxAttempts) {
      await failWaiting(deps, customerId, `${(error as Error).message} (gave up after ${customer.attempts + 1} attempts)`);
      return 'failed';
    }
  }
  const delay = retryDelayMs({ attempt: customer.attempts + 1, maxAttempts: deps.settings.maxAttempts, status: z?.httpStatus ?? null, retryAfterMs: z?.retryAfterMs }, { baseMs: 1000, capMs: 5 * 60_000 });
  deps.logger.warn({ customerId, err: (error as Error).message, retryInMs: delay }, 'could not prepare the Zendesk write; will retry');
  await deps.db.updateTable('customers').set({ attempts: customer.attempts + 1, retry_at: now + delay, updated_at: now }).where('id', '=', customerId).execute();
  return 'retry';
}

async function ensureUser(deps: InboundDeps, customer: CustomerRow): Promise<number> {
  if (customer.zendesk_user_id !== null) return Number(customer.zendesk_user_id);
  const phone = customer.wa_id ? `+${customer.wa_id.replace(/\D/g, '')}` : null;
  const user = await deps.zendesk.createOrUpdateUser({
    // The WhatsApp profile name as the customer wrote it (any script), else the number.
    name: customer.profile_name?.trim() || phone || customer.bsuid || 'WhatsApp',
    external_id: externalIdOf({ id: Number(customer.id), bsuid: customer.bsuid, wa_id: customer.wa_id }),
    ...(phone ? { phone } : {}),
  });
  await deps.db.updateTable('customers').set({ zendesk_user_id: user.id, updated_at: deps.clock.now() }).where('id', '=', customer.id).execute();
  return user.id;
}

async function refreshTicket(deps: InboundDeps, customer: CustomerRow): Promise<CustomerRow> {
  let patch: { ticket_id: number | null; ticket_status: string | null; ticket_updated_at: string | null };
  try {
    const t = await deps.zendesk.getTicket(Number(customer.ticket_id));
    patch = { ticket_id: t.id, ticket_status: t.status, ticket_updated_at: t.updated_at };
  } catch (error) {
    if (error instanceof ZendeskError && error.kind === 'not-found') patch = { ticket_id: null, ticket_status: null, ticket_updated_at: null };
    else throw error;
  }
  await deps.db.updateTable('customers').set(patch).where('id', '=', customer.id).execute();
  return { ...customer, ...patch };
}

/** Short texts of earlier messages that replies, reactions and deletions point at, when the bridge has them. */
async function quotedTexts(db: Store, messages: RenderableMessage[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const m of messages) {
    const msg = m.message as { context?: { id?: string }; reaction?: { message_id?: string }; revoke?: { original_message_id?: string } };
    if (msg.context?.id) ids.add(msg.context.id);
    if (msg.reaction?.message_id) ids.add(msg.reaction.message_id);
    if (msg.revoke?.original_message_id) ids.add(msg.revoke.original_message_id);
  }
  const quoted = new Map<string, string>();
  if (ids.size === 0) return quoted;
  const rows = await db.selectFrom('inbound_messages').select(['message_id', 'payload']).where('message_id', 'in', [...ids]).execute();
  for (const r of rows) {
    const msg = (JSON.parse(r.payload) as StoredPayload).message as { text?: { body?: string }; type: string };
    quoted.set(r.message_id, msg.text?.body ? msg.text.body.slice(0, 80) : `[${msg.type}]`);
  }
  // A reply or reaction to an agent's message: quote what the bridge sent.
  const missing = [...ids].filter((id) => !quoted.has(id));
  if (missing.length) {
    const sent = await db.selectFrom('outbound_messages').select(['wamid', 'kind', 'body']).where('wamid', 'in', missing).execute();
    for (const r of sent) {
      const body = JSON.parse(r.body) as { text?: string; fileName?: string };
      if (r.wamid) quoted.set(r.wamid, body.text ? body.text.slice(0, 80) : `[${r.kind}${body.fileName ? `: ${body.fileName}` : ''}]`);
    }
  }
  return quoted;
}
