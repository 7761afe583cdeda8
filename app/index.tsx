/**
 * The sidebar iframe's entry point: creates the ZAF client once and renders the app only after
 * Zendesk has registered it (`app.registered`), as the official scaffold does.
 */
import { createRoot } from 'react-dom/client';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { Alert } from '@zendeskgarden/react-notifications';
import { App } from './App';
import { ClientProvider } from './contexts/ClientProvider';
import { createI18n } from './lib/i18n';
import { initZafClient, NotInZendeskError, type ZafClient } from './lib/zaf-client';

function main(): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('assets/iframe.html has no #root element');
  const root = createRoot(container);

  let client: ZafClient;
  try {
    client = initZafClient();
  } catch (error) {
    if (!(error instanceof NotInZendeskError)) throw error;
    root.render(
      <ThemeProvider theme={DEFAULT_THEME}>
        <Alert type="info">
          <Alert.Paragraph>{createI18n(navigator.language).t('app.notInZendesk')}</Alert.Paragraph>
        </Alert>
      </ThemeProvider>,
    );
    return;
  }

  client.on('app.registered', () => {
    root.render(
      <ClientProvider client={client}>
        <App />
      </ClientProvider>,
    );
  });
}

main();
