import { useEffect, useRef } from 'react';
import type { ConversationState } from './useConversation';
import { useClient } from './useClient';
import { useI18n } from './useI18n';
import { shouldStopSave } from '../lib/reply-guard';

/**
 * Registers one `ticket.save` handler for the ticket on screen. Zendesk waits for the promise it
 * returns: a rejection with a message stops the save and shows the message. The handler reads
 * the conversation the sidebar already has (through a ref, so it is never the state of the first
 * render) and recomputes the window from the clock at the moment of the save.
 */
export function useReplyGuard(state: ConversationState, closingSoonMinutes: number): void {
  const client = useClient();
  const { t } = useI18n();
  const latest = useRef({ state, closingSoonMinutes, t });
  latest.current = { state, closingSoonMinutes, t };

  useEffect(() => {
    const onSave = async () => {
      const { state: current, closingSoonMinutes: minutes, t: translate } = latest.current;
      // Not read yet, bridge unreachable or not a WhatsApp ticket: never block the agent.
      if (current.status !== 'ready') return true;
      let values: Record<string, unknown>;
      try {
        values = await client.get(['comment.type', 'ticket.comment.text']);
      } catch {
        return true;
      }
      const stop = shouldStopSave({
        window: current.conversation.window,
        nowMs: Date.now() + current.clockOffsetMs,
        closingSoonMinutes: minutes,
        commentType: values['comment.type'],
        commentText: values['ticket.comment.text'],
      });
      if (stop) throw translate('guard.windowClosed');
      return true;
    };
    client.on('ticket.save', onSave);
    return () => client.off('ticket.save', onSave);
  }, [client]);
}
