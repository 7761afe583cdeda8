/**
 * Builds one bridge from its configuration: the store, the clients, the worker and the HTTP
 * app. State, clients and the logger are passed in, never global, so tests and the sandbox can
 * run several bridges in one process.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config';
import { systemClock, type Clock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { createMetrics, type Metrics } from './lib/metrics';
import { migrate, openStore, type OpenedStore } from './store';
import { WebhookRetention } from './store/retention';
import { createAuthProvider } from './zendesk/auth';
import { ZendeskBudget } from './zendesk/rate-budget';
import { ZendeskClient } from './zendesk/client';
import { GraphClient } from './whatsapp/graph-client';
import { InboundWorker, type WorkerOptions } from './sync/inbound-worker';
import type { InboundDeps } from './sync/deliver-inbound';
import { resolveLocale } from './i18n';
import { createHttpApp } from './http/server';
import { healthRouter } from './http/health';
import { whatsappWebhookRouter } from './http/whatsapp-webhook';
import { zendeskWebhookRouter } from './http/zendesk-webhook';
import { OutboundWorker, type OutboundWorkerOptions } from './sync/outbound-worker';
import { OutboundPacer, type PacerOptions } from './sync/outbound-pacer';
import { WhatsAppSender } from './whatsapp/messages';
import { WEBHOOK_SECRET_KEY } from './cli/setup';
import { appApiRouter } from './http/app-api';
import { TemplatesApi } from './whatsapp/templates-api';
import { TemplateSyncer, type TemplateSyncerOptions } from './sync/templates';
import { translator } from './i18n';

export interface BridgeOptions {
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
  worker?: WorkerOptions;
  /** Attempts for Zendesk requests that are safe to repeat (1: no client-side retries). */
  zendeskMaxAttempts?: number;
  /** Attempts before an inbound message is marked failed. */
  inboundMaxAttempts?: number;
  /** Start the worker (default true); tests of the webhook alone may leave it off. */
  startWorker?: boolean;
  /** Outbound worker timing and pacing (agent replies to WhatsApp). */
  outbound?: OutboundWorkerOptions & { pacer?: PacerOptions; maxAttempts?: number };
  /** Template sync timing (the period defaults to TEMPLATE_SYNC_MINUTES). */
  templateSync?: TemplateSyncerOptions;
}

