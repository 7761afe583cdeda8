/** @jest-environment jsdom */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { FAST_POLL_MS, RETRY_POLL_MS, SLOW_POLL_MS } from '../../app/lib/conversation-polling';
import type { ZafRequestOptions, ZafResponse } from '../../app/lib/zaf-client';
import { bridgeFailure, conversationBody, createFakeZafClient, ok, requestsTo } from '../helpers/fake-zaf-client';
import { renderApp } from '../helpers/render-app';
import { fakeBridge } from './template-fixtures';

const T0 = new Date('2026-05-12T09:30:00.000Z').getTime();
const FACTS = { 'ticket.requester.name': 'Giulia Rossi', 'currentUser.name': 'Marco Bianchi', 'currentUser.id': 7 };
const conversationRequests = (client: ReturnType<typeof createFakeZafClient>) => requestsTo(client, /\/conversation$/);

/** An agent's template sent `secondsAgo` before the bridge's now, in `state`. */
function withOutbound(state: string, secondsAgo: number, extra: Record<string, unknown> = {}) {
  const body = conversationBody(30);
  const now = Date.now();
  return {
    ...body,
    now: new Date(now).toISOString(),
    messages: [
      { id: 'wamid.NEW', direction: 'outbound', type: 'template', text: 'Order #77 shipped', at: new Date(now - secondsAgo * 1000).toISOString(), state, failureReason: null, template: { name: 'order_update', language: 'it' }, reaction: null, ...extra },
      ...body.messages.slice(2),
    ],
  };
}

