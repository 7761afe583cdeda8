/**
 * Tickets, comments and audits (https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/).
 * The rules the bridge must live with:
 * - a closed ticket cannot be updated (422); a follow-up names it in `via_followup_source_id`;
 * - a ticket holds at most `commentCap` (5,000) comments; another comment is a 422;
 * - `safe_update` with a stale `updated_stamp` is a 409;
 * - an end user's comment on a pending, on-hold or solved ticket reopens it;
 * - every create and update is one audit, whose `metadata.custom` is the request's `metadata`;
 * - `custom_fields` values for a ticket field the account does not have are ignored, not refused.
 * Everything is validated before anything is written, so a rejected request changes nothing.
 */
import type { SandboxContext } from '../context';
import { type FieldError, recordInvalid, recordNotFound, updateConflict, ZendeskApiError } from '../errors';
import { htmlToText, textToHtml } from '../html';
import { type CommentInput, normalizeTags, type TicketChanges, type TicketCreateInput } from '../schemas';
import {
  type AuditEvent,
  type AuditRecord,
  type CommentRecord,
  type CustomFieldValue,
  nextId,
  TICKET_STATUSES,
  type TicketRecord,
  type TicketStatus,
  type UserRecord,
  type Via,
} from '../state';
import { resolveUploadTokens } from './uploads';
import { createUser, findUserByEmail, isAgent } from './users';

/** Who makes a change and through which channel; `system` becomes the audit's `metadata.system`. */
export interface Actor {
  userId: number;
  via: Via;
  system: Record<string, unknown>;
}

export interface TicketChangeResult {
  ticket: TicketRecord;
  audit: AuditRecord;
}

export function viaChannel(channel: 'api' | 'web'): Via {
  return { channel, source: { from: {}, to: {}, rel: null } };
}

export function getTicket(ctx: SandboxContext, id: number): TicketRecord {
  const ticket = ctx.state.tickets.get(id);
  if (!ticket) throw recordNotFound();
  return ticket;
}

export function commentsOf(ctx: SandboxContext, ticketId: number): CommentRecord[] {
  return ctx.state.comments.get(ticketId) ?? [];
}

function invalid(field: string, description: string, error = 'InvalidValue'): ZendeskApiError {
  return recordInvalid({ [field]: [{ description, error }] });
}

function checkStatus(value: string | undefined): TicketStatus | undefined {
  if (value === undefined) return undefined;
  if (!TICKET_STATUSES.includes(value as TicketStatus)) {
    throw invalid('status', `Status: ${value} is not valid (${TICKET_STATUSES.join(', ')})`);
  }
  return value as TicketStatus;
}

function existingUser(ctx: SandboxContext, id: number, field: string, label: string): UserRecord {
  const user = ctx.state.users.get(id);
  if (!user) throw invalid(field, `${label}: user ${id} does not exist`);
  return user;
}

function checkAssignee(ctx: SandboxContext, id: number | null | undefined): void {
  if (id === undefined || id === null) return;
  if (!isAgent(ctx.state.users.get(id))) throw invalid('assignee_id', `Assignee: user ${id} is not an agent`);
}

interface CommentText {
  body: string;
  html: string;
}

/** Text and HTML of a comment: `html_body` wins and `body` is derived from it, as Zendesk does. */
function commentText(input: CommentInput): CommentText | undefined {
  if (input.html_body !== undefined && input.html_body.trim()) {
    return { body: htmlToText(input.html_body), html: input.html_body };
  }
  if (input.body !== undefined && input.body.trim()) return { body: input.body, html: textToHtml(input.body) };
  return undefined;
}

/** A strictly later ISO stamp, so `safe_update` sees every change even within one millisecond. */
function nextStamp(ctx: SandboxContext, previous?: string): string {
  const now = ctx.now();
  const after = previous === undefined ? now : Math.max(now, Date.parse(previous) + 1);
  return new Date(after).toISOString();
}

