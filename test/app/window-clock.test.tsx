/** @jest-environment jsdom */
import { act, screen } from '@testing-library/react';
import { conversationBody, createFakeZafClient, ok, requestsTo } from '../helpers/fake-zaf-client';
import { renderApp } from '../helpers/render-app';

const T0 = new Date('2026-05-12T09:30:00.000Z').getTime();

/** Moves the fake clock a minute at a time, letting each poll's answer arrive as it would. */
async function advanceMinutes(minutes: number) {
  for (let i = 0; i < minutes; i++) await act(async () => jest.advanceTimersByTime(60_000));
}

describe('the window clock', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it('when the customer wrote 22 h ago, then it is open, ticks each second, turns "closing soon" under an hour and "closed" after 24 h', async () => {
    // Read again every minute (delivery states): the bridge answers with its own clock each time.
    const body = conversationBody(22 * 60 - 0.5); // 2 h 0 min 30 s left
    const client = createFakeZafClient({ respond: () => ok({ ...body, now: new Date().toISOString() }) });
    renderApp(client);

    expect(await screen.findByText('Open')).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/^2 h 0 min left to reply freely/);

    await act(async () => jest.advanceTimersByTime(60_000));
    expect(screen.getByRole('timer').textContent).toMatch(/^1 h 59 min left/);

    await advanceMinutes(60);
    expect(screen.getByText('Closing soon')).toBeTruthy();
    const before = screen.getByRole('timer').textContent;
    expect(before).toMatch(/^Only 59 min \d+ s left/);
    await act(async () => jest.advanceTimersByTime(1000));
    expect(screen.getByRole('timer').textContent).not.toBe(before);

    await advanceMinutes(60);
    expect(screen.getByText('Closed')).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/^Closed since .+ \(0 min \d+ s ago\)/);
  });

  it('when the closing-soon setting is 180 minutes, then 2 h left is already "closing soon"', async () => {
    const client = createFakeZafClient({ settings: { closingSoonMinutes: 180 }, respond: () => ok(conversationBody(22 * 60)) });
    renderApp(client);
    expect(await screen.findByText('Closing soon')).toBeTruthy();
    expect(client.requests[0].url).toContain('closingSoonMinutes=180');
  });

  it('when the customer never wrote, then it is closed and says only a template can start the conversation', async () => {
    renderApp(createFakeZafClient({ respond: () => ok(conversationBody(null)) }));
    expect(await screen.findByText('Closed')).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/has not written yet/);
  });

  it('when the browser clock is off, then the bridge clock is used', async () => {
    // The bridge says it is 23 h 30 min after the customer's message; the browser thinks 20 h.
    const body = conversationBody(20 * 60);
    body.now = new Date(T0 + 3.5 * 3600_000).toISOString();
    renderApp(createFakeZafClient({ respond: () => ok(body) }));
    expect(await screen.findByText('Closing soon')).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/^Only 30 min 0 s left/);
  });

  it('when the ticket is saved, then the conversation is read again', async () => {
    const client = createFakeZafClient({ respond: () => ok(conversationBody(60)) });
    renderApp(client);
    await screen.findByText('Open');
    expect(requestsTo(client, /\/conversation$/)).toHaveLength(1);
    await act(async () => client.trigger('ticket.submit.done'));
    expect(requestsTo(client, /\/conversation$/)).toHaveLength(2);
  });
});
