/**
 * Plays Zendesk for the real, built sidebar in headless Chromium: a small page with the app's
 * iframe, driven by the sandbox's ZAF host (bridge-server/sandbox/zaf-host) and backed by the
 * real bridge against the simulators (TestStack). The browser tests, the screenshots and the
 * load benchmark all use it, so what they check, show and time is the same thing.
 *
 * The host page is served on 127.0.0.1 and the app on localhost: different origins, as in
 * Zendesk, where the app iframe comes from its own domain. Nothing here is a mock of the app.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { chromium, type Browser, type BrowserContext, type Frame, type FrameLocator, type Page } from 'playwright-core';
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { createZafHostRouter, ensureAppBuilt, stopBundler } from '../../bridge-server/sandbox/zaf-host';
import type { SaveResult } from '../../bridge-server/sandbox/zaf-host/host';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** About the width of Zendesk's apps panel. */
export const SIDEBAR_WIDTH = 340;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface SidebarScenario {
  ticketId: number | null;
  /** The agent's Zendesk locale (`currentUser.locale`), default `en-US`. */
  locale?: string;
  /** Non-secure settings; `bridgeUrl` defaults to the stack's bridge. */
  settings?: Record<string, string | number>;
  /** Secure settings; `bridgeApiKey` defaults to the sandbox key. */
  secureSettings?: Record<string, string>;
  /** The ticket requester's name in Zendesk (default "Customer"): the picker suggests it. */
  requesterName?: string;
  /** What the agent is typing in the ticket's comment box. */
  comment?: { text: string; type: 'publicReply' | 'internalNote' };
  /** A fixed browser time zone, so screenshots read the same everywhere. */
  timezoneId?: string;
  /** Script run at the start of every document of the page, the app's iframe included. */
  initScript?: string;
}

export interface OpenSidebar {
  page: Page;
  /** The app's iframe, for locators. */
  app: FrameLocator;
  /** The app's frame, for `evaluate` inside it. */
  frame(): Promise<Frame>;
  /** Runs the app's `ticket.save` hooks as Zendesk does before saving; a refusal's message shows above the app. */
  save(): Promise<SaveResult>;
  trigger(event: string, data?: unknown): Promise<boolean>;
  /** What the agent types: `ticket.comment.text` and `comment.type`. */
  setComment(text: string, type: 'publicReply' | 'internalNote'): Promise<void>;
  close(): Promise<void>;
}

