/**
 * The customer's phone: pick or add a customer, their WhatsApp chat with ticks (✓ sent,
 * ✓✓ delivered, blue ✓✓ read), and what a customer can do: write, send a picture, a document, a
 * location, react to an agent message, read the chat. Customers' text is shown as typed
 * (`dir="auto"` for right-to-left scripts).
 */
import React, { useEffect, useRef, useState } from 'react';
import styled from 'styled-components';
import { api, type ChatEntry, type Customer, type Tick } from './api';
import { useLoaded } from './use-live';
import { Alert, Button, colors, Input, Label, Muted, PickList, Pane, PaneTitle, TextArea } from './styles';

const Chat = styled.ol`
  list-style: none;
  margin: 0;
  padding: 10px;
  flex: 1;
  overflow-y: auto;
  background: ${colors.waBackground};
  display: flex;
  flex-direction: column;
  gap: 6px;
`;

const Bubble = styled.li<{ $out: boolean }>`
  align-self: ${(p) => (p.$out ? 'flex-end' : 'flex-start')};
  max-width: 80%;
  background: ${(p) => (p.$out ? colors.waBubbleOut : colors.waBubbleIn)};
  border-radius: 8px;
  padding: 6px 8px 4px;
  box-shadow: 0 1px 0.5px rgba(11, 20, 26, 0.13);
  font-size: 14px;
  position: relative;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  img {
    max-width: 100%;
    border-radius: 6px;
    display: block;
  }
`;

const Meta = styled.span`
  display: flex;
  justify-content: flex-end;
  align-items: center;
  gap: 4px;
  font-size: 11px;
  color: ${colors.muted};
`;

const Reaction = styled.span`
  position: absolute;
  bottom: -10px;
  inset-inline-start: 8px;
  background: #fff;
  border-radius: 10px;
  padding: 0 4px;
  font-size: 13px;
  box-shadow: 0 1px 2px rgba(0, 0, 0, 0.2);
`;

const Composer = styled.div`
  display: flex;
  flex-direction: column;
  gap: 6px;
  padding: 8px;
  border-top: 1px solid ${colors.zdBorder};
`;

const Row = styled.div`
  display: flex;
  gap: 6px;
  flex-wrap: wrap;
  align-items: flex-end;
`;

