/**
 * Sending a template from the sidebar, as a story:
 *
 *   1. a repeated idempotency key answers what the first send answered (`answerOf`): the same
 *      success body, the same error for a refusal, the same "outcome unknown" while in doubt;
 *      a different request with that key is a conflict. Only a refusal that proves nothing was
 *      sent and that may pass next time (`retryableWithSameKey`) is tried again with the key;
 *   2. the template is chosen and the values checked: errors name the field, nothing is sent;
 *   3. the send is recorded (`sending`), then posted to the Graph API with
 *      `biz_opaque_callback_data` = `tpl:<send id>`, then recorded `sent` with the wamid, or
 *      `failed` with Meta's code;
 *   4. no answer (a timeout, a connection cut after the request left, a 5xx without Meta's code,
 *      a 200 without a message id): the template may have reached the customer, so the send is
 *      `in_doubt` and the sidebar is told so (202 `outcome_unknown`). A status webhook carrying
 *      its callback data settles it (`settleTemplateSends`): the wamid comes from the status, the
 *      delivery state follows the statuses and the comment below is owed. None within the grace
 *      period: it is recorded failed as "never confirmed". A template is never sent again by the
 *      bridge on its own, and a repeat with the same key never sends one while in doubt;
 *   5. the rendered text is added to the ticket as a PUBLIC comment, marked with audit metadata
 *      `{whatsapp_bridge: {template_send: <id>}}` so the outbound side never sends it again.
 *      The comment is owed from the moment Meta accepts the send: it is tried once at once, and
 *      if Zendesk fails (5xx, 429, no answer, the process stopping) it is retried from the
 *      store by the outbound worker (`writeDueTemplateComments`) until it lands. Each attempt
 *      is recorded before it starts, holds the row with a lease measured in real time, and a
 *      process never starts a second attempt while its own is under way; a later attempt looks
 *      for an earlier one in the ticket's audits right before it writes: the comment lands
 *      exactly once, and a retry never touches WhatsApp again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '../store';
import type { TemplateSendTable } from '../store/schema';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Translate } from '../i18n';
import { AppError } from '../lib/errors';
import type { ZendeskClient } from '../zendesk/client';
import { GraphError } from '../whatsapp/graph-client';
import { graphErrorAction } from '../whatsapp/error-codes';
import { ZendeskError } from '../zendesk/errors';
import { backoffMs } from '../lib/retry-policy';
import type { Metrics } from '../lib/metrics';
import type { TemplatesApi } from '../whatsapp/templates-api';
import { buildTemplatePayload, chooseTemplate, renderTemplate, renderedAsText, validateTemplateValues, type TemplateFieldError, type TemplateValues } from './template-render';
import { customerOfTicket, failureReason } from './conversation';
import { outcomeUnknown } from './outbound-send';
import { toDefinition } from './templates';

/** Audit metadata on the bridge's template comments; the outbound side skips comments carrying it. */
export const TEMPLATE_SEND_METADATA_KEY = 'template_send';

/** The `biz_opaque_callback_data` of a template send: echoed by every status of the message. */
export const templateCallbackKey = (sendId: string) => `tpl:${sendId}`;

/**
 * How long a send whose outcome is unknown waits for a status before it is recorded as never
 * confirmed (Meta reports `sent` within seconds; this leaves room for a slow webhook queue).
 */
export const TEMPLATE_IN_DOUBT_GRACE_MS = 5 * 60_000;

export interface SendTemplateDeps {
  db: Store;
  api: TemplatesApi;
  zendesk: ZendeskClient;
  phoneNumberId: string;
  clock: Clock;
  logger: Logger;
  /** Language of the comment's prefix line (the bridge's locale). */
  commentT: Translate;
  metrics?: Metrics;
  /** Grace period for a send in doubt (default TEMPLATE_IN_DOUBT_GRACE_MS). */
  inDoubtGraceMs?: number;
}

export interface SendTemplateRequest {
  ticketId: number;
  name: string;
  language: string;
  values: TemplateValues;
  idempotencyKey?: string;
  /** The agent who sends it (ZAF currentUser.id): the comment's author. */
  agentId?: number;
}

