/**
 * `npm run screenshots`: pictures of the sidebar's main states, in English and Italian, taken
 * from the built app in headless Chromium with the same harness as the browser tests (sandbox
 * Zendesk host, real bridge, simulators). Writes docs/screenshots/<locale>/<state>.png, cropped
 * to Zendesk's apps panel. STATES=window-open,… and LOCALES=en,… narrow the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../bridge-server/sandbox/zaf-host/build-app';
import { SidebarHarness, deadPort, waitFor, type OpenSidebar, type SidebarScenario } from '../test/browser/harness';

const HOUR = 3600_000;
const OUT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');

interface Shot {
  /** Prepares the data and returns the scenario (without the locale). */
  scenario(harness: SidebarHarness, index: number): Promise<SidebarScenario>;
  /** What must be on screen before the picture is taken. */
  ready(sidebar: OpenSidebar): Promise<void>;
}

let customer = 0;
const waId = () => `39333100${String(++customer).padStart(4, '0')}`;

const clockReady = (sidebar: OpenSidebar) => sidebar.app.getByRole('timer').waitFor();

const SHOTS: Record<string, Shot> = {
  'window-open': {
    scenario: async (h) => ({ ticketId: await h.whatsappTicket(waId(), 'Giulia Rossi', 'Ciao! Il mio ordine #4521 non è ancora arrivato 📦', { ageMs: 2 * HOUR }) }),
    ready: clockReady,
  },
  'window-closing': {
    scenario: async (h) => ({ ticketId: await h.whatsappTicket(waId(), 'Marco Bianchi', 'Potete richiamarmi domani?', { ageMs: 23.5 * HOUR }) }),
    ready: clockReady,
  },
  'window-closed': {
    scenario: async (h) => ({ ticketId: await h.whatsappTicket(waId(), 'Anna Verdi', 'Grazie mille!', { ageMs: 30 * HOUR }) }),
    ready: clockReady,
  },
  'not-whatsapp': {
    scenario: async () => ({ ticketId: 987_654 }),
    ready: (s) => s.app.getByTestId('not-whatsapp').waitFor(),
  },
  'delivery-failed': {
    scenario: async (h) => {
      const phone = waId();
      const ticketId = await h.whatsappTicket(phone, 'Paolo Neri', 'Mi mandate il codice di tracciamento?', { ageMs: HOUR });
      h.stack.whatsapp.outbox.undeliverable.add(phone);
      h.stack.zendesk.addAgentComment(ticketId, { body: 'Certo: il codice è IT-889-221.' });
      await waitFor(async () => {
        const row = await h.stack.db.selectFrom('outbound_messages').select('state').where('ticket_id', '=', ticketId).executeTakeFirst();
        return row?.state === 'failed';
      }, { what: 'the reply to fail' });
      return { ticketId };
    },
    ready: (s) => s.app.locator('li[data-state="failed"] [role="note"]').waitFor(),
  },
  'bridge-unreachable': {
    scenario: async () => ({ ticketId: 1, settings: { bridgeUrl: `http://127.0.0.1:${await deadPort()}` } }),
    ready: (s) => s.app.locator('[data-kind="unreachable"]').waitFor(),
  },
};

/** Waits until the iframe's height has stopped changing (the app resizes it to its content). */
async function settledHeight(sidebar: OpenSidebar): Promise<void> {
  let last = -1;
  await waitFor(async () => {
    const height = await sidebar.page.locator('#sidebar').evaluate((el) => el.getBoundingClientRect().height);
    const stable = height === last;
    last = height;
    return stable;
  }, { intervalMs: 250, what: 'the sidebar height to settle' });
}

async function main(): Promise<void> {
  const only = process.env.STATES?.split(',');
  const locales = process.env.LOCALES?.split(',') ?? ['en', 'it'];
  const harness = await SidebarHarness.start();
  try {
    await harness.stack.stack.setupZendesk();
    for (const [state, shot] of Object.entries(SHOTS)) {
      if (only && !only.includes(state)) continue;
      const scenario = await shot.scenario(harness, customer);
      for (const locale of locales) {
        const sidebar = await harness.open({ ...scenario, locale, timezoneId: 'Europe/Rome' });
        try {
          await shot.ready(sidebar);
          await settledHeight(sidebar);
          const file = path.join(OUT_DIR, locale, `${state}.png`);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          await sidebar.page.locator('#panel').screenshot({ path: file });
          console.log(`${path.relative(REPO_ROOT, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
        } finally {
          await sidebar.close();
        }
      }
    }
  } finally {
    await harness.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
