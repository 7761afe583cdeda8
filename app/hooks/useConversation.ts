import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { BridgeError, createBridgeClient, toBridgeError, type Conversation } from '../lib/bridge-client';
import { useClient } from './useClient';

/** Ticket events after which the conversation is read again (new comment, new requester…). */
export const REFRESH_EVENTS = ['ticket.submit.done', 'ticket.updated', 'ticket.requester.id.changed'];
/** Delivery states change without the ticket changing: read them again this often. */
export const POLL_MS = 60_000;

export type ConversationState =
  | { status: 'loading' }
  | { status: 'ready'; conversation: Conversation; clockOffsetMs: number }
  | { status: 'error'; error: BridgeError };

export interface ConversationOptions { closingSoonMinutes: number; locale: string }

export function useConversation(ticketId: number, { closingSoonMinutes, locale }: ConversationOptions) {
  const client = useClient();
  const bridge = useMemo(() => createBridgeClient(client), [client]);
  const [state, setState] = useState<ConversationState>({ status: 'loading' });
  const latest = useRef(0);

  const load = useCallback(async () => {
    const call = ++latest.current;
    try {
      const conversation = await bridge.getConversation(ticketId, { closingSoonMinutes, locale });
      const serverNow = Date.parse(conversation.now);
      if (call === latest.current) {
        setState({ status: 'ready', conversation, clockOffsetMs: Number.isNaN(serverNow) ? 0 : serverNow - Date.now() });
      }
    } catch (failure) {
      if (call === latest.current) setState({ status: 'error', error: toBridgeError(failure) });
    }
  }, [bridge, ticketId, closingSoonMinutes, locale]);

  const reload = useCallback(() => {
    setState({ status: 'loading' });
    void load();
  }, [load]);

  useEffect(() => {
    void load();
    const refresh = () => void load();
    for (const event of REFRESH_EVENTS) client.on(event, refresh);
    const timer = setInterval(refresh, POLL_MS);
    return () => {
      latest.current++;
      clearInterval(timer);
      for (const event of REFRESH_EVENTS) client.off(event, refresh);
    };
  }, [client, load]);

  /** Reads the conversation again without the loading state (after a template was sent). */
  const refresh = useCallback(() => void load(), [load]);

  return { state, reload, refresh };
}