export interface Bridge {
  config: Config;
  store: OpenedStore;
  metrics: Metrics;
  logger: Logger;
  worker: InboundWorker;
  zendesk: ZendeskClient;
  /** Sends agent replies to WhatsApp, applies delivery statuses, writes notes. */
  outbound: OutboundWorker;
  /** Templates: synced at start, periodically, after template webhooks and on demand. */
  templates: TemplateSyncer;
  app: ReturnType<typeof createHttpApp>;
  /** Starts the worker and listens; resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createBridge(config: Config, options: BridgeOptions = {}): Promise<Bridge> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: true });
  const store = openStore(config.databaseUrl);
  const applied = await migrate(store.db);
  if (applied.length) logger.info({ applied, store: store.location }, 'store migrated');

  const budget = new ZendeskBudget(config.zendesk.limits, clock);
  const zendeskAuth = createAuthProvider(config.zendesk.auth, config.zendesk.url, clock);
  const zendesk = new ZendeskClient({
    baseUrl: config.zendesk.url,
    auth: zendeskAuth,
    budget,
    clock,
    logger: logger.child({ component: 'zendesk' }),
    metrics,
    maxAttempts: options.zendeskMaxAttempts,
  });
  const graph = new GraphClient({ graphUrl: config.whatsapp.graphUrl, apiVersion: config.whatsapp.apiVersion, accessToken: config.whatsapp.accessToken, metrics });
  const deps: InboundDeps = {
    db: store.db,
    zendesk,
    graph,
    clock,
    logger,
    metrics,
    settings: {
      reopenPeriodMs: config.inbound.reopenPeriodMs,
      locale: resolveLocale(config.inbound.locale),
      timeZone: config.inbound.timeZone,
      maxMessagesPerComment: 50,
      maxAttempts: options.inboundMaxAttempts ?? 12,
    },
  };
  const worker = new InboundWorker(deps, { reconcileAfterMs: config.inbound.reconcileAfterMs, ...options.worker });

  const outbound = new OutboundWorker(
    {
      db: store.db,
      zendesk,
      zendeskAuthHeader: () => zendeskAuth.header(),
      sender: new WhatsAppSender({ graphUrl: config.whatsapp.graphUrl, apiVersion: config.whatsapp.apiVersion, accessToken: config.whatsapp.accessToken, metrics }),
      pacer: new OutboundPacer(options.outbound?.pacer),
      clock,
      logger,
      metrics,
      settings: {
        locale: resolveLocale(config.inbound.locale),
        timeZone: config.inbound.timeZone,
        markReadOnReply: config.outbound.markReadOnReply,
        maxAttempts: options.outbound?.maxAttempts ?? 8,
        firstEventLookbackMs: 15 * 60_000,
        zendeskUrl: config.zendesk.url,
      },
    },
    options.outbound,
  );

  const templatesApi = new TemplatesApi({ graphUrl: config.whatsapp.graphUrl, apiVersion: config.whatsapp.apiVersion, accessToken: config.whatsapp.accessToken, metrics });
  const templates = new TemplateSyncer(
    { db: store.db, api: templatesApi, wabaId: config.whatsapp.businessAccountId, clock, logger },
    { intervalMs: config.templates.syncMinutes * 60_000, ...options.templateSync },
  );

  const app = createHttpApp(logger, [
    healthRouter({ db: store.db, metrics, workersRunning: () => worker.isRunning }),
    whatsappWebhookRouter({
      db: store.db,
      metrics,
      logger,
      clock,
      appSecrets: config.whatsapp.appSecrets,
      verifyToken: config.whatsapp.verifyToken,
      onStored: () => worker.notify(),
    }),
    zendeskWebhookRouter({
      db: store.db,
      metrics,
      logger,
      clock,
      // ZENDESK_WEBHOOK_SECRET, and the secret `setup` stored (so a rotation by setup just works).
      secrets: async () => {
        const stored = await store.db.selectFrom('bridge_settings').select('value').where('key', '=', WEBHOOK_SECRET_KEY).executeTakeFirst();
        return [config.zendesk.webhookSecret, stored?.value ?? null];
      },
      onStored: () => outbound.notify(),
    }),
    appApiRouter({
      db: store.db,
      clock,
      logger,
      apiKey: config.bridgeApiKey,
      defaultLocale: resolveLocale(config.inbound.locale),
      syncer: templates,
      rateLimitPerMinute: config.appApiRateLimit,
      send: { db: store.db, api: templatesApi, zendesk, phoneNumberId: config.whatsapp.phoneNumberId, clock, logger, metrics, commentT: translator(resolveLocale(config.inbound.locale)) },
    }),
  ]);

  const retention = new WebhookRetention({ db: store.db, clock, logger, retentionMs: config.webhookRetentionMs });

  let server: Server | null = null;
  return {
    config,
    store,
    metrics,
    logger,
    worker,
    zendesk,
    outbound,
    templates,
    app,
    async listen(port = config.port, host = '0.0.0.0') {
      if (options.startWorker !== false) await worker.start();
      if (options.startWorker !== false) await outbound.start();
      templates.start();
      retention.start();
      server = await new Promise<Server>((resolve, reject) => {
        const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
      });
      // Meta keeps connections open; keep-alive must outlast its idle time.
      server.keepAliveTimeout = 65_000;
      const { port: actual } = server.address() as AddressInfo;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
    },
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      await worker.stop();
      await outbound.stop();
      await templates.stop();
      await retention.stop();
      await store.close();
    },
  };
}