export interface SendTemplateResult {
  id: string;
  messageId: string | null;
  /** accepted: Meta took it. outcome_unknown: no answer; it may have reached the customer. */
  status: 'accepted' | 'outcome_unknown';
  ticketComment: 'added' | 'failed' | 'pending';
  rendered: string;
  replayed: boolean;
  /** Only with `outcome_unknown`: the agent must watch its delivery state before sending again. */
  isUncertain?: true;
  code?: 'outcome_unknown';
  /** Only with `outcome_unknown`: what happened and what to do, in the request's language. */
  message?: string;
}

export class TemplateValidationError extends AppError {
  constructor(readonly fields: TemplateFieldError[]) {
    super('template_invalid', fields.map((f) => f.message).join(' '), { status: 422 });
  }
}

type SendRow = Pick<TemplateSendTable, 'id' | 'name' | 'request_hash' | 'state' | 'wamid' | 'error_code' | 'error' | 'comment_state' | 'rendered' | 'in_doubt_at'>;

function requestHash(r: SendTemplateRequest): string {
  const values = Object.fromEntries(Object.entries(r.values).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify([r.name, r.language, values])).digest('hex');
}

/** Meta refused the send (nothing was sent): the code, status and message the agent gets. */
function refusal(t: Translate, code: number | null, detail: string | null, cause?: unknown): AppError {
  return new AppError(code !== null ? `graph_${code}` : 'graph_unreachable', failureReason(t, code, detail), { status: code !== null && code >= 100 && code !== 190 ? 422 : 502, cause });
}

/**
 * May a repeat with the same idempotency key send a refused template again? Only when Meta's
 * answer (or the lack of a connection) proves nothing was sent AND the same request can pass
 * later: no connection to Meta at all, Meta busy or throttling (130429, 131056, 1, 2, …), or the
 * bridge's own credentials and account (190, 131031, …: once the admin fixed them). A refusal of
 * the content (a paused template, a closed window, wrong parameters) answers the same again. A
 * send whose outcome was unknown is never sent again with its key: it may have been delivered.
 */
export function retryableWithSameKey(row: Pick<TemplateSendTable, 'state' | 'error_code' | 'in_doubt_at'>): boolean {
  if (row.state !== 'failed' || row.in_doubt_at !== null) return false;
  return row.error_code === null || graphErrorAction(Number(row.error_code)) !== 'tell-agent';
}

/**
 * What a send answers, on its first call and on every repeat with its key: the success body
 * (sent), 202 "outcome unknown" (in doubt), or the error it failed with, in `t`'s language.
 */
function answerOf(row: SendRow, t: Translate, replayed: boolean, graceMs: number): SendTemplateResult {
  const ticketComment = row.comment_state === 'done' ? 'added' : row.comment_state === 'failed' ? 'failed' : 'pending';
  if (row.state === 'sent') return { id: row.id, messageId: row.wamid, status: 'accepted', ticketComment, rendered: row.rendered, replayed };
  if (row.state === 'in_doubt') {
    return { id: row.id, messageId: null, status: 'outcome_unknown', ticketComment: 'pending', rendered: row.rendered, replayed, isUncertain: true, code: 'outcome_unknown', message: t('template.send.outcome_unknown', { name: row.name }) };
  }
  if (row.state === 'sending') throw new AppError('send_in_progress', t('template.send.in_progress'), { status: 409 });
  if (row.in_doubt_at !== null) throw new AppError('not_confirmed', t('template.send.not_confirmed', { name: row.name, minutes: Math.round(graceMs / 60_000) }), { status: 502 });
  throw refusal(t, row.error_code === null ? null : Number(row.error_code), row.error);
}

