/**
 * Sending a template from the sidebar, as a story:
 *
 *   1. a repeated idempotency key answers with the first send (a different request → conflict);
 *   2. the template is chosen and the values checked: errors name the field, nothing is sent;
 *   3. the send is recorded (`sending`), then posted to the Graph API, then recorded `sent`
 *      with the wamid, or `failed` with Meta's code;
 *   4. the rendered text is added to the ticket as a PUBLIC comment, marked with audit metadata
 *      `{whatsapp_bridge: {template_send: <id>}}` so the outbound side never sends it again.
 *      The comment is owed from the moment Meta accepts the send: it is tried once at once, and
 *      if Zendesk fails (5xx, 429, no answer, the process stopping) it is retried from the
 *      store by the outbound worker (`writeDueTemplateComments`) until it lands. Each attempt
 *      is recorded before it starts, so an attempt whose answer was lost is looked for in the
 *      ticket's audits before the next one: the comment lands exactly once, and a retry never
 *      touches WhatsApp again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '../store';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { Translate } from '../i18n';
import { AppError } from '../lib/errors';
import type { ZendeskClient } from '../zendesk/client';
import { GraphError } from '../whatsapp/graph-client';
import { ZendeskError } from '../zendesk/errors';
import { backoffMs } from '../lib/retry-policy';
import type { Metrics } from '../lib/metrics';
import type { TemplatesApi } from '../whatsapp/templates-api';
import { buildTemplatePayload, chooseTemplate, renderTemplate, renderedAsText, validateTemplateValues, type TemplateFieldError, type TemplateValues } from './template-render';
import { customerOfTicket, failureReason } from './conversation';
import { toDefinition } from './templates';

/** Audit metadata on the bridge's template comments; the outbound side skips comments carrying it. */
export const TEMPLATE_SEND_METADATA_KEY = 'template_send';

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
  status: 'accepted' | 'failed';
  ticketComment: 'added' | 'failed' | 'pending';
  rendered: string;
  replayed: boolean;
}

export class TemplateValidationError extends AppError {
  constructor(readonly fields: TemplateFieldError[]) {
    super('template_invalid', fields.map((f) => f.message).join(' '), { status: 422 });
  }
}

function requestHash(r: SendTemplateRequest): string {
  const values = Object.fromEntries(Object.entries(r.values).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify([r.name, r.language, values])).digest('hex');
}

export async function sendTemplateToTicket(deps: SendTemplateDeps, req: SendTemplateRequest, t: Translate): Promise<SendTemplateResult> {
  const customer = await customerOfTicket(deps.db, req.ticketId);
  if (!customer) throw new AppError('not_whatsapp_ticket', `Ticket ${req.ticketId} is not a WhatsApp conversation the bridge knows: templates can only be sent to tickets created from WhatsApp messages.`, { status: 404 });
  if (!customer.wa_id && !customer.bsuid) throw new AppError('no_recipient', 'The customer of this ticket has neither a phone number nor a business-scoped id to send to.', { status: 422 });
  const hash = requestHash(req);

  if (req.idempotencyKey) {
    const earlier = await deps.db.selectFrom('template_sends').selectAll().where('ticket_id', '=', req.ticketId).where('idempotency_key', '=', req.idempotencyKey).executeTakeFirst();
    if (earlier) return replay(earlier, hash);
  }

  const stored = await deps.db.selectFrom('templates').selectAll().where('name', '=', req.name).execute();
  const choice = chooseTemplate(stored.map(toDefinition), req.name, req.language, t);
  const template = choice.template;
  if (!template || choice.errors.length) throw new TemplateValidationError(choice.errors);
  const errors = validateTemplateValues(template, req.values, t);
  if (errors.length) throw new TemplateValidationError(errors);

  const payload = buildTemplatePayload(template, req.values);
  const rendered = renderedAsText(renderTemplate(template, req.values), deps.commentT);
  const id = randomUUID();
  const now = deps.clock.now();
  const inserted = await deps.db
    .insertInto('template_sends')
    .values({
      id,
      ticket_id: req.ticketId,
      customer_id: customer.id,
      idempotency_key: req.idempotencyKey ?? null,
      request_hash: hash,
      template_id: template.id,
      name: template.name,
      language: template.language,
      payload: JSON.stringify(payload),
      rendered,
      state: 'sending',
      wamid: null,
      error_code: null,
      error: null,
      comment_state: 'pending',
      comment_id: null,
      agent_id: req.agentId ?? null,
      created_at: now,
      updated_at: now,
      // Not due until Meta accepts the send.
      comment_next_at: null,
    })
    .onConflict((oc) => oc.columns(['ticket_id', 'idempotency_key']).doNothing())
    .executeTakeFirst();
  if (!Number(inserted.numInsertedOrUpdatedRows)) {
    // Another request with the same key got there first.
    const earlier = await deps.db.selectFrom('template_sends').selectAll().where('ticket_id', '=', req.ticketId).where('idempotency_key', '=', req.idempotencyKey ?? '').executeTakeFirstOrThrow();
    return replay(earlier, hash);
  }

  let wamid: string;
  try {
    const sent = await deps.api.sendTemplate(deps.phoneNumberId, customer.wa_id ? { waId: customer.wa_id } : { bsuid: customer.bsuid as string }, payload);
    wamid = sent.messageId;
  } catch (err) {
    const code = err instanceof GraphError ? err.graphCode : null;
    deps.metrics?.graphErrors.inc({ code: code === null ? 'none' : String(code) });
    deps.metrics?.outboundMessages.inc({ kind: 'template', outcome: 'not_sent' });
    await deps.db.updateTable('template_sends').set({ state: 'failed', error_code: code, error: (err as Error).message, comment_state: 'failed', updated_at: deps.clock.now() }).where('id', '=', id).execute();
    deps.logger.warn({ err: (err as Error).message, ticketId: req.ticketId, template: template.name }, 'template send refused');
    throw new AppError(code !== null ? `graph_${code}` : 'graph_unreachable', failureReason(t, code, (err as Error).message), { status: code !== null && code >= 100 && code !== 190 ? 422 : 502, cause: err });
  }
  // Sent, and the comment is owed from now on (due at once: a crash before the attempt below
  // leaves it to the worker).
  await deps.db.updateTable('template_sends').set({ state: 'sent', wamid, comment_next_at: deps.clock.now(), updated_at: deps.clock.now() }).where('id', '=', id).execute();
  deps.metrics?.outboundMessages.inc({ kind: 'template', outcome: 'accepted' });

  const ticketComment = await attemptTicketComment(deps, id);
  return { id, messageId: wamid, status: 'accepted', ticketComment, rendered, replayed: false };
}

