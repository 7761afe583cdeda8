import { useEffect, useRef } from 'react';
import type { ConversationState } from './useConversation';
import { useClient } from './useClient';
import { useI18n } from './useI18n';
import { shouldStopSave } from '../lib/reply-guard';

/** How long the guard waits for a fresh read of the conversation before it decides on the one it has. */
export const RECHECK_TIMEOUT_MS = 3_000;

/** The comment being saved, as ZAF reports it (see lib/reply-guard.ts for each path). */
const COMMENT_PATHS = ['comment.type', 'ticket.comment.text', 'comment.attachments'];

export interface ReplyGuardOptions {
  /** Reads the conversation again now (useConversation's `recheck`). */
  recheck: () => Promise<ConversationState>;
  /** Bound on that read (default RECHECK_TIMEOUT_MS). */
  recheckTimeoutMs?: number;
}

/** `promise`'s value, or null when it fails or takes longer than `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
    );
  });
}

/**
 * Registers one `ticket.save` handler for the ticket on screen. Zendesk waits for the promise it
 * returns: a rejection with a message stops the save and shows the message. The handler reads
 * the conversation the sidebar already has (through a ref, so it is never the state of the first
 * render) and recomputes the window from the clock at the moment of the save.
 *
 * The conversation on screen may be up to a poll old, and a customer who wrote since then has
 * opened the window again: so before it stops a save, the guard reads the conversation once more
 * (at most `recheckTimeoutMs`) and decides on that. When the bridge does not answer in time, or
 * the read fails, it decides on the conversation it has; it never waits longer than the bound.
 */
export function useReplyGuard(state: ConversationState, closingSoonMinutes: number, { recheck, recheckTimeoutMs = RECHECK_TIMEOUT_MS }: ReplyGuardOptions): void {
  const client = useClient();
  const { t } = useI18n();
  const latest = useRef({ state, closingSoonMinutes, t, recheck, recheckTimeoutMs });
  latest.current = { state, closingSoonMinutes, t, recheck, recheckTimeoutMs };

  useEffect(() => {
    const onSave = async () => {
      const initial = latest.current.state;
      // Not read yet, bridge unreachable or not a WhatsApp ticket: never block the agent.
      if (initial.status !== 'ready') return true;
      let values: Record<string, unknown>;
      try {
        values = await client.get(COMMENT_PATHS);
      } catch {
        return true;
      }
      const stops = (current: ConversationState) =>
        current.status === 'ready' &&
        shouldStopSave({
          window: current.conversation.window,
          nowMs: Date.now() + current.clockOffsetMs,
          closingSoonMinutes: latest.current.closingSoonMinutes,
          commentType: values['comment.type'],
          commentText: values['ticket.comment.text'],
          // An unavailable path is reported in `errors` and its value is absent: no files known.
          commentAttachments: values['comment.attachments'],
        });
      if (!stops(initial)) return true;
      // About to stop: make sure the window is still closed now, not just at the last poll.
      const fresh = await within(latest.current.recheck(), latest.current.recheckTimeoutMs);
      // No answer in time: decide on the latest conversation the sidebar has.
      if (stops(fresh ?? latest.current.state)) throw latest.current.t('guard.windowClosed');
      return true;
    };
    client.on('ticket.save', onSave);
    return () => client.off('ticket.save', onSave);
  }, [client]);
}
