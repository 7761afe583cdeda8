/**
 * The simulated Zendesk as an agent sees it in the console: the ticket list with status and
 * requester, and one ticket's conversation (public comments and internal notes, their authors
 * and attachments). Read straight from the simulator's state.
 */
import type { ZendeskSandbox } from '../zendesk';
import { ConsoleError } from './errors';

function person(zendesk: ZendeskSandbox, id: number) {
  const user = zendesk.state.users.get(id);
  return { id, name: user?.name ?? `User ${id}`, role: user?.role ?? 'end-user', phone: user?.phone ?? null, email: user?.email ?? null };
}

export function listTickets(zendesk: ZendeskSandbox) {
  return [...zendesk.state.tickets.values()]
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id)
    .map((t) => ({ id: t.id, subject: t.subject, status: t.status, requester: person(zendesk, t.requester_id), updatedAt: t.updated_at, commentCount: t.comment_count }));
}

export function ticketDetail(zendesk: ZendeskSandbox, ticketId: number) {
  const t = zendesk.state.tickets.get(ticketId);
  if (!t) throw new ConsoleError(404, `The simulated Zendesk has no ticket #${ticketId}; pick one from the list.`);
  return {
    id: t.id,
    subject: t.subject,
    status: t.status,
    tags: t.tags,
    requester: person(zendesk, t.requester_id),
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    comments: zendesk.comments(ticketId).map((c) => ({
      id: c.id,
      public: c.public,
      author: person(zendesk, c.author_id),
      body: c.body,
      createdAt: c.created_at,
      attachments: c.attachment_ids.flatMap((id) => {
        const a = zendesk.state.attachments.get(id);
        return a ? [{ id, fileName: a.file_name, contentType: a.content_type, size: a.size, url: `/api/attachments/${id}` }] : [];
      }),
    })),
  };
}
