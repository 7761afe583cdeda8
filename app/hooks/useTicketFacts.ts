import { useEffect, useState } from 'react';
import { useClient } from './useClient';

/** What the ticket and the agent offer for template variables and defaults (ZAF `get`). */
export interface TicketFacts {
  requesterName: string | null;
  agentName: string | null;
  agentId: number | null;
  /** The agent's Zendesk locale as Zendesk gives it (`pt-BR`, `en-US`), not the app's dictionary. */
  agentLocale: string | null;
}

const PATHS = ['ticket.requester.name', 'currentUser.name', 'currentUser.id', 'currentUser.locale'];

const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

export function useTicketFacts(): TicketFacts {
  const client = useClient();
  const [facts, setFacts] = useState<TicketFacts>({ requesterName: null, agentName: null, agentId: null, agentLocale: null });
  useEffect(() => {
    let isCurrent = true;
    client
      .get(PATHS)
      .then((values) => {
        if (!isCurrent) return;
        const id = Number(values['currentUser.id']);
        setFacts({
          requesterName: text(values['ticket.requester.name']),
          agentName: text(values['currentUser.name']),
          agentId: Number.isInteger(id) && id > 0 ? id : null,
          agentLocale: text(values['currentUser.locale']),
        });
      })
      // Suggestions are a convenience: without them the agent types the values.
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, [client]);
  return facts;
}