export async function sendTemplateToTicket(deps: SendTemplateDeps, req: SendTemplateRequest, t: Translate): Promise<SendTemplateResult> {
  const graceMs = deps.inDoubtGraceMs ?? TEMPLATE_IN_DOUBT_GRACE_MS;
  const customer = await customerOfTicket(deps.db, req.ticketId);
  if (!customer) throw new AppError('not_whatsapp_ticket', t('api.error.not_whatsapp_ticket', { ticketId: req.ticketId }), { status: 404 });
  if (!customer.wa_id && !customer.bsuid) throw new AppError('no_recipient', t('template.send.no_recipient'), { status: 422 });
  const hash = requestHash(req);
  const earlierWithKey = () => deps.db.selectFrom('template_sends').selectAll().where('ticket_id', '=', req.ticketId).where('idempotency_key', '=', req.idempotencyKey ?? '').executeTakeFirst();
  const replay = (row: SendRow): SendTemplateResult => {
    if (row.request_hash !== hash) throw new AppError('idempotency_conflict', t('template.send.idempotency_conflict'), { status: 409 });
    return answerOf(row, t, true, graceMs);
  };

  // 1. a repeated key
  let retryOf: SendRow | undefined;
  if (req.idempotencyKey) {
    const earlier = await earlierWithKey();
    if (earlier && (earlier.request_hash !== hash || !retryableWithSameKey(earlier))) return replay(earlier);
    retryOf = earlier;
  }

  // 2. the template and the values
  const stored = await deps.db.selectFrom('templates').selectAll().where('name', '=', req.name).execute();
  const choice = chooseTemplate(stored.map(toDefinition), req.name, req.language, t);
  const template = choice.template;
  if (!template || choice.errors.length) throw new TemplateValidationError(choice.errors);
  const errors = validateTemplateValues(template, req.values, t);
  if (errors.length) throw new TemplateValidationError(errors);

  // 3. recorded as under way before anything leaves
  const payload = buildTemplatePayload(template, req.values);
  const rendered = renderedAsText(renderTemplate(template, req.values), deps.commentT);
  const now = deps.clock.now();
  const content = { template_id: template.id, name: template.name, language: template.language, payload: JSON.stringify(payload), rendered, agent_id: req.agentId ?? null };
  let id: string;
  if (retryOf) {
    // A refusal that proved nothing was sent, tried again with its key: one request wins the row.
    id = retryOf.id;
    const claimed = await deps.db
      .updateTable('template_sends')
      .set({ ...content, state: 'sending', error_code: null, error: null, comment_state: 'pending', comment_next_at: null, comment_attempts: 0, comment_lease_until: null, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', 'failed')
      .where('in_doubt_at', 'is', null)
      .executeTakeFirst();
    if (!Number(claimed.numUpdatedRows)) return replay((await earlierWithKey()) ?? retryOf);
    deps.logger.info({ ticketId: req.ticketId, send: id, template: template.name }, 'a refused template send is tried again with its idempotency key');
  } else {
    id = randomUUID();
    const inserted = await deps.db
      .insertInto('template_sends')
      .values({
        ...content,
        id,
        ticket_id: req.ticketId,
        customer_id: customer.id,
        idempotency_key: req.idempotencyKey ?? null,
        request_hash: hash,
        state: 'sending',
        wamid: null,
        error_code: null,
        error: null,
        comment_state: 'pending',
        comment_id: null,
        created_at: now,
        updated_at: now,
        // Not due until Meta accepts the send.
        comment_next_at: null,
        in_doubt_at: null,
        comment_lease_until: null,
      })
      .onConflict((oc) => oc.columns(['ticket_id', 'idempotency_key']).doNothing())
      .executeTakeFirst();
    if (!Number(inserted.numInsertedOrUpdatedRows)) {
      // Another request with the same key got there first: it answers for both.
      const earlier = (await earlierWithKey()) as SendRow;
      if (earlier.request_hash === hash && retryableWithSameKey(earlier)) throw new AppError('send_in_progress', t('template.send.in_progress'), { status: 409 });
      return replay(earlier);
    }
  }

  // 4. the send
  let wamid: string;
  try {
    const sent = await deps.api.sendTemplate(deps.phoneNumberId, customer.wa_id ? { waId: customer.wa_id } : { bsuid: customer.bsuid as string }, payload, { callbackData: templateCallbackKey(id) });
    wamid = sent.messageId;
  } catch (err) {
    const message = (err as Error).message;
    if (outcomeUnknown(err)) {
      // It may have reached the customer: in doubt until a status says so or the grace period ends.
      deps.metrics?.graphErrors.inc({ code: 'none' });
      deps.metrics?.outboundMessages.inc({ kind: 'template', outcome: 'in_doubt' });
      await deps.db.updateTable('template_sends').set({ state: 'in_doubt', in_doubt_at: deps.clock.now(), error: message, updated_at: deps.clock.now() }).where('id', '=', id).where('state', '=', 'sending').execute();
      deps.logger.warn({ err: message, ticketId: req.ticketId, send: id, template: template.name }, 'no answer from WhatsApp for a template: waiting for a status that carries its callback data; it will not be sent again');
      // A status may already be stored (it can overtake a lost answer): settled at once then.
      if (await settleTemplateSends({ ...deps, inDoubtGraceMs: graceMs }, id)) {
        const ticketComment = await attemptTicketComment(deps, id);
        const row = await deps.db.selectFrom('template_sends').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        return { ...answerOf(row, t, false, graceMs), ticketComment };
      }
      return answerOf(await deps.db.selectFrom('template_sends').selectAll().where('id', '=', id).executeTakeFirstOrThrow(), t, false, graceMs);
    }
    const code = err instanceof GraphError ? err.graphCode : null;
    deps.metrics?.graphErrors.inc({ code: code === null ? 'none' : String(code) });
    deps.metrics?.outboundMessages.inc({ kind: 'template', outcome: 'not_sent' });
    await deps.db.updateTable('template_sends').set({ state: 'failed', error_code: code, error: message, comment_state: 'failed', updated_at: deps.clock.now() }).where('id', '=', id).execute();
    deps.logger.warn({ err: message, ticketId: req.ticketId, template: template.name }, 'template send refused');
    throw refusal(t, code, message, err);
  }
  // Sent, and the comment is owed from now on (due at once: a crash before the attempt below
  // leaves it to the worker).
  await deps.db.updateTable('template_sends').set({ state: 'sent', wamid, error: null, comment_next_at: deps.clock.now(), updated_at: deps.clock.now() }).where('id', '=', id).execute();
  deps.metrics?.outboundMessages.inc({ kind: 'template', outcome: 'accepted' });

  const ticketComment = await attemptTicketComment(deps, id);
  return { id, messageId: wamid, status: 'accepted', ticketComment, rendered, replayed: false };
}

type SettleDeps = Pick<SendTemplateDeps, 'db' | 'clock' | 'logger' | 'metrics' | 'inDoubtGraceMs'>;

/**
 * Sends whose outcome is unknown (`in_doubt`, or `sending` for longer than the grace period: a
 * process stopped during the send), settled from the status webhooks:
 *
 *   - a stored status carrying the send's callback data proves Meta has it: the wamid is taken
 *     from the status (its delivery state then follows the statuses) and the comment is due;
 *   - none within the grace period: recorded `failed`, "never confirmed" (`in_doubt_at` stays
 *     set), with no comment. Nothing is sent again: the agent decides, having been told.
 *
 * Reads only sends whose comment is pending (index `template_sends_comment`) and looks each key
 * up by equality (index `status_events_callback_data`). `only`: settle that send alone. Returns
 * how many were found sent.
 */
export async function settleTemplateSends(deps: SettleDeps, only?: string): Promise<number> {
  const graceMs = deps.inDoubtGraceMs ?? TEMPLATE_IN_DOUBT_GRACE_MS;
  let q = deps.db.selectFrom('template_sends').select(['id', 'ticket_id', 'state', 'in_doubt_at', 'updated_at']).where('comment_state', '=', 'pending').where('state', 'in', ['in_doubt', 'sending']);
  if (only) q = q.where('id', '=', only);
  const rows = await q.execute();
  let settled = 0;
  for (const r of rows) {
    const now = deps.clock.now();
    // A send under way in its own request is left to it.
    if (r.state === 'sending' && now - Number(r.updated_at) <= graceMs) continue;
    const found = await deps.db.selectFrom('status_events').select('message_id').where('callback_data', '=', templateCallbackKey(r.id)).orderBy('id').executeTakeFirst();
    if (found) {
      const done = await deps.db
        .updateTable('template_sends')
        .set({ state: 'sent', wamid: found.message_id, error: null, comment_next_at: now, updated_at: now })
        .where('id', '=', r.id)
        .where('state', '=', r.state)
        .executeTakeFirst();
      if (!Number(done.numUpdatedRows)) continue;
      settled++;
      deps.metrics?.outboundMessages.inc({ kind: 'template', outcome: 'accepted' });
      deps.logger.info({ ticketId: Number(r.ticket_id), send: r.id, wamid: found.message_id }, 'a template whose send got no answer had reached WhatsApp: recorded from its status');
      continue;
    }
    const since = r.in_doubt_at !== null ? Number(r.in_doubt_at) : Number(r.updated_at);
    if (now - since <= graceMs) continue;
    const failed = await deps.db
      .updateTable('template_sends')
      .set({ state: 'failed', in_doubt_at: since, error: `WhatsApp never confirmed the send: no answer and no status within ${Math.round(graceMs / 60_000)} minutes, so it most likely did not reach the customer`, comment_state: 'failed', comment_next_at: null, updated_at: now })
      .where('id', '=', r.id)
      .where('state', '=', r.state)
      .executeTakeFirst();
    if (!Number(failed.numUpdatedRows)) continue;
    deps.metrics?.outboundMessages.inc({ kind: 'template', outcome: 'not_confirmed' });
    deps.logger.warn({ ticketId: Number(r.ticket_id), send: r.id }, 'a template whose send got no answer left no trace at WhatsApp within the grace period: recorded as never confirmed, not sent again');
  }
  return settled;
}

/**
 * How long an attempt under way holds its row against other processes, in real time: it covers
 * reading the audits and the write (each bounded by the client's timeout), which start only once
 * Zendesk's budget has room for the update. A stopped process's attempt is taken over after it.
 */
export const COMMENT_LEASE_MS = 3 * 60_000;
/** Attempts before the comment is given up on (noted in the logs and `failures`). */
const MAX_COMMENT_ATTEMPTS = 12;

type CommentDeps = Pick<SendTemplateDeps, 'db' | 'zendesk' | 'clock' | 'logger' | 'commentT' | 'metrics' | 'inDoubtGraceMs'>;

/**
 * The comment writes under way in this process, per store (one bridge, one store): the request
 * that sent the template and the worker's rounds share it, so neither starts a second attempt
 * while the first still waits for Zendesk, however long that takes.
 */
const writing = new WeakMap<Store, Set<string>>();
function writesOf(db: Store): Set<string> {
  let set = writing.get(db);
  if (!set) writing.set(db, (set = new Set()));
  return set;
}

/** The lease clock: real time, whatever the bridge's (possibly adjustable) clock says. */
const realNow = () => Date.now();

/**
 * One attempt at the public comment that shows the agent's colleagues what the customer
 * received. Marked with `metadata.whatsapp_bridge.template_send` (kept by Zendesk in the audit's
 * `metadata.custom`) and a visible first line, so the outbound side recognises it and never sends
 * it again. Returns the comment's state after the attempt.
 */
export async function attemptTicketComment(deps: CommentDeps, id: string): Promise<'added' | 'failed' | 'pending'> {
  const inFlight = writesOf(deps.db);
  if (inFlight.has(id)) return 'pending'; // this process is still writing it
  inFlight.add(id);
  try {
    return await attemptOnce(deps, id);
  } finally {
    inFlight.delete(id);
  }
}

async function attemptOnce(deps: CommentDeps, id: string): Promise<'added' | 'failed' | 'pending'> {
  const row = await deps.db.selectFrom('template_sends').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.state !== 'sent' || row.comment_state !== 'pending') return row?.comment_state === 'done' ? 'added' : row?.comment_state === 'failed' ? 'failed' : 'pending';
  // Another process's attempt still holds it.
  if (row.comment_lease_until !== null && Number(row.comment_lease_until) > realNow()) return 'pending';
  const ticketId = Number(row.ticket_id);
  const earlierAttempts = Number(row.comment_attempts);
  // Only when Zendesk has room for the update: the audits are then read right before the write,
  // not minutes before it while the request waits in the budget.
  const budget = { ticketUpdate: true, ticketIds: [ticketId] };
  const wait = deps.zendesk.budget.delayFor(budget);
  if (wait > 0) {
    await deps.db.updateTable('template_sends').set({ comment_next_at: deps.clock.now() + wait }).where('id', '=', id).where('comment_attempts', '=', earlierAttempts).where('comment_state', '=', 'pending').execute();
    return 'pending';
  }
  const attempts = earlierAttempts + 1;
  // Recorded before the request: if the answer is lost or the process stops, the next attempt
  // knows to look in the audits first.
  const leaseFrom = realNow();
  const claimed = await deps.db
    .updateTable('template_sends')
    .set({ comment_attempts: attempts, comment_lease_until: leaseFrom + COMMENT_LEASE_MS, comment_next_at: deps.clock.now() + COMMENT_LEASE_MS, updated_at: deps.clock.now() })
    .where('id', '=', id)
    .where('comment_attempts', '=', earlierAttempts)
    .where('comment_state', '=', 'pending')
    .where((eb) => eb.or([eb('comment_lease_until', 'is', null), eb('comment_lease_until', '<=', leaseFrom)]))
    .executeTakeFirst();
  if (!Number(claimed.numUpdatedRows)) return 'pending'; // another round or process took it
  // What this attempt records, only while it is still the latest one.
  const ours = () => deps.db.updateTable('template_sends').where('id', '=', id).where('comment_attempts', '=', attempts);
  try {
    let commentId: number | null;
    const landed = attempts > 1 ? await landedComment(deps, ticketId, id) : undefined;
    if (landed !== undefined) {
      commentId = landed;
      deps.logger.info({ ticketId, send: id }, 'the template comment of an earlier attempt had landed: not written again');
    } else {
      const body = `${deps.commentT('template.comment.prefix', { name: row.name, language: row.language })}\n\n${row.rendered}`;
      const agentId = row.agent_id === null ? null : Number(row.agent_id);
      const res = await deps.zendesk.request<{ audit?: { events?: { id: number; type: string }[] } }>('PUT', `/api/v2/tickets/${ticketId}`, {
        body: { ticket: { comment: { body, public: true, ...(agentId ? { author_id: agentId } : {}) }, metadata: { whatsapp_bridge: { [TEMPLATE_SEND_METADATA_KEY]: id } } } },
        budget,
        repeatable: false,
        what: 'template comment',
      });
      commentId = res.body.audit?.events?.find((e) => e.type === 'Comment')?.id ?? null;
    }
    await deps.db.updateTable('template_sends').set({ comment_state: 'done', comment_id: commentId, comment_next_at: null, comment_lease_until: null, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    return 'added';
  } catch (err) {
    const permanent = err instanceof ZendeskError && !err.retryable && err.kind !== 'auth';
    if (permanent || attempts >= MAX_COMMENT_ATTEMPTS) {
      deps.logger.error({ err: (err as Error).message, ticketId, send: id, attempts }, 'the template was sent but its comment could not be added to the ticket; given up');
      await ours().set({ comment_state: 'failed', comment_next_at: null, comment_lease_until: null, updated_at: deps.clock.now() }).execute();
      return 'failed';
    }
    const retryIn = err instanceof ZendeskError && err.retryAfterMs ? err.retryAfterMs : backoffMs(attempts, { baseMs: 1000, capMs: 5 * 60_000 });
    deps.logger.warn({ err: (err as Error).message, ticketId, send: id, attempts, wait: retryIn }, 'the template comment could not be added to the ticket yet; it will be tried again');
    await ours().set({ comment_next_at: deps.clock.now() + retryIn, comment_lease_until: null, updated_at: deps.clock.now() }).execute();
    return 'pending';
  }
}

/** The comment id of an earlier attempt that reached Zendesk (its audit carries the send id), if any. */
async function landedComment(deps: CommentDeps, ticketId: number, id: string): Promise<number | null | undefined> {
  const audits = await deps.zendesk.recentAudits(ticketId, 50);
  const audit = audits.find((a) => (a.metadata?.custom?.whatsapp_bridge as Record<string, unknown> | undefined)?.[TEMPLATE_SEND_METADATA_KEY] === id);
  if (!audit) return undefined;
  return audit.events.find((e) => e.type === 'Comment')?.id ?? null;
}

/**
 * The worker's share, each round: settles sends in doubt from the statuses, then writes the
 * template comments that are due (a failed or interrupted attempt, a send just settled).
 * Returns how many comments landed.
 */
export async function writeDueTemplateComments(deps: CommentDeps, limit = 20): Promise<number> {
  await settleTemplateSends(deps);
  const due = await deps.db
    .selectFrom('template_sends')
    .select('id')
    .where('state', '=', 'sent')
    .where('comment_state', '=', 'pending')
    .where('comment_next_at', '<=', deps.clock.now())
    .orderBy('comment_next_at')
    .limit(limit)
    .execute();
  let added = 0;
  for (const r of due) if ((await attemptTicketComment(deps, r.id)) === 'added') added++;
  return added;
}
