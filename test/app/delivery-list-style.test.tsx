/** Recent messages stay compact: each text is clamped to a few lines (the whole text is on the ticket). */
import { renderToString } from 'react-dom/server';
import { ServerStyleSheet } from 'styled-components';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { DeliveryList } from '../../app/components/DeliveryList';
import { TranslationProvider } from '../../app/contexts/TranslationProvider';
import type { ConversationMessage } from '../../app/lib/bridge-client';
import { createI18n } from '../../app/lib/i18n';

const MESSAGE: ConversationMessage = {
  id: 'wamid.1', direction: 'outbound', type: 'template', at: '2026-05-12T09:20:00.000Z', state: 'delivered', failureReason: null,
  text: '*Order #4521*\n\nHi Giulia, your order has shipped.\n\n_Reply STOP to opt out_', template: { name: 'order_update', language: 'en' },
};

describe('Recent messages: compact text', () => {
  it('clamps the text to three lines', () => {
    // jest resolves styled-components' Node build: collect the CSS through a ServerStyleSheet.
    const sheet = new ServerStyleSheet();
    const html = renderToString(
      sheet.collectStyles(
        <ThemeProvider theme={DEFAULT_THEME}>
          <TranslationProvider i18n={createI18n('en')}>
            <DeliveryList messages={[MESSAGE]} nowMs={Date.parse('2026-05-12T09:30:00.000Z')} />
          </TranslationProvider>
        </ThemeProvider>,
      ),
    );
    const css = sheet.getStyleTags();
    sheet.seal();
    const classes = /<div[^>]*data-part="text"[^>]*class="([^"]+)"|<div[^>]*class="([^"]+)"[^>]*data-part="text"/.exec(html);
    const names = (classes?.[1] ?? classes?.[2] ?? '').split(' ');
    const rules = names.map((name) => new RegExp(`\\.${name}\\{([^}]*)\\}`).exec(css)?.[1] ?? '').join(';');
    expect(rules).toContain('-webkit-line-clamp:3');
    expect(rules).toContain('overflow:hidden');
  });
});
