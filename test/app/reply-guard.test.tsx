/** @jest-environment jsdom */
import { act, screen } from '@testing-library/react';
import { conversationBody, createFakeZafClient, ok, type FakeZafClient } from '../helpers/fake-zaf-client';
import { RECHECK_TIMEOUT_MS } from '../../app/hooks/useReplyGuard';
import type { ZafResponse } from '../../app/lib/zaf-client';
import { renderApp } from '../helpers/render-app';
import { shouldStopSave, visibleText } from '../../app/lib/reply-guard';
import { bridgeFailure, fakeBridge } from './template-fixtures';

const T0 = new Date('2026-05-12T09:30:00.000Z').getTime();

interface Comment { type: string; text: string; attachments?: unknown }

async function sidebar({ minutesAgo, comment, locale = 'en', respond }: { minutesAgo?: number | null; comment: Comment; locale?: string; respond?: Parameters<typeof createFakeZafClient>[0]['respond'] }) {
  const current = { ...comment };
  const client = createFakeZafClient({
    locale,
    values: { 'comment.type': () => current.type, 'ticket.comment.text': () => current.text, 'comment.attachments': () => current.attachments ?? [] },
    respond: respond ?? fakeBridge({ minutesAgo: minutesAgo === undefined ? 30 : minutesAgo }),
  });
  renderApp(client);
  return { client, comment: current };
}

async function save(client: FakeZafClient) {
  let results: PromiseSettledResult<unknown>[] = [];
  await act(async () => {
    results = await client.fire('ticket.save');
  });
  expect(results).toHaveLength(1);
  return results[0];
}

describe('the reply guard (ticket.save)', () => {
  afterEach(() => jest.useRealTimers());

  it('when the window is closed and the agent saves a public reply, then the save is stopped with a message pointing to the template picker', async () => {
    const { client } = await sidebar({ minutesAgo: 25 * 60, comment: { type: 'publicReply', text: '<p>Your order ships today</p>' } });
    await screen.findByText('Closed');
    const result = await save(client);
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatch(/24-hour window is closed.*“Send a template”/);
  });

  it('speaks the agent language', async () => {
    const { client } = await sidebar({ locale: 'it', minutesAgo: null, comment: { type: 'publicReply', text: 'Ciao' } });
    await screen.findByText('Chiusa');
    expect(((await save(client)) as PromiseRejectedResult).reason).toMatch(/finestra di 24 ore è chiusa.*“Invia un modello”/);
  });

  it.each([
    ['an internal note', 25 * 60, { type: 'internalNote', text: 'Customer called' }],
    ['a save without a comment', 25 * 60, { type: 'publicReply', text: '<p>&nbsp;</p>' }],
    ['a public reply while the window is open', 30, { type: 'publicReply', text: 'On its way' }],
  ])('lets %s pass', async (_name, minutesAgo, comment) => {
    const { client } = await sidebar({ minutesAgo, comment });
    await screen.findByRole('timer');
    expect((await save(client)).status).toBe('fulfilled');
  });

  it('when the bridge is unreachable, then the save passes (never block agents on our outage)', async () => {
    const { client } = await sidebar({ respond: () => Promise.reject({ status: 0 }), comment: { type: 'publicReply', text: 'Hello' } });
    await screen.findByText(/Can't reach the WhatsApp bridge/);
    expect((await save(client)).status).toBe('fulfilled');
  });

  it('on a ticket that is not a WhatsApp ticket, the save passes', async () => {
    const { client } = await sidebar({ respond: () => Promise.reject(bridgeFailure(404, 'not_whatsapp_ticket')), comment: { type: 'publicReply', text: 'Hello' } });
    await screen.findByText('Not a WhatsApp conversation');
    expect((await save(client)).status).toBe('fulfilled');
  });

  it('uses the clock at save time: open at load, closed a minute later, the reply is stopped; one handler all along', async () => {
    // 23 h 59 min 30 s ago: 30 s left when the sidebar loads; the customer does not write again.
    jest.useFakeTimers({ now: T0 });
    const body = conversationBody(24 * 60 - 0.5);
    const { client } = await sidebar({ respond: () => ok({ ...body, now: new Date(Date.now()).toISOString() }), comment: { type: 'publicReply', text: 'Late reply' } });
    await screen.findByText('Closing soon');
    expect((await save(client)).status).toBe('fulfilled');
    await act(async () => jest.advanceTimersByTime(31_000));
    expect((await save(client)).status).toBe('rejected');
    expect(client.handlerCount('ticket.save')).toBe(1);
  });
});

describe('the reply guard reads the conversation again before it stops a save', () => {
  afterEach(() => jest.useRealTimers());

  /** A bridge whose conversation the test changes, and whose answers it can hold back. */
  function liveBridge(minutesAgo: number) {
    const bridge = {
      minutesAgo,
      /** While set, conversation reads wait for this promise (a slow bridge). */
      holdUntil: null as Promise<void> | null,
      reads: 0,
      respond: async (): Promise<ZafResponse> => {
        bridge.reads++;
        if (bridge.holdUntil) await bridge.holdUntil;
        return ok(conversationBody(bridge.minutesAgo));
      },
    };
    return bridge;
  }

  it('when the sidebar still shows "closed" but the customer wrote since the last poll, then the reply passes and the clock shows the window open', async () => {
    const bridge = liveBridge(25 * 60);
    const { client } = await sidebar({ respond: bridge.respond, comment: { type: 'publicReply', text: 'Thanks, on it!' } });
    await screen.findByText('Closed');
    bridge.minutesAgo = 1; // the customer wrote a minute ago; no poll has run since
    const before = bridge.reads;
    expect((await save(client)).status).toBe('fulfilled');
    expect(bridge.reads).toBe(before + 1);
    expect(await screen.findByText('Open')).toBeTruthy();
  });

  it('when the window is open, then the save does not wait for the bridge (no extra read)', async () => {
    const bridge = liveBridge(30);
    const { client } = await sidebar({ respond: bridge.respond, comment: { type: 'publicReply', text: 'Hello' } });
    await screen.findByText('Open');
    const before = bridge.reads;
    expect((await save(client)).status).toBe('fulfilled');
    expect(bridge.reads).toBe(before);
  });

  it('when the window is closed and the agent saves a public reply with only an attachment, then the save is stopped', async () => {
    const bridge = liveBridge(25 * 60);
    const attachments = [{ contentType: 'image/png', contentUrl: 'https://acme.zendesk.com/attachments/token/abc/?name=receipt.png', filename: 'receipt.png' }];
    const { client } = await sidebar({ respond: bridge.respond, comment: { type: 'publicReply', text: '<p><br></p>', attachments } });
    await screen.findByText('Closed');
    const before = bridge.reads;
    const result = await save(client);
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatch(/24-hour window is closed/);
    // …after checking the window once more.
    expect(bridge.reads).toBe(before + 1);
  });

  it('an attachment-only internal note passes', async () => {
    const { client } = await sidebar({ minutesAgo: 25 * 60, comment: { type: 'internalNote', text: '', attachments: [{ filename: 'log.txt' }] } });
    await screen.findByText('Closed');
    expect((await save(client)).status).toBe('fulfilled');
  });

  it(`when the bridge is slow, then it decides on the window it has within ${RECHECK_TIMEOUT_MS / 1000} s`, async () => {
    jest.useFakeTimers({ now: T0 });
    const bridge = liveBridge(25 * 60);
    const { client } = await sidebar({ respond: bridge.respond, comment: { type: 'publicReply', text: 'Hello?' } });
    await screen.findByText('Closed');
    let release: () => void = () => undefined;
    bridge.holdUntil = new Promise((resolve) => (release = resolve));
    bridge.minutesAgo = 1; // what the slow answer would say, too late
    const before = bridge.reads;

    let settled: PromiseSettledResult<unknown> | null = null;
    void client.fire('ticket.save').then(([result]) => (settled = result));
    await act(async () => undefined);
    expect(bridge.reads).toBe(before + 1); // the read has started, and hangs
    await act(async () => jest.advanceTimersByTime(RECHECK_TIMEOUT_MS - 1));
    expect(settled).toBeNull();
    await act(async () => jest.advanceTimersByTime(1));
    expect(settled).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/24-hour window is closed/) });
    expect(bridge.reads).toBe(before + 1);
    await act(async () => release());
  });

  it('when reading the conversation again fails, then it decides on the window it has', async () => {
    let reads = 0;
    let failing = false;
    const respond = () => (++reads, failing ? Promise.reject({ status: 502 }) : ok(conversationBody(25 * 60)));
    const { client } = await sidebar({ respond, comment: { type: 'publicReply', text: 'Hello' } });
    await screen.findByText('Closed');
    failing = true;
    const before = reads;
    expect((await save(client)).status).toBe('rejected');
    expect(reads).toBe(before + 1);
  });
});

