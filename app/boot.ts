/**
 * The sidebar's boot, kept out of the UI chunk: app/index.tsx runs it as soon as the ZAF client
 * exists, so the handshake, the context/settings/locale and the first bridge request travel
 * while the browser is still fetching and running React and Garden (assets/ui.js). App.tsx
 * asks for the same boot (one per client) and renders the location with it.
 */
import { startEarlyConversation } from './lib/conversation-polling';
import { resolveLocale } from './lib/locale';
import { getOne, type ZafClient, type ZafContext } from './lib/zaf-client';
import type { AppSettings } from './locations/types';

export const DEFAULT_CLOSING_SOON_MINUTES = 60;

export function parseSettings(settings: Record<string, unknown>): AppSettings {
  const minutes = Number(settings.closingSoonMinutes);
  return {
    closingSoonMinutes: Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440 ? minutes : DEFAULT_CLOSING_SOON_MINUTES,
  };
}

export interface Boot {
  context: ZafContext;
  settings: AppSettings;
  /** The app dictionary for the agent's Zendesk locale (`en`, `it`, `zh-cn`, `es`, `pt-br`). */
  locale: string;
}

/**
 * What a location starts as soon as the boot is known, before its screen renders: the ticket
 * sidebar's conversation request. A new location with nothing to start needs no entry.
 */
const LOCATION_STARTS: Record<string, (client: ZafClient, boot: Boot) => void> = {
  ticket_sidebar(client, { context, settings, locale }) {
    if (context.ticketId) startEarlyConversation(client, context.ticketId, { closingSoonMinutes: settings.closingSoonMinutes, locale });
  },
};

const boots = new WeakMap<ZafClient, Promise<Boot>>();

/** Context, settings and locale (once per client; resolves after `app.registered`), then the location's early start. */
export function startBoot(client: ZafClient): Promise<Boot> {
  let boot = boots.get(client);
  if (!boot) {
    boot = Promise.all([client.context(), client.metadata(), getOne<string>(client, 'currentUser.locale')]).then(([context, metadata, locale]) => {
      const result: Boot = { context, settings: parseSettings(metadata.settings ?? {}), locale: resolveLocale(locale) };
      LOCATION_STARTS[context.location]?.(client, result);
      return result;
    });
    boots.set(client, boot);
  }
  return boot;
}
