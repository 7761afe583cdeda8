/** The console: the clock in the header, then the phone, the simulated Zendesk and the sidebar side by side. */
import React, { useCallback, useRef, useState } from 'react';
import styled from 'styled-components';
import type { ZafAppHandle } from '../../zaf-host/host';
import { api, type ClockView, type TicketDetail } from './api';
import { ClockBar } from './ClockBar';
import { PhonePane } from './PhonePane';
import { SidebarSlot } from './SidebarSlot';
import { TicketPane } from './TicketPane';
import { useLiveRevision, useLoaded } from './use-live';

const Layout = styled.div`
  display: flex;
  flex-direction: column;
  height: 100%;
`;

const Panes = styled.main`
  flex: 1;
  min-height: 0;
  display: grid;
  grid-template-columns: minmax(300px, 1fr) minmax(340px, 1.3fr) minmax(300px, 360px);
  gap: 10px;
  padding: 10px;
`;

export function App() {
  const live = useLiveRevision();
  const [local, setLocal] = useState(0);
  const revision = live + local;
  const refresh = useCallback(() => setLocal((n) => n + 1), []);
  const clock = useLoaded(() => api<ClockView>('/clock'), [revision]);
  const [customer, setCustomer] = useState<string | null>(null);
  const [ticketId, setTicketId] = useState<number | null>(null);
  const [ticket, setTicket] = useState<TicketDetail | null>(null);
  const [draft, setDraft] = useState({ text: '', isPublic: true });
  const zaf = useRef<ZafAppHandle | null>(null);

  const selectCustomer = useCallback((waId: string, ticketIds: number[]) => {
    setCustomer(waId);
    if (ticketIds[0]) setTicketId(ticketIds[0]);
  }, []);
  const beforeSave = useCallback(async () => {
    const handle = zaf.current;
    if (!handle) return { ok: true as const };
    await handle.registered;
    return handle.save();
  }, []);
  const onSubmitted = useCallback(() => {
    zaf.current?.trigger('ticket.submit.done', {});
    refresh();
  }, [refresh]);
  const onHandle = useCallback((handle: ZafAppHandle | null) => {
    zaf.current = handle;
  }, []);

  return (
    <Layout>
      <ClockBar clock={clock.value} onMoved={refresh} />
      <Panes>
        <PhonePane revision={revision} selected={customer} onSelect={selectCustomer} />
        <TicketPane revision={revision} selected={ticketId} onSelect={setTicketId} beforeSave={beforeSave} onDraft={setDraft} onSubmitted={onSubmitted} onTicket={setTicket} />
        <SidebarSlot ticket={ticket} draft={draft} onHandle={onHandle} revision={revision} clockOffsetMs={clock.value?.offsetMs} />
      </Panes>
    </Layout>
  );
}