async function advance(ms: number) {
  await act(async () => jest.advanceTimersByTime(ms));
}

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('delivery states stay live', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => {
    jest.useRealTimers();
    setVisibility('visible');
  });

  it('when a message just sent is on its way, then it polls every 5 s until delivered, then every 60 s', async () => {
    let state = 'accepted';
    const client = createFakeZafClient({ respond: () => ok(withOutbound(state, 10)) });
    renderApp(client);
    expect(await screen.findByText('Accepted')).toBeTruthy();
    expect(conversationRequests(client)).toHaveLength(1);

    await advance(FAST_POLL_MS);
    expect(conversationRequests(client)).toHaveLength(2);
    state = 'sent';
    await advance(FAST_POLL_MS);
    expect(conversationRequests(client)).toHaveLength(3);
    expect(within(screen.getByRole('list')).getByText('Sent')).toBeTruthy();

    state = 'delivered';
    await advance(FAST_POLL_MS);
    expect(within(screen.getByRole('list')).getByText('Delivered')).toBeTruthy();
    const afterDelivered = conversationRequests(client).length;
    await advance(SLOW_POLL_MS - 1000);
    expect(conversationRequests(client)).toHaveLength(afterDelivered);
    await advance(1000);
    expect(conversationRequests(client)).toHaveLength(afterDelivered + 1);
  });

  it('when nothing recent is on its way (an old message still "sent"), then it polls only every 60 s', async () => {
    const client = createFakeZafClient({ respond: () => ok(withOutbound('sent', 10 * 60)) });
    renderApp(client);
    expect(await screen.findByText('Open')).toBeTruthy();
    await advance(SLOW_POLL_MS - 1000);
    expect(conversationRequests(client)).toHaveLength(1);
    await advance(1000);
    expect(conversationRequests(client)).toHaveLength(2);
  });

  it('when the sidebar is hidden, then it stops polling; when it is shown again, it reads at once', async () => {
    const client = createFakeZafClient({ respond: () => ok(withOutbound('accepted', 10)) });
    renderApp(client);
    expect(await screen.findByText('Accepted')).toBeTruthy();

    await act(async () => setVisibility('hidden'));
    await advance(10 * SLOW_POLL_MS);
    expect(conversationRequests(client)).toHaveLength(1);

    await act(async () => setVisibility('visible'));
    expect(conversationRequests(client)).toHaveLength(2);
    await advance(FAST_POLL_MS);
    expect(conversationRequests(client)).toHaveLength(3);
  });

  it.each([
    ['en', 'Not updated since {{time}} — retrying'],
    ['it', 'Non aggiornato dalle {{time}} — nuovo tentativo in corso'],
  ])('when a background refresh fails (%s), then the conversation and the typed search stay, with a small notice, until it works again', async (locale, wording) => {
    // The time of the last good read (T0), in the agent's language and the browser's time zone.
    const notice = wording.replace('{{time}}', new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(T0));
    let isDown = false;
    const bridge = fakeBridge();
    const respond = (options: ZafRequestOptions): Promise<ZafResponse> | ZafResponse =>
      isDown && /\/conversation\?/.test(options.url) ? Promise.reject({ status: 0 }) : bridge(options);
    const client = createFakeZafClient({ locale, values: FACTS, respond });
    renderApp(client);
    const picker = await screen.findByRole('region', { name: locale === 'it' ? 'Invia un modello' : 'Send a template' });
    const search = await within(picker).findByRole('searchbox');
    fireEvent.change(search, { target: { value: 'ordine spedito' } });

    isDown = true;
    await advance(SLOW_POLL_MS);
    expect(conversationRequests(client)).toHaveLength(2);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Giulia Rossi')).toBeTruthy();
    expect(screen.getByRole('timer')).toBeTruthy();
    expect(screen.getByText(notice).getAttribute('role')).toBe('status');
    expect((within(picker).getByRole('searchbox') as HTMLInputElement).value).toBe('ordine spedito');

    // It retries sooner than the slow poll, and the notice goes once a read works.
    isDown = false;
    await advance(RETRY_POLL_MS);
    expect(conversationRequests(client)).toHaveLength(3);
    expect(screen.queryByText(notice)).toBeNull();
    expect((within(picker).getByRole('searchbox') as HTMLInputElement).value).toBe('ordine spedito');
  });

  it('when a background refresh is rate limited, then the next try waits for Retry-After', async () => {
    let isLimited = false;
    const client = createFakeZafClient({ respond: () => (isLimited ? Promise.reject(bridgeFailure(429, 'rate_limited', 'slow down', { 'Retry-After': '40' })) : ok(conversationBody(30))) });
    renderApp(client);
    expect(await screen.findByText('Open')).toBeTruthy();
    isLimited = true;
    await advance(SLOW_POLL_MS);
    expect(screen.getByText(/^Not updated since .* — retrying$/)).toBeTruthy();
    await advance(39_000);
    expect(conversationRequests(client)).toHaveLength(2);
    await advance(1000);
    expect(conversationRequests(client)).toHaveLength(3);
  });
});

describe('the customer’s reactions', () => {
  it.each([
    ['en', 'Customer reacted 👍'],
    ['it', 'Il cliente ha reagito con 👍'],
    ['zh-cn', '客户回应了 👍'],
  ])('when the customer reacted to a message (%s), then the emoji shows on it with a spoken label', async (locale, label) => {
    const client = createFakeZafClient({ locale, respond: () => ok(withOutbound('read', 60, { reaction: '👍' })) });
    renderApp(client);
    const reaction = await screen.findByRole('img', { name: label });
    expect(reaction.textContent).toBe('👍');
    expect(reaction.closest('li')?.getAttribute('data-state')).toBe('read');
    // Only that message: the others carry no reaction.
    expect(screen.getAllByRole('img', { name: label })).toHaveLength(1);
  });

  it('when the customer removed their reaction (null), then nothing shows', async () => {
    renderApp(createFakeZafClient({ respond: () => ok(withOutbound('read', 60, { reaction: null })) }));
    expect(await screen.findByText('Read')).toBeTruthy();
    expect(screen.queryByRole('img', { name: /Customer reacted/ })).toBeNull();
  });
});
