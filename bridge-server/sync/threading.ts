/**
 * Which ticket a customer's next messages go to:
 *   no ticket yet                                  → a new ticket
 *   new, open, pending, hold                       → append to it
 *   solved, within the reopen period               → append (Zendesk reopens it)
 *   solved, longer ago                             → a new ticket
 *   closed (cannot be updated)                     → a follow-up ticket (via_followup_source_id)
 *   at Zendesk's comment cap (5,000; the bridge     → a new ticket (a follow-up needs a closed
 *     records it as status `comment-cap`)              ticket, and this one is not)
 */
import type { TicketStatus } from '../zendesk/types';

export type Target =
  | { kind: 'update'; ticketId: number; stamp: string | null }
  | { kind: 'create'; followupOf: number | null; previousTicketId: number | null; reason: 'first' | 'solved-long-ago' | 'closed' | 'comment-cap' | 'deleted' };

/** Not a Zendesk status: what the bridge records when a ticket refused a comment for being full. */
export const COMMENT_CAP_STATUS = 'comment-cap';

export interface KnownTicket {
  ticketId: number | null;
  status: string | null;
  updatedAt: string | null;
}

export function chooseTarget(known: KnownTicket, now: number, reopenPeriodMs: number): Target {
  if (known.ticketId === null) return { kind: 'create', followupOf: null, previousTicketId: null, reason: 'first' };
  const status = known.status as TicketStatus | null;
  if (status === 'closed') return { kind: 'create', followupOf: known.ticketId, previousTicketId: known.ticketId, reason: 'closed' };
  if (known.status === COMMENT_CAP_STATUS) return { kind: 'create', followupOf: null, previousTicketId: known.ticketId, reason: 'comment-cap' };
  if (status === 'solved' && known.updatedAt && now - Date.parse(known.updatedAt) > reopenPeriodMs) {
    return { kind: 'create', followupOf: null, previousTicketId: known.ticketId, reason: 'solved-long-ago' };
  }
  return { kind: 'update', ticketId: known.ticketId, stamp: known.updatedAt };
}
