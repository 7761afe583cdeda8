/** @jest-environment jsdom */
import { act, fireEvent, screen, within } from '@testing-library/react';
import { bridgeFailure, conversationBody, createFakeZafClient, ok } from '../helpers/fake-zaf-client';
import { renderApp } from '../helpers/render-app';

describe('the ticket sidebar', () => {
  it('calls the bridge only through the proxy, with the key as a secure setting placeholder', async () => {
    const client = createFakeZafClient({ locale: 'it', respond: () => ok(conversationBody(30)) });
    renderApp(client);
    expect(await screen.findByText('Giulia Rossi')).toBeTruthy();
    expect(client.requests[0]).toMatchObject({
      url: expect.stringMatching(/^\{\{setting\.bridgeUrl\}\}\/api\/v1\/tickets\/12\/conversation\?/),
      type: 'GET',
      secure: true,
      headers: { Authorization: 'Bearer {{setting.bridgeApiKey}}' },
    });
    expect(client.requests[0].url).toContain('locale=it');
  });

  it('shows the contact, the clock and delivery states with the failure reason, in the agent language', async () => {
    renderApp(createFakeZafClient({ locale: 'it', respond: () => ok(conversationBody(30)) }));
    expect(await screen.findByText('+393331234567')).toBeTruthy();
    expect(screen.getByText('Aperta')).toBeTruthy();
    const list = screen.getByRole('list');
    expect(within(list).getByText('Non riuscito')).toBeTruthy();
    expect(within(list).getByText('Letto')).toBeTruthy();
    expect(within(list).getByText('Ricevuto')).toBeTruthy();
    expect(within(list).getByRole('note').textContent).toMatch(/send an approved template/);
    expect(within(list).getByText('Modello “order_update”')).toBeTruthy();
  });

  it('when no WhatsApp customer is linked (404 not_whatsapp_ticket), then it shows the compact state', async () => {
    renderApp(createFakeZafClient({ respond: () => bridgeFailure(404, 'not_whatsapp_ticket') }));
    const state = await screen.findByTestId('not-whatsapp');
    expect(state.textContent).toMatch(/Not a WhatsApp conversation/);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('when the ticket is new (no id yet), then it shows the compact state without calling the bridge', async () => {
    const client = createFakeZafClient({ ticketId: 0, respond: () => ok(conversationBody(30)) });
    renderApp(client);
    expect(await screen.findByTestId('not-whatsapp')).toBeTruthy();
    expect(client.requests).toHaveLength(0);
  });

  it.each([
    ['the key is wrong (401)', () => bridgeFailure(401, 'invalid_api_key'), /refused the app's key/, /Bridge API key/],
    ['the bridge has no key (503)', () => bridgeFailure(503, 'api_key_not_configured'), /has no API key yet/, /must set BRIDGE_API_KEY/],
    ['the proxy gets no answer (status 0)', () => ({ status: 0 }) as never, /Can't reach the WhatsApp bridge/, /Bridge URL/],
    ['the proxy answers 502 without a bridge body', () => ({ status: 502, responseText: '<html>Bad gateway</html>' }), /Can't reach/, /bridge is running/],
    ['the bridge is rate limited (429)', () => bridgeFailure(429, 'rate_limited', 'slow down', { 'Retry-After': '12' }), /Too many requests/, /Wait 12 seconds/],
    ['the bridge fails (500)', () => bridgeFailure(500, 'internal_error', 'Something broke.'), /could not answer/, /Something broke\. .*req-1/],
  ])('when %s, then it says what to do', async (_name, failure, title, body) => {
    renderApp(createFakeZafClient({ respond: () => Promise.reject(failure()) }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(title);
    expect(alert.textContent).toMatch(body);
  });

  it('when the bridge comes back, then "Try again" shows the conversation', async () => {
    let isUp = false;
    const client = createFakeZafClient({ respond: () => (isUp ? ok(conversationBody(30)) : Promise.reject({ status: 0 })) });
    renderApp(client);
    const retry = await screen.findByRole('button', { name: 'Try again' });
    isUp = true;
    await act(async () => fireEvent.click(retry));
    expect(await screen.findByText('Open')).toBeTruthy();
  });

  it('when the location has no screen, then it says so', async () => {
    renderApp(createFakeZafClient({ location: 'top_bar', respond: () => ok({}) }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/no screen for the location “top_bar”/);
  });
});