describe('shouldStopSave', () => {
  const closed = { lastCustomerMessageAt: new Date(T0 - 25 * 3600_000).toISOString(), expiresAt: new Date(T0 - 3600_000).toISOString(), state: 'closed' as const, secondsLeft: 0, closingSoonMinutes: 60 };
  it('stops only a public reply with visible text on a closed window', () => {
    expect(shouldStopSave({ window: closed, nowMs: T0, closingSoonMinutes: 60, commentType: 'publicReply', commentText: 'Hi' })).toBe(true);
    expect(shouldStopSave({ window: closed, nowMs: T0, closingSoonMinutes: 60, commentType: 'publicReply', commentText: '<p><br></p>' })).toBe(false);
    expect(shouldStopSave({ window: closed, nowMs: T0, closingSoonMinutes: 60, commentType: 'internalNote', commentText: 'Hi' })).toBe(false);
    expect(shouldStopSave({ window: null, nowMs: T0, closingSoonMinutes: 60, commentType: 'publicReply', commentText: 'Hi' })).toBe(false);
    expect(shouldStopSave({ window: closed, nowMs: T0 - 2 * 3600_000, closingSoonMinutes: 60, commentType: 'publicReply', commentText: 'Hi' })).toBe(false);
  });
  it('stops a public reply with only attachments; an unavailable attachments path counts as none', () => {
    expect(shouldStopSave({ window: closed, nowMs: T0, closingSoonMinutes: 60, commentType: 'publicReply', commentText: '', commentAttachments: [{ filename: 'a.pdf' }] })).toBe(true);
    expect(shouldStopSave({ window: closed, nowMs: T0, closingSoonMinutes: 60, commentType: 'publicReply', commentText: '', commentAttachments: [] })).toBe(false);
    expect(shouldStopSave({ window: closed, nowMs: T0, closingSoonMinutes: 60, commentType: 'publicReply', commentText: '', commentAttachments: undefined })).toBe(false);
    expect(shouldStopSave({ window: closed, nowMs: T0, closingSoonMinutes: 60, commentType: 'internalNote', commentText: '', commentAttachments: [{ filename: 'a.pdf' }] })).toBe(false);
  });
  it('reads the visible text of the editor HTML, emoji and CJK included', () => {
    expect(visibleText('<p>&nbsp;</p><p>\u00a0</p>')).toBe('');
    expect(visibleText('<p>你好 👋</p>')).toBe('你好 👋');
  });
});
