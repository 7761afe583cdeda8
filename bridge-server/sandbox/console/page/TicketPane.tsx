/**
 * The simulated Zendesk as an agent sees it: the ticket list, the selected ticket's public
 * comments and internal notes (author, attachments), and the reply box with the public reply /
 * internal note toggle. Before a public reply is saved, the sidebar's `ticket.save` hooks run
 * (`beforeSave`), as Zendesk runs them: the app's reply guard can stop the reply, and its message
 * is shown here instead of posting.
 */
import React, { useEffect, useState } from 'react';
import styled from 'styled-components';
import { api, type TicketDetail, type TicketSummary } from './api';
import { useLoaded } from './use-live';
import { Alert, Button, colors, Label, Muted, PickList, Pane, PaneTitle, TextArea } from './styles';

const Status = styled.span<{ $status: string }>`
  display: inline-block;
  min-width: 52px;
  text-align: center;
  border-radius: 4px;
  padding: 0 4px;
  font-size: 11px;
  text-transform: capitalize;
  color: #fff;
  background: ${(p) => ({ new: '#ffb648', open: '#e34f32', pending: '#3091ec', hold: '#2f3941', solved: '#87929d', closed: '#c2c8cc' })[p.$status] ?? '#87929d'};
`;

const Conversation = styled.ol`
  list-style: none;
  margin: 0;
  padding: 10px;
  flex: 1;
  overflow-y: auto;
  display: flex;
  flex-direction: column;
  gap: 8px;
`;

const Comment = styled.li<{ $note: boolean }>`
  border: 1px solid ${(p) => (p.$note ? '#f5d58a' : colors.zdBorder)};
  background: ${(p) => (p.$note ? colors.zdNote : '#fff')};
  border-radius: 6px;
  padding: 6px 8px;
  font-size: 14px;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
`;

export interface TicketPaneProps {
  revision: number;
  selected: number | null;
  onSelect(id: number): void;
  /** Runs the sidebar's save hooks; `ok: false` stops a public reply. */
  beforeSave(): Promise<{ ok: true } | { ok: false; message: string }>;
  onDraft(draft: { text: string; isPublic: boolean }): void;
  onSubmitted(): void;
  onTicket(ticket: TicketDetail | null): void;
}

export function TicketPane({ revision, selected, onSelect, beforeSave, onDraft, onSubmitted, onTicket }: TicketPaneProps) {
  const tickets = useLoaded(() => api<{ tickets: TicketSummary[] }>('/tickets'), [revision]);
  const ticket = useLoaded(() => (selected ? api<{ ticket: TicketDetail }>(`/tickets/${selected}`) : Promise.resolve(null)), [selected, revision]);
  const [text, setText] = useState('');
  const [isPublic, setPublic] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const detail = ticket.value?.ticket && ticket.value.ticket.id === selected ? ticket.value.ticket : null;

  useEffect(() => {
    if (!selected && tickets.value?.tickets[0]) onSelect(tickets.value.tickets[0].id);
  }, [tickets.value, selected, onSelect]);
  useEffect(() => onDraft({ text, isPublic }), [text, isPublic, onDraft]);
  useEffect(() => onTicket(detail), [detail?.id, detail?.updatedAt, detail?.comments.length]); // eslint-disable-line react-hooks/exhaustive-deps

  const submit = async () => {
    if (!detail) return;
    setBusy(true);
    setError(null);
    try {
      if (isPublic) {
        const verdict = await beforeSave();
        if (!verdict.ok) {
          setError(verdict.message);
          return;
        }
      }
      await api(`/tickets/${detail.id}/comments`, { body: { body: text, public: isPublic } });
      setText('');
      onSubmitted();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Pane aria-label="Simulated Zendesk">
      <PaneTitle>🎫 Simulated Zendesk</PaneTitle>
      <PickList aria-label="Tickets" $maxHeight={160} $current="#edf7ff">
        {(tickets.value?.tickets ?? []).map((t) => (
          <li key={t.id}>
            <button type="button" aria-current={t.id === selected} onClick={() => onSelect(t.id)}>
              <Status $status={t.status}>{t.status}</Status> #{t.id} <span dir="auto">{t.subject ?? '(no subject)'}</span>
              <br />
              <Muted dir="auto">{t.requester.name}</Muted>
            </button>
          </li>
        ))}
        {tickets.value?.tickets.length === 0 && <li style={{ padding: 12 }}>No tickets yet: send a message from the phone.</li>}
      </PickList>
      {detail ? (
        <>
          <div style={{ padding: '6px 10px', borderBottom: `1px solid ${colors.zdBorder}` }}>
            <strong dir="auto">
              #{detail.id} {detail.subject}
            </strong>{' '}
            <Status $status={detail.status}>{detail.status}</Status>
            <br />
            <Muted>
              Requester: <span dir="auto">{detail.requester.name}</span> {detail.requester.phone ?? ''}
            </Muted>
          </div>
          <Conversation aria-label={`Ticket #${detail.id} conversation`}>
            {detail.comments.map((c) => (
              <Comment key={c.id} $note={!c.public} aria-label={c.public ? `Public comment by ${c.author.name}` : `Internal note by ${c.author.name}`}>
                <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                  <strong dir="auto">{c.author.name}</strong>
                  <Muted>
                    {c.public ? '' : 'Internal note · '}
                    {new Date(c.createdAt).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })}
                  </Muted>
                </div>
                <div dir="auto">{c.body}</div>
                {c.attachments.length > 0 && (
                  <ul aria-label="Attachments" style={{ margin: '4px 0 0', paddingInlineStart: 18 }}>
                    {c.attachments.map((a) => (
                      <li key={a.id}>
                        {a.contentType.startsWith('image/') && <img src={a.url} alt={a.fileName} style={{ maxWidth: 120, display: 'block' }} />}
                        <a href={a.url} target="_blank" rel="noreferrer">
                          {a.fileName}
                        </a>{' '}
                        <Muted>({Math.max(1, Math.round(a.size / 1024))} KB)</Muted>
                      </li>
                    ))}
                  </ul>
                )}
              </Comment>
            ))}
          </Conversation>
          <form
            style={{ borderTop: `1px solid ${colors.zdBorder}`, padding: 8, display: 'flex', flexDirection: 'column', gap: 6, background: isPublic ? '#fff' : colors.zdNote }}
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <div role="radiogroup" aria-label="Reply type" style={{ display: 'flex', gap: 12, fontSize: 13 }}>
              <label>
                <input type="radio" name="reply-type" checked={isPublic} onChange={() => setPublic(true)} /> Public reply
              </label>
              <label>
                <input type="radio" name="reply-type" checked={!isPublic} onChange={() => setPublic(false)} /> Internal note
              </label>
            </div>
            <Label>
              {isPublic ? 'Public reply' : 'Internal note'}
              <TextArea aria-label="Reply" value={text} dir="auto" rows={3} onChange={(e) => setText(e.target.value)} />
            </Label>
            <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8, alignItems: 'center' }}>
              <Muted>{isPublic ? 'Goes to the customer on WhatsApp' : 'Only agents see it'}</Muted>
              <Button $primary type="submit" disabled={busy || !text.trim()}>
                Submit
              </Button>
            </div>
            {error && <Alert role="alert">{error}</Alert>}
          </form>
        </>
      ) : (
        <p style={{ padding: 12 }}>{selected ? 'Loading the ticket…' : 'Pick a ticket.'}</p>
      )}
      {(tickets.error ?? ticket.error) && <Alert role="alert">{tickets.error ?? ticket.error}</Alert>}
    </Pane>
  );
}
