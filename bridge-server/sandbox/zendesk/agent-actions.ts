/**
 * What a human agent does in the Zendesk UI, as plain calls for tests and the demo: change a
 * ticket's status, reply, add a colleague. They go through the same ticket rules as the API
 * (a closed ticket stays closed) but not through authentication or rate limits.
 */
import type { SandboxContext } from './context';
import { type Actor, getTicket, updateTicket, viaChannel } from './domain/tickets';
import { createUser } from './domain/users';
import { storeUpload } from './domain/uploads';
import { ZendeskApiError } from './errors';
import type { CommentRecord, TicketRecord, TicketStatus, UserRecord } from './state';

function agentActor(ctx: SandboxContext, agentId?: number): Actor {
  return { userId: agentId ?? ctx.state.adminUserId, via: viaChannel('web'), system: { client: 'Zendesk Agent Workspace (sandbox)', location: 'Sandbox' } };
}

/** `solved` sets `solved_at`; `closed` is only reachable from `solved`, as Zendesk's automations do it. */
export function setTicketStatus(ctx: SandboxContext, ticketId: number, status: TicketStatus): TicketRecord {
  const ticket = getTicket(ctx, ticketId);
  if (status === 'closed' && ticket.status !== 'solved') {
    throw new ZendeskApiError(422, {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { status: [{ description: `Status: only a solved ticket can be closed (ticket ${ticketId} is ${ticket.status})` }] },
    });
  }
  return updateTicket(ctx, ticketId, { status }, agentActor(ctx)).ticket;
}

export interface AgentComment {
  body: string;
  public?: boolean;
  /** Another agent than the admin. */
  authorId?: number;
  /** Files the agent attaches (uploaded, then attached to the comment). */
  attachments?: { fileName: string; contentType: string; data: Buffer }[];
}

export function addAgentComment(ctx: SandboxContext, ticketId: number, comment: AgentComment): CommentRecord {
  const actor = agentActor(ctx, comment.authorId);
  const uploads = (comment.attachments ?? []).map((file) => storeUpload(ctx, file).token);
  updateTicket(ctx, ticketId, { comment: { body: comment.body, public: comment.public ?? true, author_id: actor.userId, ...(uploads.length ? { uploads } : {}) } }, actor);
  const comments = ctx.state.comments.get(ticketId) ?? [];
  return comments[comments.length - 1];
}

export function createAgent(ctx: SandboxContext, name: string, email?: string): UserRecord {
  return createUser(ctx, { name, email, role: 'agent' });
}