function replay(row: { id: string; request_hash: string; state: string; wamid: string | null; comment_state: string; rendered: string }, hash: string): SendTemplateResult {
  if (row.request_hash !== hash) {
    throw new AppError('idempotency_conflict', 'This idempotencyKey was already used for a different template or values on this ticket: use a new key for a new send.', { status: 409 });
  }
  if (row.state === 'sending') throw new AppError('send_in_progress', 'A send with this idempotencyKey is still under way: ask again in a moment.', { status: 409 });
  return {
    id: row.id,
    messageId: row.wamid,
    status: row.state === 'failed' ? 'failed' : 'accepted',
    ticketComment: row.comment_state === 'done' ? 'added' : row.comment_state === 'failed' ? 'failed' : 'pending',
    rendered: row.rendered,
    replayed: true,
  };
}

/** How long an attempt under way holds its row (a stopped process's attempt is retried after). */
export const COMMENT_LEASE_MS = 60_000;
/** Attempts before the comment is given up on (noted in the logs and `failures`). */
const MAX_COMMENT_ATTEMPTS = 12;

type CommentDeps = Pick<SendTemplateDeps, 'db' | 'zendesk' | 'clock' | 'logger' | 'commentT'>;

/**
 * One attempt at the public comment that shows the agent's colleagues what the customer
 * received. Marked with `metadata.whatsapp_bridge.template_send` (kept by Zendesk in the audit's
 * `metadata.custom`) and a visible first line, so the outbound side recognises it and never sends
 * it again. Returns the comment's state after the attempt.
 */
export async function attemptTicketComment(deps: CommentDeps, id: string): Promise<'added' | 'failed' | 'pending'> {
  const row = await deps.db.selectFrom('template_sends').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.state !== 'sent' || row.comment_state !== 'pending') return row?.comment_state === 'done' ? 'added' : row?.comment_state === 'failed' ? 'failed' : 'pending';
  const ticketId = Number(row.ticket_id);
  const attempts = Number(row.comment_attempts) + 1;
  // Recorded before the request: if the answer is lost or the process stops, the next attempt
  // knows to look in the audits first.
  const claimed = await deps.db
    .updateTable('template_sends')
    .set({ comment_attempts: attempts, comment_next_at: deps.clock.now() + COMMENT_LEASE_MS, updated_at: deps.clock.now() })
    .where('id', '=', id)
    .where('comment_attempts', '=', Number(row.comment_attempts))
    .where('comment_state', '=', 'pending')
    .executeTakeFirst();
  if (!Number(claimed.numUpdatedRows)) return 'pending'; // another round took it
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
        budget: { ticketUpdate: true, ticketIds: [ticketId] },
        repeatable: false,
        what: 'template comment',
      });
      commentId = res.body.audit?.events?.find((e) => e.type === 'Comment')?.id ?? null;
    }
    await deps.db.updateTable('template_sends').set({ comment_state: 'done', comment_id: commentId, comment_next_at: null, updated_at: deps.clock.now() }).where('id', '=', id).execute();
    return 'added';
  } catch (err) {
    const permanent = err instanceof ZendeskError && !err.retryable && err.kind !== 'auth';
    if (permanent || attempts >= MAX_COMMENT_ATTEMPTS) {
      deps.logger.error({ err: (err as Error).message, ticketId, send: id, attempts }, 'the template was sent but its comment could not be added to the ticket; given up');
      await deps.db.updateTable('template_sends').set({ comment_state: 'failed', comment_next_at: null, updated_at: deps.clock.now() }).where('id', '=', id).execute();
      return 'failed';
    }
    const wait = err instanceof ZendeskError && err.retryAfterMs ? err.retryAfterMs : backoffMs(attempts, { baseMs: 1000, capMs: 5 * 60_000 });
    deps.logger.warn({ err: (err as Error).message, ticketId, send: id, attempts, wait }, 'the template comment could not be added to the ticket yet; it will be tried again');
    await deps.db.updateTable('template_sends').set({ comment_next_at: deps.clock.now() + wait, updated_at: deps.clock.now() }).where('id', '=', id).execute();
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

/** The worker's share: template comments that are due (a failed or interrupted attempt). Returns how many landed. */
export async function writeDueTemplateComments(deps: CommentDeps, limit = 20): Promise<number> {
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
