import { useEffect, useState, type ComponentType } from 'react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { Alert } from '@zendeskgarden/react-notifications';
import { startBoot } from './boot';
import { BaseStyle } from './components/BaseStyle';
import { TranslationProvider } from './contexts/TranslationProvider';
import { useClient } from './hooks/useClient';
import { createI18n, type I18n } from './lib/i18n';
import type { ZafContext } from './lib/zaf-client';
import { TicketSidebar } from './locations/TicketSidebar';
import type { AppSettings, ILocationProps } from './locations/types';

export { DEFAULT_CLOSING_SOON_MINUTES, parseSettings } from './boot';

/** One screen per ZAF location; a new location is one file, one entry here, one in manifest.json. */
export const LOCATIONS: Record<string, ComponentType<ILocationProps>> = {
  ticket_sidebar: TicketSidebar,
};

interface Booted { context: ZafContext; settings: AppSettings; i18n: I18n }

export function App() {
  const client = useClient();
  const [boot, setBoot] = useState<Booted | Error | null>(null);

  useEffect(() => {
    let isCurrent = true;
    // Usually started already by app/index.tsx, while this code was loading.
    startBoot(client)
      .then(({ context, settings, locale }) => {
        if (isCurrent) setBoot({ context, settings, i18n: createI18n(locale) });
      })
      .catch((error: unknown) => {
        if (isCurrent) setBoot(error instanceof Error ? error : new Error(String(error)));
      });
    return () => {
      isCurrent = false;
    };
  }, [client]);

  let content = null;
  if (boot instanceof Error) {
    content = (
      <Alert type="error">
        <Alert.Paragraph>{boot.message}</Alert.Paragraph>
      </Alert>
    );
  } else if (boot) {
    const Location = LOCATIONS[boot.context.location];
    content = (
      <TranslationProvider i18n={boot.i18n}>
        {Location ? (
          <Location context={boot.context} settings={boot.settings} />
        ) : (
          <Alert type="warning">
            <Alert.Paragraph>{boot.i18n.t('app.unknownLocation', { location: boot.context.location })}</Alert.Paragraph>
          </Alert>
        )}
      </TranslationProvider>
    );
  }
  return (
    <ThemeProvider theme={DEFAULT_THEME}>
      <BaseStyle />
      {content}
    </ThemeProvider>
  );
}