const TICK_LABEL: Record<Tick, string> = { pending: 'pending', sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

function Ticks({ tick }: { tick: Tick }) {
  const glyph = tick === 'pending' ? '🕓' : tick === 'sent' ? '✓' : tick === 'failed' ? '⚠' : '✓✓';
  return (
    <span aria-label={TICK_LABEL[tick]} title={TICK_LABEL[tick]} data-tick={tick} style={{ color: tick === 'read' ? colors.tickBlue : tick === 'failed' ? colors.danger : colors.muted, fontWeight: 600 }}>
      {glyph}
    </span>
  );
}

const REACTIONS = ['👍', '❤️', '😂', '🙏'];

function Message({ entry, onReact }: { entry: ChatEntry; onReact(emoji: string): void }) {
  const time = new Date(entry.at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const who = entry.direction === 'out' ? 'Business' : 'Customer';
  return (
    <Bubble $out={entry.direction === 'out'} data-direction={entry.direction} aria-label={`${who} message`}>
      {entry.template && (
        <div>
          {entry.template.header?.text && <strong dir="auto">{entry.template.header.text}</strong>}
          {entry.template.header?.media && <Muted>[{entry.template.header.media}]</Muted>}
          <div dir="auto">{entry.template.body}</div>
          {entry.template.footer && <Muted dir="auto">{entry.template.footer}</Muted>}
          {entry.template.buttons.length > 0 && (
            <div style={{ display: 'flex', gap: 4, flexWrap: 'wrap', marginTop: 4 }}>
              {entry.template.buttons.map((b) => (
                <Muted key={b} style={{ border: `1px solid ${colors.zdBorder}`, borderRadius: 4, padding: '0 4px' }} dir="auto">
                  {b}
                </Muted>
              ))}
            </div>
          )}
        </div>
      )}
      {entry.media &&
        (entry.media.mimeType.startsWith('image/') || entry.type === 'image' ? (
          <img src={entry.media.url} alt={entry.caption ?? entry.media.fileName} />
        ) : (
          <a href={entry.media.url} target="_blank" rel="noreferrer">
            📄 {entry.media.fileName}
          </a>
        ))}
      {entry.location && (
        <div>
          📍 <span dir="auto">{entry.location.name ?? 'Location'}</span>
          {entry.location.address && (
            <>
              <br />
              <Muted dir="auto">{entry.location.address}</Muted>
            </>
          )}
          <br />
          <Muted>
            {entry.location.latitude.toFixed(5)}, {entry.location.longitude.toFixed(5)}
          </Muted>
        </div>
      )}
      {entry.text !== null && <div dir="auto">{entry.text}</div>}
      {entry.caption && <div dir="auto">{entry.caption}</div>}
      {entry.error && <Alert role="alert">{entry.error}</Alert>}
      <Meta>
        {entry.direction === 'out' &&
          REACTIONS.map((emoji) => (
            <Button key={emoji} $small type="button" aria-label={`React with ${emoji}`} onClick={() => onReact(emoji)} style={{ padding: '0 3px', border: 0, background: 'transparent' }}>
              {emoji}
            </Button>
          ))}
        <span>{time}</span>
        <Ticks tick={entry.tick} />
      </Meta>
      {entry.reaction && <Reaction aria-label={`Reaction ${entry.reaction}`}>{entry.reaction}</Reaction>}
    </Bubble>
  );
}

export function PhonePane({ revision, selected, onSelect }: { revision: number; selected: string | null; onSelect(waId: string, ticketIds: number[]): void }) {
  const customers = useLoaded(() => api<{ customers: Customer[] }>('/customers'), [revision]);
  const chat = useLoaded(() => (selected ? api<{ messages: ChatEntry[] }>(`/customers/${selected}/chat`) : Promise.resolve(null)), [selected, revision]);
  const [name, setName] = useState('');
  const [number, setNumber] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chatRef = useRef<HTMLOListElement>(null);
  const current = customers.value?.customers.find((c) => c.waId === selected) ?? null;

  useEffect(() => {
    if (!selected && customers.value?.customers[0]) onSelect(customers.value.customers[0].waId, customers.value.customers[0].ticketIds);
  }, [customers.value, selected, onSelect]);
  const count = chat.value?.messages.length ?? 0;
  useEffect(() => {
    chatRef.current?.scrollTo({ top: chatRef.current.scrollHeight });
  }, [count, selected]);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError((e as Error).message);
      return false;
    } finally {
      setBusy(false);
    }
  };
  const send = (body: Record<string, unknown>) => run(() => api(`/customers/${selected}/messages`, { body }));

  return (
    <Pane aria-label="Customer phone">
      <PaneTitle>📱 Customer phone</PaneTitle>
      <PickList aria-label="Customers" $maxHeight={150} $current="#e7f8ee">
        {(customers.value?.customers ?? []).map((c) => (
          <li key={c.waId}>
            <button type="button" aria-current={c.waId === selected} onClick={() => onSelect(c.waId, c.ticketIds)}>
              <span dir="auto">{c.name}</span> <Muted>+{c.waId}</Muted>
              {c.lastMessage && (
                <>
                  <br />
                  <Muted dir="auto">{c.lastMessage.preview}</Muted>
                </>
              )}
            </button>
          </li>
        ))}
      </PickList>
      <form
        aria-label="New customer"
        style={{ display: 'flex', flexWrap: 'wrap', gap: 6, padding: 8, alignItems: 'flex-end', borderBottom: `1px solid ${colors.zdBorder}` }}
        onSubmit={async (e) => {
          e.preventDefault();
          let created: { customer: Customer } | null = null;
          const ok = await run(async () => {
            created = await api<{ customer: Customer }>('/customers', { body: { name, number } });
          });
          if (ok && created) {
            setName('');
            setNumber('');
            onSelect((created as { customer: Customer }).customer.waId, []);
          }
        }}
      >
        <Label style={{ flex: 1 }}>
          Customer name
          <Input value={name} onChange={(e) => setName(e.target.value)} dir="auto" placeholder="王小明 · فاطمة · Ana 🌻" />
        </Label>
        <Label style={{ flex: 1 }}>
          WhatsApp number
          <Input value={number} onChange={(e) => setNumber(e.target.value)} placeholder="+39 333 123 4567" inputMode="tel" />
        </Label>
        <Button type="submit" disabled={busy}>
          Add customer
        </Button>
      </form>
      {current ? (
        <>
          <div style={{ padding: '6px 10px', background: colors.waDark, color: '#fff', display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
            <span>
              <strong dir="auto">{current.name}</strong> <span style={{ opacity: 0.8 }}>+{current.waId}</span>
            </span>
            <Button $small type="button" disabled={busy} onClick={() => void run(() => api(`/customers/${current.waId}/read`, { body: {} }))}>
              Mark as read
            </Button>
          </div>
          <Chat ref={chatRef} aria-label={`Chat with ${current.name}`}>
            {(chat.value?.messages ?? []).map((m) => (
              <Message key={m.id} entry={m} onReact={(emoji) => void send({ type: 'reaction', messageId: m.id, emoji })} />
            ))}
          </Chat>
          <Composer>
            <form
              style={{ display: 'flex', gap: 6, alignItems: 'flex-end' }}
              onSubmit={async (e) => {
                e.preventDefault();
                if (await send({ type: 'text', text })) setText('');
              }}
            >
              <Label style={{ flex: 1 }}>
                Message
                <TextArea
                  value={text}
                  dir="auto"
                  rows={2}
                  onChange={(e) => setText(e.target.value)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.shiftKey) {
                      e.preventDefault();
                      e.currentTarget.form?.requestSubmit();
                    }
                  }}
                />
              </Label>
              <Button $primary type="submit" disabled={busy || !text.trim()}>
                Send
              </Button>
            </form>
            <Row>
              <Button $small type="button" disabled={busy} onClick={() => void send({ type: 'image', caption: text.trim() || undefined }).then((ok) => ok && setText(''))}>
                Send a picture
              </Button>
              <Button $small type="button" disabled={busy} onClick={() => void send({ type: 'document', caption: text.trim() || undefined }).then((ok) => ok && setText(''))}>
                Send a document
              </Button>
              <Button $small type="button" disabled={busy} onClick={() => void send({ type: 'location', latitude: 45.4642, longitude: 9.19, name: 'Piazza del Duomo', address: 'Piazza del Duomo, 20122 Milano MI, Italy' })}>
                Send a location
              </Button>
            </Row>
            {(error ?? chat.error) && <Alert role="alert">{error ?? chat.error}</Alert>}
          </Composer>
        </>
      ) : (
        <p style={{ padding: 12 }}>Add a customer to start a chat.</p>
      )}
      {customers.error && <Alert role="alert">{customers.error}</Alert>}
    </Pane>
  );
}
