/**
 * The UI chunk (assets/ui.js: React, styled-components, Garden, the screens). app/index.tsx
 * loads it in parallel with the boot; iframe.html preloads it, so it downloads with app.js.
 */
import { createRoot } from 'react-dom/client';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { Alert } from '@zendeskgarden/react-notifications';
import { App } from './App';
import { BaseStyle } from './components/BaseStyle';
import { ClientProvider } from './contexts/ClientProvider';
import { createI18n } from './lib/i18n';
import type { ZafClient } from './lib/zaf-client';

export function renderApp(container: HTMLElement, client: ZafClient): void {
  createRoot(container).render(
    <ClientProvider client={client}>
      <App />
    </ClientProvider>,
  );
}

/** The page was opened outside Zendesk (no `origin`/`app_guid`): say so instead of a blank page. */
export function renderNotInZendesk(container: HTMLElement): void {
  createRoot(container).render(
    <ThemeProvider theme={DEFAULT_THEME}>
      <BaseStyle />
      <Alert type="info">
        <Alert.Paragraph>{createI18n(navigator.language).t('app.notInZendesk')}</Alert.Paragraph>
      </Alert>
    </ThemeProvider>,
  );
}