function mergeCustomFields(current: CustomFieldValue[], changes: Array<{ id: number; value?: unknown }> | undefined): CustomFieldValue[] {
  if (!changes) return current;
  const merged = new Map(current.map((field) => [field.id, field.value]));
  for (const change of changes) merged.set(change.id, change.value ?? null);
  return [...merged.entries()].map(([id, value]) => ({ id, value }));
}

/**
 * Values for ticket fields the account does not have (never created, or deleted) are ignored, as
 * Zendesk does: the write succeeds and the ticket simply has no such field.
 */
function knownCustomFields(ctx: SandboxContext, changes: Array<{ id: number; value?: unknown }> | undefined): Array<{ id: number; value?: unknown }> | undefined {
  return changes?.filter((change) => ctx.state.ticketFields.has(change.id));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function metadataFor(actor: Actor, custom: Record<string, unknown> | undefined) {
  return { system: { ...actor.system }, custom: { ...custom } };
}

function newComment(
  ctx: SandboxContext,
  ticketId: number,
  auditId: number,
  input: CommentInput,
  text: CommentText,
  authorId: number,
  attachmentIds: number[],
  actor: Actor,
  metadata: { system: Record<string, unknown>; custom: Record<string, unknown> },
  createdAt: string,
): CommentRecord {
  return {
    id: nextId(ctx.state, 'event'),
    type: 'Comment',
    ticket_id: ticketId,
    audit_id: auditId,
    author_id: authorId,
    body: text.body,
    html_body: text.html,
    plain_body: text.body,
    public: input.public ?? true,
    attachment_ids: attachmentIds,
    via: actor.via,
    created_at: createdAt,
    metadata,
  };
}

export function createTicket(ctx: SandboxContext, input: TicketCreateInput, actor: Actor): TicketChangeResult {
  const { state } = ctx;

  // --- validate everything first ---
  const comment = input.comment ?? {};
  const text = commentText(comment);
  if (!text) throw invalid('description', 'Description: cannot be blank (send comment.body or comment.html_body)', 'BlankValue');

  if (input.requester_id !== undefined) existingUser(ctx, input.requester_id, 'requester_id', 'Requester');
  const requesterInput = input.requester;
  const requesterByEmail = requesterInput?.email ? findUserByEmail(state, requesterInput.email) : undefined;
  if (input.requester_id === undefined && requesterInput && !requesterByEmail && !requesterInput.name?.trim()) {
    throw invalid('requester', 'Requester: Name: cannot be blank', 'BlankValue');
  }
  if (input.submitter_id !== undefined) existingUser(ctx, input.submitter_id, 'submitter_id', 'Submitter');
  if (comment.author_id !== undefined) existingUser(ctx, comment.author_id, 'author_id', 'Author');
  checkAssignee(ctx, input.assignee_id);
  const status = checkStatus(input.status) ?? (input.assignee_id ? 'open' : 'new');

  let followupSource: TicketRecord | undefined;
  if (input.via_followup_source_id !== undefined) {
    followupSource = state.tickets.get(input.via_followup_source_id);
    if (!followupSource || followupSource.status !== 'closed') {
      throw invalid(
        'via_followup_source_id',
        `Via followup source: ticket ${input.via_followup_source_id} ${followupSource ? 'is not closed' : 'does not exist'}; follow-ups can only be created for closed tickets`,
      );
    }
  }
  const attachmentIds = resolveUploadTokens(ctx, comment.uploads);

  // --- then write ---
  const requesterId =
    input.requester_id ??
    (requesterInput
      ? (requesterByEmail ?? createUser(ctx, { name: requesterInput.name, email: requesterInput.email, phone: requesterInput.phone })).id
      : actor.userId);
  // "The submitter always becomes the author of the first comment on the ticket."
  const authorId = comment.author_id ?? input.submitter_id ?? actor.userId;
  const submitterId = input.submitter_id ?? authorId;
  const createdAt = nextStamp(ctx);
  const ticketId = nextId(state, 'ticket');
  const auditId = nextId(state, 'event');
  const metadata = metadataFor(actor, input.metadata);
  const created = newComment(ctx, ticketId, auditId, comment, text, authorId, attachmentIds, actor, metadata, createdAt);

  const via: Via = followupSource
    ? { channel: actor.via.channel, source: { from: { ticket_id: followupSource.id, subject: followupSource.subject }, to: {}, rel: 'follow_up' } }
    : actor.via;
  const ticket: TicketRecord = {
    id: ticketId,
    subject: input.subject ?? null,
    description: text.body,
    status,
    requester_id: requesterId,
    submitter_id: submitterId,
    assignee_id: input.assignee_id ?? null,
    tags: normalizeTags(input.tags),
    external_id: input.external_id ?? null,
    custom_fields: mergeCustomFields([], knownCustomFields(ctx, input.custom_fields)),
    via,
    created_at: createdAt,
    updated_at: createdAt,
    solved_at: status === 'solved' || status === 'closed' ? createdAt : null,
    followup_ids: [],
    comment_count: 1,
  };

  const events: AuditEvent[] = [{ id: created.id, type: 'Comment' }];
  const createEvent = (field_name: string, value: unknown) => events.push({ id: nextId(state, 'event'), type: 'Create', field_name, value });
  if (ticket.subject !== null) createEvent('subject', ticket.subject);
  createEvent('status', ticket.status);
  createEvent('requester_id', ticket.requester_id);
  if (ticket.assignee_id !== null) createEvent('assignee_id', ticket.assignee_id);
  if (ticket.tags.length) createEvent('tags', ticket.tags);
  for (const field of ticket.custom_fields) createEvent(String(field.id), field.value);

  const audit: AuditRecord = { id: auditId, ticket_id: ticketId, author_id: authorId, created_at: createdAt, via, metadata, events };
  state.tickets.set(ticketId, ticket);
  state.comments.set(ticketId, [created]);
  state.audits.set(ticketId, [audit]);
  followupSource?.followup_ids.push(ticketId);
  ctx.afterChange?.({ ticket, audit, created: true });
  return { ticket, audit };
}

export function updateTicket(ctx: SandboxContext, ticketId: number, changes: TicketChanges, actor: Actor): TicketChangeResult {
  const { state, options } = ctx;
  const ticket = getTicket(ctx, ticketId);

  // --- validate everything first ---
  if (ticket.status === 'closed') {
    throw recordInvalid({ status: [{ description: 'Status: closed prevents ticket update', error: 'InvalidValue' }] });
  }
  if (changes.safe_update && changes.updated_stamp !== undefined && Date.parse(changes.updated_stamp) !== Date.parse(ticket.updated_at)) {
    throw updateConflict();
  }
  const comments = commentsOf(ctx, ticketId);
  let text: CommentText | undefined;
  let author: UserRecord | undefined;
  let attachmentIds: number[] = [];
  if (changes.comment) {
    text = commentText(changes.comment);
    if (!text) throw invalid('comment', 'Comment: body cannot be blank (send comment.body or comment.html_body)', 'BlankValue');
    if (comments.length >= options.commentCap) {
      throw recordInvalid({
        comment: [
          {
            description: `Comment: ticket ${ticketId} has reached the limit of ${options.commentCap} comments; create a follow-up ticket instead`,
            error: 'TooManyComments',
          },
        ],
      });
    }
    author = existingUser(ctx, changes.comment.author_id ?? actor.userId, 'author_id', 'Author');
    attachmentIds = resolveUploadTokens(ctx, changes.comment.uploads);
  }
  let status = checkStatus(changes.status);
  if (status === 'new' && ticket.status !== 'new') throw invalid('status', `Status: cannot be changed from ${ticket.status} back to new`);
  checkAssignee(ctx, changes.assignee_id);

  // An end user's reply reopens a ticket that waits on them or is solved.
  if (status === undefined && author?.role === 'end-user' && ['pending', 'hold', 'solved'].includes(ticket.status)) status = 'open';

  let assigneeId = changes.assignee_id === undefined ? ticket.assignee_id : changes.assignee_id;
  // Solving assigns the solving agent when nobody is assigned, as Zendesk does.
  if ((status === 'solved' || status === 'closed') && assigneeId === null && isAgent(state.users.get(actor.userId))) assigneeId = actor.userId;

  let tags = changes.tags !== undefined ? normalizeTags(changes.tags) : [...ticket.tags];
  for (const tag of normalizeTags(changes.additional_tags)) if (!tags.includes(tag)) tags.push(tag);
  const removed = normalizeTags(changes.remove_tags);
  tags = tags.filter((tag) => !removed.includes(tag));

  // --- then write ---
  const updatedAt = nextStamp(ctx, ticket.updated_at);
  const auditId = nextId(state, 'event');
  const metadata = metadataFor(actor, changes.metadata);
  const events: AuditEvent[] = [];
  if (text && author) {
    const comment = newComment(ctx, ticketId, auditId, changes.comment ?? {}, text, author.id, attachmentIds, actor, metadata, updatedAt);
    comments.push(comment);
    state.comments.set(ticketId, comments);
    ticket.comment_count = comments.length;
    events.push({ id: comment.id, type: 'Comment' });
  }

  const change = <K extends keyof TicketRecord>(field: K, value: TicketRecord[K], eventField: string = field) => {
    if (sameValue(ticket[field], value)) return;
    events.push({ id: nextId(state, 'event'), type: 'Change', field_name: eventField, value, previous_value: ticket[field] });
    ticket[field] = value;
  };
  if (changes.subject !== undefined) change('subject', changes.subject ?? null);
  if (status !== undefined) change('status', status);
  change('assignee_id', assigneeId);
  change('tags', tags);
  if (changes.external_id !== undefined) change('external_id', changes.external_id ?? null);
  const customFields = knownCustomFields(ctx, changes.custom_fields);
  for (const field of customFields ?? []) {
    const previous = ticket.custom_fields.find((f) => f.id === field.id)?.value ?? null;
    const value = field.value ?? null;
    if (sameValue(previous, value)) continue;
    events.push({ id: nextId(state, 'event'), type: 'Change', field_name: String(field.id), value, previous_value: previous });
  }
  ticket.custom_fields = mergeCustomFields(ticket.custom_fields, customFields);
  const finalStatus = status ?? ticket.status;
  if ((finalStatus === 'solved' || finalStatus === 'closed') && ticket.solved_at === null) ticket.solved_at = updatedAt;
  ticket.updated_at = updatedAt;

  const audit: AuditRecord = {
    id: auditId,
    ticket_id: ticketId,
    author_id: author?.id ?? actor.userId,
    created_at: updatedAt,
    via: actor.via,
    metadata,
    events,
  };
  const audits = state.audits.get(ticketId) ?? [];
  audits.push(audit);
  state.audits.set(ticketId, audits);
  ctx.afterChange?.({ ticket, audit, created: false });
  return { ticket, audit };
}

/** One line per field error, for bulk job results. */
export function describeFailure(error: ZendeskApiError): { error: string; errors: string; details: string } {
  const body = (error.body ?? {}) as { error?: unknown; description?: unknown; details?: Record<string, FieldError[]> };
  const code = typeof body.error === 'string' ? body.error : `HTTP${error.status}`;
  const description = typeof body.description === 'string' ? body.description : error.message;
  const details = body.details
    ? Object.values(body.details)
        .flat()
        .map((detail) => detail.description)
        .join('; ')
    : description;
  return { error: code, errors: details, details };
}
