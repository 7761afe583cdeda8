/** @jest-environment jsdom */
/** Recent messages draw WhatsApp's formatting (as the template preview does), compact and in each text's own direction. */
import { screen, within } from '@testing-library/react';
import { conversationBody, createFakeZafClient, ok } from '../helpers/fake-zaf-client';
import { renderApp } from '../helpers/render-app';

const TEMPLATE_TEXT = '*Order #4521*\n\nHi Giulia, your order has shipped: it arrives _Friday_.\n\n_Reply STOP to opt out_';
const ARABIC = 'مرحبا *أحمد*، طلبك ~قيد~ في الطريق 🚚';

function withMessages(messages: Record<string, unknown>[]) {
  const body = conversationBody(30);
  const at = new Date(Date.now() - 60_000).toISOString();
  return { ...body, messages: messages.map((m, i) => ({ id: `wamid.${i}`, direction: 'outbound', type: 'text', at, state: 'delivered', failureReason: null, template: null, ...m })) };
}

async function recentMessages(messages: Record<string, unknown>[]) {
  renderApp(createFakeZafClient({ respond: () => ok(withMessages(messages)) }));
  await screen.findByRole('timer');
  return within(screen.getByRole('region', { name: 'Recent messages' }));
}

describe('Recent messages: message text', () => {
  it('draws a template’s *bold* and _italic_ instead of showing the marks', async () => {
    const list = await recentMessages([{ type: 'template', text: TEMPLATE_TEXT, template: { name: 'order_update', language: 'en' } }]);
    const text = list.getByText((_, element) => element?.getAttribute('data-part') === 'text');
    expect(text.textContent).not.toMatch(/[*_]/);
    expect(text.querySelector('strong')?.textContent).toBe('Order #4521');
    expect(Array.from(text.querySelectorAll('em')).map((em) => em.textContent)).toEqual(['Friday', 'Reply STOP to opt out']);
    expect(text.getAttribute('dir')).toBe('auto');
  });

  it('keeps Arabic, emoji and strikethrough, in the text’s own direction', async () => {
    const list = await recentMessages([{ direction: 'inbound', state: 'received', text: ARABIC }]);
    const text = list.getByText((_, element) => element?.getAttribute('data-part') === 'text');
    expect(text.textContent).toBe('مرحبا أحمد، طلبك قيد في الطريق 🚚');
    expect(text.querySelector('strong')?.textContent).toBe('أحمد');
    expect(text.querySelector('s')?.textContent).toBe('قيد');
    expect(text.getAttribute('dir')).toBe('auto');
  });

  it('names a message without text by its type, and leaves marks that are not formatting as written', async () => {
    const list = await recentMessages([
      { id: 'a', type: 'image', text: null },
      { id: 'b', text: '2*3*4 = 24, snake_case_name' },
    ]);
    expect(list.getByText('(image message)')).toBeTruthy();
    expect(list.getByText('2*3*4 = 24, snake_case_name')).toBeTruthy();
  });

});
