import { useEffect, useState, type ComponentType } from 'react';
import { DEFAULT_THEME, ThemeProvider } from '@zendeskgarden/react-theming';
import { Alert } from '@zendeskgarden/react-notifications';
import { TranslationProvider } from './contexts/TranslationProvider';
import { useClient } from './hooks/useClient';
import { createI18n, type I18n } from './lib/i18n';
import { getOne, type ZafContext } from './lib/zaf-client';
import { TicketSidebar } from './locations/TicketSidebar';
import type { AppSettings, ILocationProps } from './locations/types';

/** One screen per ZAF location; a new location is one file, one entry here, one in manifest.json. */
export const LOCATIONS: Record<string, ComponentType<ILocationProps>> = {
  ticket_sidebar: TicketSidebar,
};

export const DEFAULT_CLOSING_SOON_MINUTES = 60;

export function parseSettings(settings: Record<string, unknown>): AppSettings {
  const minutes = Number(settings.closingSoonMinutes);
  return {
    closingSoonMinutes: Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440 ? minutes : DEFAULT_CLOSING_SOON_MINUTES,
  };
}

interface Boot { context: ZafContext; settings: AppSettings; i18n: I18n }

export function App() {
  const client = useClient();
  const [boot, setBoot] = useState<Boot | Error | null>(null);

  useEffect(() => {
    let isCurrent = true;
    Promise.all([client.context(), client.metadata(), getOne<string>(client, 'currentUser.locale')])
      .then(([context, metadata, locale]) => {
        if (isCurrent) setBoot({ context, settings: parseSettings(metadata.settings ?? {}), i18n: createI18n(locale) });
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
  return <ThemeProvider theme={DEFAULT_THEME}>{content}</ThemeProvider>;
}
