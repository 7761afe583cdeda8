/**
 * `npm run screenshots`: pictures of the sidebar's main states, in English and Italian, taken
 * from the built app in headless Chromium with the same harness as the browser tests (sandbox
 * Zendesk host, real bridge, simulators). Writes docs/screenshots/<locale>/<state>.png, cropped
 * to Zendesk's apps panel, and docs/screenshots/console.png: the sandbox console of `npm start`
 * after a short conversation. STATES=window-open,…,console and LOCALES=en,… narrow the run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { createLogger } from '../bridge-server/lib/logger';
import { launchSandbox } from '../bridge-server/sandbox/start';
import { REPO_ROOT } from '../bridge-server/sandbox/zaf-host/build-app';
import { SidebarHarness, deadPort, waitFor, type OpenSidebar, type SidebarScenario } from '../test/browser/harness';

const HOUR = 3600_000;
const OUT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');

interface Shot {
  /** Prepares the data and returns the scenario (without the locale). */
  scenario(harness: SidebarHarness, index: number): Promise<SidebarScenario>;
  /** What must be on screen before the picture is taken (the agent's steps to get there, in `locale`). */
  ready(sidebar: OpenSidebar, locale: string): Promise<void>;
}

/** The sidebar's own words (app/translations), so the steps below find what an agent reads. */
function tr(locale: string, key: string, vars: Record<string, string> = {}): string {
  const strings = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'app', 'translations', `${locale}.json`), 'utf8')) as Record<string, string>;
  const text = strings[key];
  if (text === undefined) throw new Error(`app/translations/${locale}.json has no "${key}"`);
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The order_update template in the agent's language, with its values as an agent would fill them. */
const ORDER_UPDATE: Record<string, { language: string; button: string; date: string }> = {
  en: { language: 'en_US', button: 'Track order', date: 'Friday, May 15' },
  it: { language: 'it', button: 'Traccia ordine', date: 'venerdì 15 maggio' },
};

/** Opens order_update from the picker and fills it; `skip` leaves a variable empty. */
async function fillOrderUpdate(sidebar: OpenSidebar, locale: string, { skip }: { skip?: string } = {}): Promise<Locator> {
  const { language, button, date } = ORDER_UPDATE[locale];
  const picker = sidebar.app.getByRole('region', { name: tr(locale, 'picker.title') });
  const list = picker.getByRole('list', { name: tr(locale, 'picker.listLabel') });
  await list.waitFor();
  await picker.getByLabel(tr(locale, 'picker.language')).selectOption(language);
  await list.getByRole('button').filter({ hasText: 'order_update' }).first().click();
  await picker.getByRole('heading', { name: 'order_update' }).waitFor();
  const field = (label: string) => picker.getByRole('textbox', { name: label, exact: true });
  const values: [string, string][] = [
    [tr(locale, 'variable.header', { variable: '{{1}}' }), '#4521'],
    [tr(locale, 'variable.body', { variable: '{{1}}' }), 'Giulia'],
    [tr(locale, 'variable.body', { variable: '{{2}}' }), '#4521'],
    [tr(locale, 'variable.body', { variable: '{{3}}' }), date],
    [tr(locale, 'variable.buttonUrl', { button }), '4521'],
  ];
  for (const [label, value] of values) if (label !== skip) await field(label).fill(value);
  return picker;
}

