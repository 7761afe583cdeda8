/** @jest-environment jsdom */
/**
 * What the sidebar says after a template send, whatever the bridge answered: a 2xx whose body
 * says the send failed (older bridges, a repeated key) is a failure; "outcome unknown" (202, or
 * the error code) never offers a new send; only no answer at all keeps "Try again" with the key.
 */
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { BridgeError } from '../../app/lib/bridge-client';
import { outcomeOfAnswer, outcomeOfError } from '../../app/lib/send-outcome';
import { createFakeZafClient, ok, requestsTo } from '../helpers/fake-zaf-client';
import { renderApp } from '../helpers/render-app';
import { bridgeFailure, fakeBridge, type FakeBridgeOptions } from './template-fixtures';

const FACTS = { 'ticket.requester.name': 'Giulia Rossi', 'currentUser.name': 'Marco Bianchi', 'currentUser.id': 7 };
const LABELS = {
  en: ['{{1}} in the header', '{{1}} in the message', '{{2}} in the message', '{{3}} in the message', 'End of the link of the “Traccia ordine” button'],
  it: ["{{1}} nell'intestazione", '{{1}} nel messaggio', '{{2}} nel messaggio', '{{3}} nel messaggio', 'Parte finale del link del pulsante “Traccia ordine”'],
};
const BUTTONS = { en: { review: 'Review and send', send: 'Send', retry: 'Try again' }, it: { review: 'Controlla e invia', send: 'Invia', retry: 'Riprova' } };

const UNKNOWN_202 = {
  id: 'send-9', messageId: null, status: 'outcome_unknown', ticketComment: 'pending', rendered: '*Ordine #77*…', replayed: false, isUncertain: true, code: 'outcome_unknown',
  message: 'WhatsApp did not answer, so it is not known whether “order_update” reached the customer: it may have been delivered.',
};

/** Opens the sidebar, chooses the Italian order_update, fills it, reviews and sends. */
async function sendOrderUpdate(bridge: FakeBridgeOptions, locale: 'en' | 'it' = 'en') {
  const client = createFakeZafClient({ locale, values: FACTS, respond: fakeBridge(bridge) });
  renderApp(client);
  const picker = await screen.findByRole('region', { name: /^(Send a template|Invia un modello)$/ });
  const [language] = await within(picker).findAllByRole('combobox');
  fireEvent.change(language, { target: { value: '' } });
  fireEvent.click(within(picker).getByRole('button', { name: /order_update.*\(it\)/ }));
  ['#77', 'Giulia', '#77', 'venerdì', '77'].forEach((value, i) => fireEvent.change(screen.getByRole('textbox', { name: LABELS[locale][i] }), { target: { value } }));
  await act(async () => fireEvent.click(screen.getByRole('button', { name: BUTTONS[locale].review })));
  const conversationsBefore = requestsTo(client, /\/conversation$/).length;
  await act(async () => fireEvent.click(await screen.findByRole('button', { name: BUTTONS[locale].send })));
  return { client, conversationsBefore };
}

const sends = (client: ReturnType<typeof createFakeZafClient>) => requestsTo(client, /^\/tickets\/12\/templates$/).map((r) => JSON.parse(r.data!) as { idempotencyKey: string });

