/**
 * The sidebar iframe's entry point (assets/app.js, small on purpose): creates the ZAF client once
 * and starts the boot (app/boot.ts: context, settings, locale, then the first bridge request)
 * at once, while the UI chunk (assets/ui.js) loads in parallel; it renders the app only after
 * Zendesk has registered it (`app.registered`), as the official scaffold does.
 */
import { startBoot } from './boot';
import { initZafClient, NotInZendeskError, type ZafClient } from './lib/zaf-client';

const loadUi = () => import(/* webpackChunkName: "ui" */ './ui');

function main(): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('assets/iframe.html has no #root element');
  const ui = loadUi();

  let client: ZafClient;
  try {
    client = initZafClient();
  } catch (error) {
    if (!(error instanceof NotInZendeskError)) throw error;
    void ui.then(({ renderNotInZendesk }) => renderNotInZendesk(container));
    return;
  }

  // Resolves after app.registered (ZAF queues the calls until then); its failure is shown by App.
  startBoot(client).catch(() => undefined);
  const registered = new Promise<void>((resolve) => client.on('app.registered', () => resolve()));
  void Promise.all([ui, registered]).then(([{ renderApp }]) => renderApp(container, client));
}

main();
