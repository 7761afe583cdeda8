import { useCallback, useEffect, useRef, useState } from 'react';
import { BridgeError, fetchConversation, toBridgeError, type Conversation } from '../lib/bridge-client';
import { nextPollDelay, takeEarlyConversation } from '../lib/conversation-polling';
import { useClient } from './useClient';

/** Ticket events after which the conversation is read again (new comment, new requester…). */
export const REFRESH_EVENTS = ['ticket.submit.done', 'ticket.updated', 'ticket.requester.id.changed'];

export type ConversationState =
  | { status: 'loading' }
  | {
      status: 'ready';
      conversation: Conversation;
      clockOffsetMs: number;
      /** When (browser clock, ms) the conversation on screen was read. */
      updatedAt: number;
      /** The last background refresh failed: the conversation on screen is from `updatedAt`. */
      refreshError: BridgeError | null;
    }
  | { status: 'error'; error: BridgeError };

export interface ConversationOptions { closingSoonMinutes: number; locale: string }

/**
 * The ticket's conversation, kept fresh: read on open, after ticket events, and by polling
 * (fast while a recent outbound message is still on its way, slow otherwise; see
 * lib/conversation-polling.ts), paused while the sidebar is hidden and read again on return.
 * Only the first read shows the loading and error states; a failed refresh keeps the last
 * conversation on screen (and whatever the agent typed in the picker) with `refreshError`.
 */
export function useConversation(ticketId: number, { closingSoonMinutes, locale }: ConversationOptions) {
  const client = useClient();
  const [state, setState] = useState<ConversationState>({ status: 'loading' });
  const latest = useRef(0);
  const current = useRef<ConversationState>(state);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const isActive = useRef(true);

  /** Reads the conversation now; resolves with what it read (or the kept one and why it failed). */
  const load = useCallback(async (): Promise<ConversationState> => {
    const call = ++latest.current;
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
    let next: ConversationState;
    try {
      // The first read was usually started during the boot, in parallel with the first render.
      const query = { closingSoonMinutes, locale };
      const conversation = await (takeEarlyConversation(client, ticketId, query) ?? fetchConversation(client, ticketId, query));
      const serverNow = Date.parse(conversation.now);
      next = { status: 'ready', conversation, clockOffsetMs: Number.isNaN(serverNow) ? 0 : serverNow - Date.now(), updatedAt: Date.now(), refreshError: null };
    } catch (failure) {
      const error = toBridgeError(failure);
      const previous = current.current;
      // A ticket that stopped being a WhatsApp conversation is an answer, not a failed refresh.
      next = previous.status === 'ready' && error.kind !== 'not_whatsapp' ? { ...previous, refreshError: error } : { status: 'error', error };
    }
    // A newer read started meanwhile: it updates the screen; this one still tells its caller.
    if (call !== latest.current) return next;
    current.current = next;
    setState(next);
    if (isActive.current && !isHidden()) {
      timer.current = setTimeout(() => void load(), nextPollDelay(next));
    }
    return next;
  }, [client, ticketId, closingSoonMinutes, locale]);

  const reload = useCallback(() => {
    current.current = { status: 'loading' };
    setState(current.current);
    void load();
  }, [load]);

  useEffect(() => {
    isActive.current = true;
    void load();
    const refresh = () => void load();
    const onVisibility = () => {
      if (isHidden()) {
        // Hidden (another ticket's tab, app panel collapsed): no polling until it is back.
        if (timer.current !== null) clearTimeout(timer.current);
        timer.current = null;
      } else {
        void load();
      }
    };
    for (const event of REFRESH_EVENTS) client.on(event, refresh);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      isActive.current = false;
      latest.current++;
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      document.removeEventListener('visibilitychange', onVisibility);
      for (const event of REFRESH_EVENTS) client.off(event, refresh);
    };
  }, [client, load]);

  /** Reads the conversation again without the loading state (after a template was sent). */
  const refresh = useCallback(() => void load(), [load]);

  /**
   * Reads the conversation again now and resolves with the state it leads to (the screen
   * follows): the reply guard asks before it stops a save on what may be an old window.
   */
  const recheck = useCallback(() => load(), [load]);

  return { state, reload, refresh, recheck };
}

function isHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