describe('template send outcomes in the sidebar', () => {
  it('when the bridge answers 200 {status: "failed", replayed: true} (a repeated key, older bridges), then it says "not sent", not "sent", and offers no "Try again"', async () => {
    const { client, conversationsBefore } = await sendOrderUpdate({ send: () => ok({ id: 'send-1', messageId: null, status: 'failed', ticketComment: 'failed', rendered: '…', replayed: true }) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/The template was not sent.*recorded this send as failed.*Recent messages/);
    expect(screen.queryByText('Template sent')).toBeNull();
    expect(within(alert).queryByRole('button', { name: 'Try again' })).toBeNull();
    // The reason is under Recent messages: the list is read again.
    await waitFor(() => expect(requestsTo(client, /\/conversation$/).length).toBeGreaterThan(conversationsBefore));
    // The agent may review and send again: that is a new send, with a new key.
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Review and send' })));
    await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Send' })));
    const keys = sends(client).map((s) => s.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it('when the bridge answers 202 outcome_unknown, then it says the template may have been delivered, offers no new send, locks the form and reads the delivery list again', async () => {
    const { client, conversationsBefore } = await sendOrderUpdate({ send: () => ok(UNKNOWN_202, 202) });
    const box = await screen.findByText('The template may have been delivered');
    const alert = box.closest('[role="status"]') as HTMLElement;
    expect(alert.textContent).toMatch(/may have been delivered\. Watch its delivery state under Recent messages before sending it again\./);
    expect(screen.queryByText('Template sent')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Review and send' })).toBeNull();
    expect((screen.getByRole('textbox', { name: '{{1}} in the message' }) as HTMLInputElement).disabled).toBe(true);
    await waitFor(() => expect(requestsTo(client, /\/conversation$/).length).toBe(conversationsBefore + 1));
    expect(sends(client)).toHaveLength(1);
    // Back to the list only.
    fireEvent.click(within(alert).getByRole('button', { name: 'Send another template' }));
    expect(screen.getByRole('button', { name: /order_update.*\(it\)/ })).toBeTruthy();
  });

  it('says it in the agent’s language', async () => {
    await sendOrderUpdate({ send: () => ok(UNKNOWN_202, 202) }, 'it');
    const box = await screen.findByText('Il modello potrebbe essere stato consegnato');
    expect(box.closest('[role="status"]')?.textContent).toMatch(/Controlla il suo stato di consegna in Messaggi recenti prima di inviarlo di nuovo/);
  });

  it('an error answer with the code outcome_unknown is read the same way (never "not sent", never "Try again")', async () => {
    await sendOrderUpdate({ send: () => Promise.reject(bridgeFailure(502, 'outcome_unknown', UNKNOWN_202.message)) });
    expect(await screen.findByText('The template may have been delivered')).toBeTruthy();
    expect(screen.queryByText('The template was not sent')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
  });

  it('when Meta could not be reached (502 graph_unreachable), then it is "not sent" with the bridge’s words and no "Try again" with the same key', async () => {
    const { client } = await sendOrderUpdate({ send: () => Promise.reject(bridgeFailure(502, 'graph_unreachable', 'WhatsApp did not answer: send it again later.')) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/The template was not sent.*WhatsApp did not answer: send it again later\..*req-1/);
    expect(within(alert).queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(sends(client)).toHaveLength(1);
  });

  it('when the bridge gives no answer at all, "Try again" repeats the same key; if that answer is "outcome unknown", no further send is offered', async () => {
    let attempts = 0;
    const { client } = await sendOrderUpdate({ send: () => (++attempts === 1 ? Promise.reject({ status: 504 }) : ok(UNKNOWN_202, 202)) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/No answer from the bridge/);
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Try again' })));
    expect(await screen.findByText('The template may have been delivered')).toBeTruthy();
    const keys = sends(client).map((s) => s.idempotencyKey);
    expect(keys).toEqual([keys[0], keys[0]]);
    expect(screen.queryByRole('button', { name: /Try again|Review and send/ })).toBeNull();
  });

  it('a 201 accepted is still "Template sent"', async () => {
    await sendOrderUpdate({});
    const title = await screen.findByText('Template sent');
    expect(title.closest('[role="status"]')?.textContent).toMatch(/went to Giulia Rossi/);
  });
});

describe('outcomeOfAnswer / outcomeOfError', () => {
  const base = { id: 's', messageId: 'wamid.1', ticketComment: 'added', rendered: '…', replayed: false };
  it('reads the body, not the HTTP status', () => {
    expect(outcomeOfAnswer({ ...base, status: 'accepted' }).kind).toBe('sent');
    expect(outcomeOfAnswer({ ...base, status: 'failed', replayed: true }).kind).toBe('failed');
    expect(outcomeOfAnswer({ ...base, status: 'not_sent' }).kind).toBe('failed');
    expect(outcomeOfAnswer({ ...base, status: 'outcome_unknown' })).toEqual({ kind: 'uncertain', message: null });
    expect(outcomeOfAnswer({ ...base, status: 'accepted', isUncertain: true }).kind).toBe('uncertain');
    // A status this app does not know is not claimed as sent, nor offered again.
    expect(outcomeOfAnswer({ ...base, status: 'queued' }).kind).toBe('uncertain');
  });
  it('an error is a failure unless its code says the outcome is unknown', () => {
    expect(outcomeOfError(new BridgeError('server', 502, 'x', 'outcome_unknown')).kind).toBe('uncertain');
    expect(outcomeOfError(new BridgeError('server', 502, 'x', 'graph_unreachable')).kind).toBe('failed');
    expect(outcomeOfError(new BridgeError('unreachable', 0, 'x')).kind).toBe('failed');
  });
});