function harnessPage(config: Record<string, unknown>): string {
  // JSON inside <script>: `<` escaped so no value can close the tag.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Zendesk (sandbox) — ticket sidebar</title>
<style>
  body { margin: 0; background: #f8f9f9; font-family: system-ui, sans-serif; }
  #panel { display: inline-block; box-sizing: border-box; width: ${SIDEBAR_WIDTH + 24}px; padding: 12px; background: #fff; border-right: 1px solid #d8dcde; }
  #sidebar { display: block; width: 100%; height: 60px; border: 0; }
  #zendesk-notice { margin: 0 0 12px; padding: 10px 12px; border: 1px solid #f5b5ba; border-inline-start: 4px solid #cc3340; border-radius: 4px; background: #fff0f1; color: #2f3941; font-size: 14px; line-height: 20px; }
  #zendesk-notice[hidden] { display: none; }
</style>
</head>
<body>
<div id="panel"><div id="zendesk-notice" role="alert" hidden></div><iframe id="sidebar" title="WhatsApp for Zendesk"></iframe></div>
<script src="/zaf/host.js"></script>
<script>
  const config = ${json};
  window.zafNotifications = [];
  window.zafApp = ZafHost.mountZafApp({
    ...config,
    iframe: document.getElementById('sidebar'),
    onNotify: (message, kind) => window.zafNotifications.push({ message, kind }),
  });
  // Saving the ticket, as Zendesk does: the app's ticket.save hooks run first, and a refusal's
  // message is shown to the agent above the apps.
  window.zafSave = async () => {
    const result = await window.zafApp.save();
    const notice = document.getElementById('zendesk-notice');
    notice.hidden = result.ok;
    notice.textContent = result.ok ? '' : result.message;
    return result;
  };
</script>
</body>
</html>`;
}

export interface HarnessOptions {
  /** A stack started elsewhere (the harness does not close it); else it starts its own. */
  stack?: TestStack;
  clock?: AdjustableClock;
}

export class SidebarHarness {
  private readonly servers = new Set<http.Server>();
  private readonly contexts = new Set<BrowserContext>();
  private constructor(
    readonly stack: TestStack,
    readonly clock: AdjustableClock,
    readonly browser: Browser,
    private readonly ownsStack: boolean,
  ) {}

  /** Builds dist/ if stale, starts the simulators + bridge and Chromium. */
  static async start(options: HarnessOptions = {}): Promise<SidebarHarness> {
    await ensureAppBuilt();
    const clock = options.clock ?? new AdjustableClock();
    const stack = options.stack ?? (await startTestStack({ clock, bridge: { outbound: { sweepIntervalMs: 100 } } }));
    let browser: Browser;
    try {
      browser = await launchChromium();
    } catch (error) {
      if (!options.stack) await stack.close();
      throw new Error(`Could not start Chromium at ${CHROMIUM_PATH} (${(error as Error).message}): install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`);
    }
    return new SidebarHarness(stack, clock, browser, !options.stack);
  }

  /** A customer writes (with their phone's clock `ageMs` in the past); returns the ticket the bridge made. */
  async whatsappTicket(waId: string, name: string, text: string, { ageMs = 0 } = {}): Promise<number> {
    const clock = { now: () => this.clock.now() - ageMs };
    const customer = new SimulatedCustomer({ waId, name, clock });
    await this.stack.send(envelope(undefined, [customer.text(text)]));
    const { tickets } = await this.stack.waitForComments(`whatsapp:wa:${waId}`, 1);
    await this.stack.settled();
    return tickets[tickets.length - 1].id;
  }

  /** Serves a Zendesk page for this scenario and opens it; resolves once the app is registered. */
  async open(scenario: SidebarScenario, { width = SIDEBAR_WIDTH + 24, height = 900 } = {}): Promise<OpenSidebar> {
    const settings = { bridgeUrl: this.stack.bridgeUrl, closingSoonMinutes: 60, ...scenario.settings };
    const secureSettings = { bridgeApiKey: SANDBOX_BRIDGE_API_KEY, ...scenario.secureSettings };
    const locale = scenario.locale ?? 'en-US';
    const comment = scenario.comment ?? { text: '', type: 'publicReply' as const };
    const app = express();
    app.use(createZafHostRouter({ settings, secureSettings }));
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers.add(server);
    const { port } = server.address() as AddressInfo;

    const ticket = scenario.ticketId === null
      ? undefined
      : {
          id: scenario.ticketId,
          subject: 'WhatsApp conversation',
          status: 'open',
          tags: ['whatsapp'],
          requester: { id: 1001, name: scenario.requesterName ?? 'Customer', email: null, locale },
          comment: { ...comment },
        };
    const config = {
      appUrl: `http://localhost:${port}/zaf/app/assets/iframe.html`,
      location: 'ticket_sidebar',
      settings,
      proxyUrl: '/zaf/proxy',
      data: {
        ...(ticket ? { ticket } : {}),
        comment: { ...comment },
        currentUser: { id: 1, name: 'Sandbox Agent', email: 'agent@sandbox.test', locale, role: 'admin' },
      },
    };
    app.get('/harness', (_req, res) => {
      res.type('html').set('Cache-Control', 'no-store').send(harnessPage(config));
    });

    const context = await this.browser.newContext({ viewport: { width, height }, locale, timezoneId: scenario.timezoneId ?? 'Europe/Rome', deviceScaleFactor: 1 });
    this.contexts.add(context);
    if (scenario.initScript) await context.addInitScript({ content: scenario.initScript });
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/harness`);
    await page.waitForFunction(() => (window as any).zafApp !== undefined);
    await page.evaluate(() => (window as any).zafApp.registered);

    const close = async () => {
      this.contexts.delete(context);
      this.servers.delete(server);
      await context.close();
      await closeServer(server);
    };
    return {
      page,
      app: page.frameLocator('#sidebar'),
      async frame() {
        const handle = await page.$('#sidebar');
        const frame = await handle?.contentFrame();
        if (!frame) throw new Error('The sidebar iframe has no frame');
        return frame;
      },
      save: () => page.evaluate(() => (window as any).zafSave() as Promise<SaveResult>),
      trigger: (event, data) => page.evaluate(([name, payload]) => (window as any).zafApp.trigger(name, payload) as boolean, [event, data] as const),
      setComment: (text, type) =>
        page.evaluate(([t, k]) => {
          const host = (window as any).zafApp;
          host.setData('ticket.comment.text', t);
          host.setData('ticket.comment.type', k);
          host.setData('comment.text', t);
          host.setData('comment.type', k);
        }, [text, type] as const),
      close,
    };
  }

  async close(): Promise<void> {
    for (const context of [...this.contexts]) await context.close().catch(() => undefined);
    await this.browser.close();
    await Promise.all([...this.servers].map(closeServer));
    if (this.ownsStack) await this.stack.close();
    await stopBundler();
  }
}

/** What a browser test file works with: its harness, and the sidebar the running test opened. */
export interface SidebarSession {
  readonly harness: SidebarHarness;
  /** The sidebar the running test opened (an error if it opened none). */
  readonly sidebar: OpenSidebar;
  /** Opens a sidebar for this test; it is closed after the test. */
  open(scenario: SidebarScenario, size?: { width?: number; height?: number }): Promise<OpenSidebar>;
}

/**
 * The setup every sidebar browser test file shares, called at the top of its `describe`: one
 * harness (stack and Chromium) for the file, each test's sidebar closed after the test.
 * `setupZendesk` also creates the Zendesk webhook and trigger, so agent replies reach the bridge.
 */
export function useSidebarHarness(options: { setupZendesk?: boolean } = {}): SidebarSession {
  let harness: SidebarHarness | undefined;
  let sidebar: OpenSidebar | undefined;
  beforeAll(async () => {
    harness = await SidebarHarness.start();
    if (options.setupZendesk) await harness.stack.stack.setupZendesk();
  }, 300_000);
  afterEach(async () => {
    await sidebar?.close();
    sidebar = undefined;
  });
  afterAll(async () => {
    await harness?.close();
  });
  return {
    get harness() {
      if (!harness) throw new Error('The sidebar harness is not started: use the session inside a test.');
      return harness;
    },
    get sidebar() {
      if (!sidebar) throw new Error('No sidebar is open in this test: call open() first.');
      return sidebar;
    },
    async open(scenario, size) {
      sidebar = await this.harness.open(scenario, size);
      return sidebar;
    },
  };
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A loopback port nothing listens on: the "bridge unreachable" Bridge URL. */
export async function deadPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}

export { waitFor };

/** What the keyboard user is on: the focused element of a frame, with its accessible name (approximated). */
export interface Focused {
  tag: string;
  role: string | null;
  name: string;
}

export function focusedIn(frame: Frame): Promise<Focused> {
  return frame.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: 'body', role: null, name: '' };
    const byIds = (ids: string | null) => (ids ?? '').split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    const labels = (el as HTMLInputElement).labels;
    const name = el.getAttribute('aria-label') ?? (byIds(el.getAttribute('aria-labelledby')) || (labels && labels.length ? labels[0].textContent ?? '' : '') || el.textContent || '');
    return { tag: el.tagName.toLowerCase(), role: el.getAttribute('role'), name: name.replace(/\s+/g, ' ').trim() };
  });
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until the focused element of `frame` is the one
 * wanted: proves it is reachable by keyboard. Fails after `max` presses, naming what it passed.
 */
export async function tabTo(page: Page, frame: Frame, wanted: (focused: Focused) => boolean, { what, max = 40, backwards = false }: { what: string; max?: number; backwards?: boolean }): Promise<Focused> {
  const passed: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const focused = await focusedIn(frame);
    if (wanted(focused)) return focused;
    passed.push(`${focused.tag}${focused.role ? `[${focused.role}]` : ''} "${focused.name.slice(0, 40)}"`);
  }
  throw new Error(`Tab never reached ${what} in ${max} presses; it went through: ${passed.join(', ')}`);
}

/** The text of the elements an input's `aria-describedby` points at: its hint and its error message. */
export function describedBy(input: { evaluate<R>(fn: (el: Element) => R): Promise<R> }): Promise<string> {
  return input.evaluate((el) =>
    (el.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ')
      .trim(),
  );
}
