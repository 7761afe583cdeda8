import { useRef } from 'react';
import styled from 'styled-components';
import { BridgeErrorNotice } from '../components/BridgeErrorNotice';
import { ContactCard } from '../components/ContactCard';
import { DeliveryList } from '../components/DeliveryList';
import { LoadingState } from '../components/LoadingState';
import { NotWhatsApp } from '../components/NotWhatsApp';
import { StaleNotice } from '../components/StaleNotice';
import { TemplatePicker } from '../components/TemplatePicker';
import { WindowClock } from '../components/WindowClock';
import { useAutoResize } from '../hooks/useAutoResize';
import { useConversation } from '../hooks/useConversation';
import { useI18n } from '../hooks/useI18n';
import { useReplyGuard } from '../hooks/useReplyGuard';
import type { AppSettings, ILocationProps } from './types';

const StyledSidebar = styled.main`
  padding: ${(p) => p.theme.space.xs} 0;
`;

function TicketConversation({ ticketId, settings }: { ticketId: number; settings: AppSettings }) {
  const { locale } = useI18n();
  const { state, reload, refresh, recheck } = useConversation(ticketId, { closingSoonMinutes: settings.closingSoonMinutes, locale });
  useReplyGuard(state, settings.closingSoonMinutes, { recheck });
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.kind === 'not_whatsapp') {
      return (
        <>
          <NotWhatsApp />
          <TemplatePicker ticketId={ticketId} contact={null} unavailable="not_whatsapp" />
        </>
      );
    }
    return (
      <>
        <BridgeErrorNotice error={state.error} onRetry={reload} />
        <TemplatePicker ticketId={ticketId} contact={null} unavailable="bridge" />
      </>
    );
  }
  const { conversation, clockOffsetMs, updatedAt, refreshError } = state;
  return (
    <>
      {refreshError && <StaleNotice updatedAt={updatedAt} error={refreshError} />}
      <ContactCard contact={conversation.contact} />
      <WindowClock window={conversation.window} clockOffsetMs={clockOffsetMs} closingSoonMinutes={settings.closingSoonMinutes} />
      <DeliveryList messages={conversation.messages} nowMs={Date.parse(conversation.now)} />
      <TemplatePicker ticketId={ticketId} contact={conversation.contact} onSent={refresh} />
    </>
  );
}

export function TicketSidebar({ context, settings }: ILocationProps) {
  const ref = useRef<HTMLElement>(null);
  useAutoResize(ref);
  return (
    <StyledSidebar ref={ref}>
      {/* A new, unsaved ticket has no id and so no WhatsApp conversation yet. */}
      {context.ticketId ? <TicketConversation key={context.ticketId} ticketId={context.ticketId} settings={settings} /> : <NotWhatsApp />}
    </StyledSidebar>
  );
}
