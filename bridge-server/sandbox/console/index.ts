/**
 * The sandbox console: the web page `npm start` opens on (PORT + 1) to watch and drive the whole
 * loop: a customer's phone, the simulated Zendesk with the real sidebar app beside the ticket,
 * and a clock to move time. This module is its server: the page (bundled on the fly), the JSON
 * API (routes.ts), live updates as server-sent events, and the ZAF host (../zaf-host) that plays
 * Zendesk's part for the sidebar iframe.
 *
 *   const consoleServer = createSandboxConsole({ stack, clock });
 *   const url = await consoleServer.listen(3001);
 */
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import type { AdjustableClock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { SANDBOX_BRIDGE_API_KEY, type Stack } from '../stack';
import { whatsappChangeMark } from '../whatsapp/state';
import { zendeskChangeMark } from '../zendesk/state';
import { bundleBrowserEntry, createZafHostRouter, ensureAppBuilt } from '../zaf-host';
import { consoleErrorHandler } from './errors';
import { consoleRoutes } from './routes';
import { pageHtml } from './page-html';

export const PAGE_ENTRY = path.join(__dirname, 'page', 'main.tsx');

export interface SandboxConsoleOptions {
  stack: Stack;
  clock: AdjustableClock;
  /**
   * Build dist/ if stale so the real sidebar can be shown (default true). Tests of the API pass
   * false: the page then says the sidebar is not built.
   */
  buildSidebar?: boolean;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How often live pages are checked for changes, in ms (default 300). */
  liveIntervalMs?: number;
}

export type SidebarStatus = { state: 'building' | 'ready' | 'off' } | { state: 'failed'; message: string };

export interface SandboxConsole {
  app: Express;
  /** Listens on 127.0.0.1 (port 0: any free port); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  readonly sidebar: SidebarStatus;
  /** Resolves when the sidebar app is built (or could not be). */
  sidebarReady: Promise<SidebarStatus>;
  close(): Promise<void>;
}

export function createSandboxConsole(options: SandboxConsoleOptions): SandboxConsole {
  const { stack, clock } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  let revision = 0;
  const changed = () => {
    revision += 1;
    stack.persistence?.markChanged();
  };
  const liveMark = () =>
    [zendeskChangeMark(stack.zendesk.state), whatsappChangeMark(stack.whatsapp, stack.whatsapp.stats.requests), stack.whatsapp.outbox.sent.map((m) => m.status[0]).join(''), clock.offset, revision].join('|');

  // The sidebar: the built app in dist/, with the settings an admin would enter at install.
  const settings: Record<string, unknown> = { bridgeUrl: stack.bridgeUrl, closingSoonMinutes: 60 };
  const secureSettings: Record<string, unknown> = { bridgeApiKey: SANDBOX_BRIDGE_API_KEY };
  let sidebar: SidebarStatus = { state: options.buildSidebar === false ? 'off' : 'building' };
  const sidebarReady: Promise<SidebarStatus> =
    options.buildSidebar === false
      ? Promise.resolve(sidebar)
      : ensureAppBuilt().then(
          () => (sidebar = { state: 'ready' }),
          (error: Error) => {
            sidebar = { state: 'failed', message: `The sidebar app could not be built (${error.message}). Run npm run build:app to see why, then reload this page.` };
            options.logger?.error({ err: error }, sidebar.message);
            return sidebar;
          },
        );
  app.use((_req, _res, next) => {
    settings.bridgeUrl = stack.bridgeUrl; // the bridge may have restarted on another port
    next();
  });
  // Secure settings go only to the bridge, as the manifest's domainWhitelist allows in Zendesk.
  app.use(createZafHostRouter({ settings, secureSettings, domainWhitelist: () => [new URL(stack.bridgeUrl).hostname] }));

  app.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-store').send(pageHtml());
  });
  app.get('/console.js', async (_req, res, next) => {
    try {
      res.type('application/javascript').set('Cache-Control', 'no-store').send(await bundleBrowserEntry(PAGE_ENTRY));
    } catch (error) {
      next(new Error(`Could not bundle the console page (${PAGE_ENTRY}): ${(error as Error).message}`));
    }
  });
  app.get('/api/sidebar', (_req, res) => {
    res.json({ ...sidebar, appUrl: '/zaf/app/assets/iframe.html', proxyUrl: '/zaf/proxy', settings, bridgeUrl: stack.bridgeUrl });
  });

  // Live updates: one `change` event whenever anything the page shows may have changed.
  const clients = new Set<express.Response>();
  let lastMark = liveMark();
  const liveTimer = setInterval(() => {
    const mark = liveMark();
    if (mark === lastMark) return;
    lastMark = mark;
    for (const res of clients) res.write(`event: change\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
  }, options.liveIntervalMs ?? 300);
  liveTimer.unref();
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': still here\n\n');
  }, 15_000);
  heartbeat.unref();
  app.get('/api/events', (req, res) => {
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    res.write(`event: change\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
    clients.add(res);
    req.on('close', () => clients.delete(res));
  });

  app.use('/api', consoleRoutes({ stack, clock, changed }));
  app.use(consoleErrorHandler);

  let server: Server | null = null;
  return {
    app,
    get sidebar() {
      return sidebar;
    },
    sidebarReady,
    listen(port = 0, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('The sandbox console is already listening.'));
      return new Promise<string>((resolve, reject) => {
        const started = app.listen(port, host, (error?: Error) => {
          if (error) return reject(error);
          resolve(`http://${host}:${(started.address() as AddressInfo).port}`);
        });
        started.on('error', reject);
        server = started;
      });
    },
    close() {
      clearInterval(liveTimer);
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
      const closing = server;
      server = null;
      if (!closing) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        closing.close((error) => (error ? reject(error) : resolve()));
        closing.closeAllConnections();
      });
    },
  };
}
