/**
 * What the outbound side reads and writes in Zendesk, over the shared client (same auth and
 * rate budget): a ticket's comments, a user's role, attachment bytes, and internal notes marked
 * as the bridge's own (audit metadata `whatsapp_bridge`), so its writes are never sent back.
 */
import type { ZendeskClient } from './client';
import { ZendeskError } from './errors';

export interface ZendeskAttachment {
  id: number;
  file_name: string;
  content_url: string;
  content_type: string;
  size: number;
}

export interface ZendeskComment {
  id: number;
  author_id: number;
  body: string;
  plain_body?: string;
  html_body?: string;
  public: boolean;
  attachments: ZendeskAttachment[];
  created_at: string;
  metadata?: { custom?: Record<string, unknown> };
}

/** The ticket's newest comments (up to 100), newest first. */
export async function recentComments(zendesk: ZendeskClient, ticketId: number): Promise<ZendeskComment[]> {
  const res = await zendesk.request<{ comments: ZendeskComment[] }>('GET', `/api/v2/tickets/${ticketId}/comments?sort_order=desc&page[size]=100`, {
    repeatable: true,
    what: 'list comments',
  });
  return res.body.comments ?? [];
}

export async function userRole(zendesk: ZendeskClient, userId: number): Promise<string> {
  const res = await zendesk.request<{ user: { role: string } }>('GET', `/api/v2/users/${userId}`, { repeatable: true, what: 'show user' });
  return res.body.user.role;
}

/** True when the bridge wrote this comment (inbound messages, templates, notes). */
export function isBridgeComment(comment: ZendeskComment): boolean {
  return Boolean(comment.metadata?.custom && 'whatsapp_bridge' in comment.metadata.custom);
}

/**
 * Attachment bytes. Zendesk's content URLs may point at another host (a CDN); the bearer token
 * is only sent to the account's own host.
 */
export async function downloadAttachment(zendeskUrl: string, authHeader: string, url: string, maxBytes: number): Promise<Buffer> {
  const sameHost = new URL(url).host === new URL(zendeskUrl).host;
  const res = await fetch(url, { headers: sameHost ? { authorization: authHeader } : {}, redirect: 'follow', signal: AbortSignal.timeout(60_000) });
  if (!res.ok) throw new ZendeskError(res.status >= 500 ? 'transient' : 'invalid', `Zendesk answered ${res.status} for the attachment`, res.status);
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > maxBytes) throw new ZendeskError('invalid', `The attachment is ${bytes.length} bytes, over ${maxBytes}`, null);
  return bytes;
}

/** Adds an internal note marked with `noteId` in the audit metadata. */
export async function addInternalNote(zendesk: ZendeskClient, ticketId: number, htmlBody: string, noteId: string): Promise<void> {
  await zendesk.request('PUT', `/api/v2/tickets/${ticketId}`, {
    body: { ticket: { comment: { html_body: htmlBody, public: false }, metadata: { whatsapp_bridge: { note: noteId } } } },
    budget: { ticketUpdate: true, ticketIds: [ticketId] },
    repeatable: false,
    what: 'add internal note',
  });
}

/** Whether a note whose answer was lost reached the ticket (its id in a recent audit). */
export async function noteLanded(zendesk: ZendeskClient, ticketId: number, noteId: string): Promise<boolean> {
  const audits = await zendesk.recentAudits(ticketId, 50);
  return audits.some((a) => (a.metadata?.custom?.whatsapp_bridge as { note?: string } | undefined)?.note === noteId);
}