const secondVariable = (locale: string) => tr(locale, 'variable.body', { variable: '{{2}}' });

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
  'template-picker': {
    scenario: async (h) => ({ ticketId: await h.whatsappTicket(waId(), 'Giulia Rossi', 'Ciao, il mio ordine #4521 è fermo da giorni 📦', { ageMs: 26 * HOUR }), requesterName: 'Giulia Rossi' }),
    ready: async (s, locale) => {
      await s.app.getByRole('region', { name: tr(locale, 'picker.title') }).getByRole('list', { name: tr(locale, 'picker.listLabel') }).waitFor();
    },
  },
  'template-preview': {
    scenario: async (h) => ({ ticketId: await h.whatsappTicket(waId(), 'Giulia Rossi', 'Ciao, il mio ordine #4521 è fermo da giorni 📦', { ageMs: 26 * HOUR }), requesterName: 'Giulia Rossi' }),
    ready: async (s, locale) => {
      const picker = await fillOrderUpdate(s, locale);
      await picker.getByRole('region', { name: tr(locale, 'preview.title') }).filter({ hasText: ORDER_UPDATE[locale].date }).waitFor();
    },
  },
  'template-validation-error': {
    scenario: async (h) => ({ ticketId: await h.whatsappTicket(waId(), 'Giulia Rossi', 'Ciao, il mio ordine #4521 è fermo da giorni 📦', { ageMs: 26 * HOUR }), requesterName: 'Giulia Rossi' }),
    ready: async (s, locale) => {
      const picker = await fillOrderUpdate(s, locale, { skip: secondVariable(locale) });
      await picker.getByRole('button', { name: tr(locale, 'form.review') }).click();
      const second = picker.getByRole('textbox', { name: secondVariable(locale), exact: true });
      await waitFor(async () => (await second.getAttribute('aria-invalid')) === 'true', { what: 'the bridge to mark {{2}} missing' });
    },
  },
  'template-sent': {
    scenario: async (h) => ({ ticketId: await h.whatsappTicket(waId(), 'Giulia Rossi', 'Ciao, il mio ordine #4521 è fermo da giorni 📦', { ageMs: 26 * HOUR }), requesterName: 'Giulia Rossi' }),
    ready: async (s, locale) => {
      const picker = await fillOrderUpdate(s, locale);
      await picker.getByRole('button', { name: tr(locale, 'form.review') }).click();
      await picker.getByRole('alertdialog').getByRole('button', { name: tr(locale, 'confirm.send'), exact: true }).click();
      await picker.getByRole('status').filter({ hasText: tr(locale, 'result.sent.title') }).waitFor();
      // The delivery list has read the conversation again: the template is on it.
      await s.app.getByText(/#4521/).first().waitFor();
    },
  },
  'reply-guard': {
    scenario: async (h) => ({
      ticketId: await h.whatsappTicket(waId(), 'Anna Verdi', 'Grazie, allora aspetto vostre notizie', { ageMs: 30 * HOUR }),
      requesterName: 'Anna Verdi',
      comment: { text: '<p>Buongiorno Anna, il pacco è arrivato?</p>', type: 'publicReply' },
    }),
    ready: async (s) => {
      await s.app.getByRole('timer').waitFor();
      const result = await s.save();
      if (result.ok) throw new Error('The reply guard let a public reply through on a closed window.');
      await s.page.locator('#zendesk-notice').waitFor();
    },
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

/**
 * The sandbox console as `npm start` shows it (started the same way, in a temporary folder),
 * after a short conversation driven through the page: a second customer writes in Chinese, the
 * agent answers Giulia, she reads the reply, reacts and thanks.
 */
async function consoleShot(harness: SidebarHarness): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-zd-console-shot-'));
  const sandbox = await launchSandbox({ dataDir: dir, port: 0, consolePort: 0, logger: createLogger('silent'), bridge: { worker: { sweepIntervalMs: 200, bulkIntervalMs: 100 }, outbound: { sweepIntervalMs: 100 } } });
  const context = await harness.browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Rome', deviceScaleFactor: 1 });
  context.setDefaultTimeout(20_000);
  try {
    await sandbox.console.sidebarReady;
    const page = await context.newPage();
    await page.goto(sandbox.consoleUrl);
    const phone = page.getByRole('region', { name: 'Customer phone' });
    const zendesk = page.getByRole('region', { name: 'Simulated Zendesk' });
    const sidebar = page.getByRole('region', { name: 'Sidebar app' }).frameLocator('iframe[title="WhatsApp for Zendesk sidebar"]');
    const customers = phone.getByRole('list', { name: 'Customers' });
    const tickets = zendesk.getByRole('list', { name: 'Tickets' });

    await phone.getByLabel('Customer name').fill('王小明');
    await phone.getByLabel('WhatsApp number').fill('+86 138 0013 8000');
    await phone.getByRole('button', { name: 'Add customer' }).click();
    await phone.getByRole('list', { name: 'Chat with 王小明' }).waitFor();
    await phone.getByRole('textbox', { name: 'Message', exact: true }).fill('你好，我想修改送货地址 🏠');
    await phone.getByRole('button', { name: 'Send', exact: true }).click();
    await tickets.getByRole('button', { name: /王小明/ }).waitFor();

    await customers.getByRole('button', { name: /Giulia Rossi/ }).click();
    await tickets.getByRole('button', { name: /Giulia Rossi/ }).click();
    const chat = phone.getByRole('list', { name: 'Chat with Giulia Rossi' });
    await chat.waitFor();
    await zendesk.getByLabel('Reply', { exact: true }).fill('Ciao Giulia! Il pacco è in consegna oggi: tracking IT-889-221 🚚');
    await zendesk.getByRole('button', { name: 'Submit' }).click();
    const reply = chat.getByRole('listitem', { name: 'Business message' }).filter({ hasText: 'IT-889-221' });
    await reply.locator('[data-tick="delivered"]').waitFor();
    await phone.getByRole('button', { name: 'Mark as read' }).click();
    await reply.locator('[data-tick="read"]').waitFor();
    await reply.getByRole('button', { name: 'React with 👍' }).click();
    await reply.getByLabel('Reaction 👍').waitFor();
    await phone.getByRole('textbox', { name: 'Message', exact: true }).fill('Grazie mille! 🙏');
    await phone.getByRole('button', { name: 'Send', exact: true }).click();
    await zendesk.getByRole('listitem', { name: /^Public comment by Giulia/ }).filter({ hasText: 'Grazie mille!' }).waitFor();
    await sidebar.getByRole('timer').filter({ hasText: /left to reply freely/ }).waitFor();
    await sidebar.getByText('Grazie mille! 🙏').waitFor();
    await sidebar.getByText('IT-889-221', { exact: false }).first().waitFor();

    const file = path.join(OUT_DIR, 'console.png');
    await page.screenshot({ path: file });
    console.log(`${path.relative(REPO_ROOT, file)} (${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
  } finally {
    await context.close();
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const only = process.env.STATES?.split(',');
  const locales = process.env.LOCALES?.split(',') ?? ['en', 'it'];
  const harness = await SidebarHarness.start();
  try {
    if (!only || only.includes('console')) await consoleShot(harness);
    await harness.stack.stack.setupZendesk();
    for (const [state, shot] of Object.entries(SHOTS)) {
      if (only && !only.includes(state)) continue;
      const scenario = await shot.scenario(harness, customer);
      for (const locale of locales) {
        // Taller than any state, so the whole panel is on screen (an element screenshot does not
        // paint iframe content outside the viewport).
        const sidebar = await harness.open({ ...scenario, locale, timezoneId: 'Europe/Rome' }, { height: 2400 });
        try {
          await shot.ready(sidebar, locale);
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
