/**
 * How often the sidebar reads the conversation again, and its first read started early.
 *
 * Delivery states (sent → delivered → read, or failed) change without the ticket changing, so
 * the sidebar polls GET /tickets/:id/conversation. Every agent's sidebar shares the one bridge
 * key, whose app API limit is APP_API_RATE_LIMIT (300 requests/min by default), so the rate stays
 * modest:
 * - fast, every 5 s (12 requests/min), only while an outbound message sent in the last 3 minutes
 *   is still pending/accepted/sent: at most about 36 extra requests per message sent, and only
 *   until Meta reports it delivered (usually a few seconds);
 * - otherwise every 60 s (1 request/min per open sidebar);
 * - after a failed refresh, again in 15 s (or when a 429 says to: `Retry-After`);
 * - not at all while the sidebar is hidden (useConversation pauses on `visibilitychange`).
 * So 300 sidebars idle, or about 20 watching a fresh send, fit in the default limit together.
 */
import { fetchConversation, type Conversation, type ConversationQuery } from './bridge-client';
import type { ZafClient } from './zaf-client';

export const FAST_POLL_MS = 5_000;
export const SLOW_POLL_MS = 60_000;
export const RETRY_POLL_MS = 15_000;
/** An outbound message this recent (by the bridge's clock) and still on its way is watched closely. */
export const RECENT_OUTBOUND_MS = 3 * 60_000;

const IN_FLIGHT = new Set(['pending', 'accepted', 'sent']);

/** True while a recent outbound message has not yet been delivered, read or failed. */
export function hasMessageInFlight(conversation: Conversation): boolean {
  const now = Date.parse(conversation.now);
  return conversation.messages.some(
    (message) => message.direction === 'outbound' && IN_FLIGHT.has(message.state) && !(now - Date.parse(message.at) > RECENT_OUTBOUND_MS),
  );
}

export type PollInput =
  | { status: 'ready'; conversation: Conversation; refreshError: { retryAfterSeconds: number | null } | null }
  | { status: 'error' | 'loading' };

/** Milliseconds until the next read, given what the last read gave. */
export function nextPollDelay(state: PollInput): number {
  if (state.status !== 'ready') return SLOW_POLL_MS;
  if (state.refreshError) return Math.max(RETRY_POLL_MS, (state.refreshError.retryAfterSeconds ?? 0) * 1000);
  return hasMessageInFlight(state.conversation) ? FAST_POLL_MS : SLOW_POLL_MS;
}

// ---------------------------------------------------------------------------------------------
// The first read, started by the boot (App) as soon as the ticket id, settings and locale are
// known, in parallel with React's first render; useConversation takes it instead of asking again.
// ---------------------------------------------------------------------------------------------

interface Early { key: string; promise: Promise<Conversation> }

const early = new WeakMap<ZafClient, Early>();

const keyOf = (ticketId: number, { closingSoonMinutes, locale }: ConversationQuery) => JSON.stringify([ticketId, closingSoonMinutes ?? null, locale ?? null]);

export function startEarlyConversation(client: ZafClient, ticketId: number, query: ConversationQuery): void {
  const promise = fetchConversation(client, ticketId, query);
  // Not taken (another screen rendered): its failure must not surface as an unhandled rejection.
  promise.catch(() => undefined);
  early.set(client, { key: keyOf(ticketId, query), promise });
}

/** The early read for exactly this ticket and query, once; null otherwise. */
export function takeEarlyConversation(client: ZafClient, ticketId: number, query: ConversationQuery): Promise<Conversation> | null {
  const entry = early.get(client);
  if (!entry || entry.key !== keyOf(ticketId, query)) return null;
  early.delete(client);
  return entry.promise;
}
