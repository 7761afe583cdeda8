/**
 * The app slot beside the ticket: the real built sidebar (dist/) in an iframe, with this page
 * playing Zendesk's part through the ZAF host (../../zaf-host). Like Zendesk, the app is created
 * afresh for each ticket; the reply box's text and type are what `comment.type` and
 * `ticket.comment.text` read.
 */
import React, { useEffect, useRef } from 'react';
import { mountZafApp, type ZafAppHandle } from '../../zaf-host/host';
import { api, type SidebarInfo, type TicketDetail } from './api';
import { useLoaded } from './use-live';
import { Alert, Muted, Pane, PaneTitle } from './styles';

export interface SidebarSlotProps {
  ticket: TicketDetail | null;
  draft: { text: string; isPublic: boolean };
  onHandle(handle: ZafAppHandle | null): void;
  revision: number;
  /** How far the sandbox clock is ahead of real time (from /api/clock). */
  clockOffsetMs?: number;
}

export const CURRENT_USER = { id: 1, name: 'Sandbox Admin', email: 'admin@sandbox.example', locale: 'en', role: 'admin' };

export function SidebarSlot({ ticket, draft, onHandle, revision, clockOffsetMs }: SidebarSlotProps) {
  const info = useLoaded(() => api<SidebarInfo>('/sidebar'), [revision]);
  const ready = info.value?.state === 'ready';
  const iframeRef = useRef<HTMLIFrameElement>(null);
  const handleRef = useRef<ZafAppHandle | null>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const ticketId = ticket?.id ?? null;

  useEffect(() => {
    if (!ready || !ticket || !iframeRef.current || !info.value) return;
    const handle = mountZafApp({
      iframe: iframeRef.current,
      appUrl: info.value.appUrl,
      location: 'ticket_sidebar',
      settings: info.value.settings,
      proxyUrl: info.value.proxyUrl,
      metadata: { name: 'WhatsApp for Zendesk', version: 'sandbox' },
      data: {
        ticket: {
          id: ticket.id,
          subject: ticket.subject,
          status: ticket.status,
          requester: { id: ticket.requester.id, name: ticket.requester.name, email: ticket.requester.email, phone: ticket.requester.phone },
          comment: { text: draftRef.current.text },
        },
        currentUser: CURRENT_USER,
        comment: { type: draftRef.current.isPublic ? 'publicReply' : 'internalNote', text: draftRef.current.text },
      },
    });
    handleRef.current = handle;
    onHandle(handle);
    return () => {
      handle.destroy();
      handleRef.current = null;
      onHandle(null);
    };
    // Re-created per ticket, as Zendesk does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ready, ticketId]);

  useEffect(() => {
    const handle = handleRef.current;
    if (!handle) return;
    handle.setData('ticket.comment.text', draft.text);
    handle.setData('comment.text', draft.text);
    handle.setData('comment.type', draft.isPublic ? 'publicReply' : 'internalNote');
  }, [draft.text, draft.isPublic]);

  // Zendesk tells the app when the ticket changed (a new comment, a status).
  const updatedAt = ticket?.updatedAt;
  const status = ticket?.status;
  useEffect(() => {
    const handle = handleRef.current;
    if (!handle || !updatedAt) return;
    handle.setData('ticket.status', status);
    handle.trigger('ticket.updated', { updatedAt });
  }, [updatedAt, status]);

  // Moving the sandbox clock has no Zendesk counterpart: the app learns the bridge's time when it
  // reads the conversation, so the console sends the event Zendesk sends when a ticket changes,
  // and the window clock and the reply guard follow the move at once.
  const seenOffset = useRef(clockOffsetMs);
  useEffect(() => {
    if (clockOffsetMs === undefined || seenOffset.current === clockOffsetMs) return;
    seenOffset.current = clockOffsetMs;
    handleRef.current?.trigger('ticket.updated', {});
  }, [clockOffsetMs]);

  return (
    <Pane aria-label="Sidebar app">
      <PaneTitle>🧩 Sidebar app (ticket_sidebar)</PaneTitle>
      {!ticket && <p style={{ padding: 12 }}>Pick a ticket: the app opens beside it, as in Zendesk.</p>}
      {info.value?.state === 'building' && <p style={{ padding: 12 }}>Building the sidebar app (npm run build:app)… it appears here when ready.</p>}
      {info.value?.state === 'off' && <p style={{ padding: 12 }}>The sidebar app is not served by this console (started without building it).</p>}
      {info.value?.state === 'failed' && <Alert role="alert">{info.value.message}</Alert>}
      {ready && ticket && (
        // Zendesk's apps panel pads the app's iframe; the app sizes itself to 100% of what is left.
        <div style={{ padding: '0 12px', flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
          <iframe
            key={ticket.id}
            ref={iframeRef}
            title="WhatsApp for Zendesk sidebar"
            style={{ border: 0, width: '100%', flex: 1, minHeight: 400 }}
          />
        </div>
      )}
      {info.error && <Alert role="alert">{info.error}</Alert>}
      <Muted style={{ padding: '4px 8px' }}>Bridge: {String(info.value?.settings.bridgeUrl ?? '…')}</Muted>
    </Pane>
  );
}
