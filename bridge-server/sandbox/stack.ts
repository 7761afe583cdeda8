/**
 * The whole loop on one machine: the simulated WhatsApp Cloud API, the simulated Zendesk, and a
 * real bridge wired to both. Used by `npm start` without credentials, the tests and the
 * benchmarks, so all three exercise the same wiring.
 */
import { loadConfig, type Config } from '../config';
import { createBridge, type Bridge, type BridgeOptions } from '../bridge';
import type { Clock } from '../lib/clock';
import { createZendeskSandbox, type ZendeskSandbox } from './zendesk';
import type { ZendeskSandboxOptions } from './zendesk/options';
import { DEFAULT_BEARER_TOKEN } from './zendesk/options';
import { runSetup, type SetupResult } from '../cli/setup';
import { createWhatsAppSandbox, type WhatsAppSandbox, type WhatsAppSandboxOptions } from './whatsapp';
import { SandboxPersistence, type PersistenceOptions, type Restored } from './persistence';

export const SANDBOX_VERIFY_TOKEN = 'sandbox-verify-token';
export const SANDBOX_BRIDGE_API_KEY = 'sandbox-bridge-api-key-0123456789';

export interface StackOptions {
  clock?: Clock;
  /** e.g. `sqlite:./data/sandbox.db`. */
  databaseUrl: string;
  zendesk?: ZendeskSandboxOptions;
  whatsapp?: WhatsAppSandboxOptions;
  bridge?: BridgeOptions;
  /** Extra environment for the bridge's config (e.g. ZENDESK_PLAN). */
  env?: Record<string, string>;
  bridgePort?: number;
  host?: string;
  /**
   * Keep the simulators' data in JSON snapshots under `persist.dir` (loaded now, saved after
   * changes and at close), as `npm start` does. Off by default: tests start empty and write nothing.
   */
  persist?: PersistenceOptions;
}

export interface Stack {
  zendesk: ZendeskSandbox;
  whatsapp: WhatsAppSandbox;
  bridge: Bridge;
  config: Config;
  bridgeUrl: string;
  webhookUrl: string;
  /** Stops the bridge (as a deploy or a crash would) and starts a new one on the same store. */
  restartBridge(options?: BridgeOptions): Promise<void>;
  /**
   * Runs the bridge's `setup` against the simulated Zendesk (webhook + trigger pointing at the
   * bridge, secret stored in the bridge's store), so agent replies fire the webhook. Run again
   * after a restart, which changes the bridge's port.
   */
  setupZendesk(opts?: { dryRun?: boolean }): Promise<SetupResult>;
  /** With `persist`: the snapshots (null without it). */
  persistence: SandboxPersistence | null;
  /** Which simulators started from a saved snapshot (both false without `persist`). */
  restored: Restored;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const zendesk = createZendeskSandbox({ clock: options.clock, ...options.zendesk });
  const whatsapp = createWhatsAppSandbox({ clock: options.clock, apiVersion: 'v26.0', ...options.whatsapp });
  const persistence = options.persist ? new SandboxPersistence({ zendesk, whatsapp, clock: options.clock }, options.persist) : null;
  const restored = persistence ? persistence.load() : { zendesk: false, whatsapp: false };
  const [zendeskUrl, graphUrl] = await Promise.all([zendesk.listen(), whatsapp.listen()]);
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: 'silent',
    WHATSAPP_APP_SECRET: whatsapp.settings.appSecret,
    WHATSAPP_VERIFY_TOKEN: SANDBOX_VERIFY_TOKEN,
    WHATSAPP_ACCESS_TOKEN: whatsapp.settings.accessToken,
    WHATSAPP_PHONE_NUMBER_ID: whatsapp.settings.phoneNumberId,
    WHATSAPP_BUSINESS_ACCOUNT_ID: whatsapp.settings.wabaId,
    WHATSAPP_GRAPH_URL: graphUrl,
    WHATSAPP_API_VERSION: whatsapp.settings.apiVersion,
    ZENDESK_URL: zendeskUrl,
    ZENDESK_OAUTH_TOKEN: DEFAULT_BEARER_TOKEN,
    ZENDESK_PLAN: 'enterprise',
    BRIDGE_API_KEY: SANDBOX_BRIDGE_API_KEY,
    ...(options.bridgePort !== undefined ? { PORT: String(options.bridgePort) } : {}),
    ...options.env,
  });
  const host = options.host ?? '127.0.0.1';
  let bridge = await createBridge(config, { clock: options.clock, ...options.bridge });
  let bridgeUrl = await bridge.listen(options.bridgePort ?? 0, host);
  // Status webhooks of the simulated number go to the bridge, as Meta's do.
  whatsapp.outbox.webhookUrl = `${bridgeUrl}/webhooks/whatsapp`;
  persistence?.start();
  let setupDone = false;
  const setupZendesk = async (opts: { dryRun?: boolean } = {}) => {
    const result = await runSetup({ zendesk: bridge.zendesk, publicUrl: bridgeUrl, dryRun: opts.dryRun, db: opts.dryRun ? undefined : bridge.store.db, now: () => (options.clock ?? { now: Date.now }).now() });
    if (!opts.dryRun) setupDone = true;
    return result;
  };

  const stack: Stack = {
    zendesk,
    whatsapp,
    config,
    get bridge() {
      return bridge;
    },
    get bridgeUrl() {
      return bridgeUrl;
    },
    get webhookUrl() {
      return `${bridgeUrl}/webhooks/whatsapp`;
    },
    async restartBridge(bridgeOptions?: BridgeOptions) {
      await bridge.close();
      bridge = await createBridge(config, { clock: options.clock, ...options.bridge, ...bridgeOptions });
      bridgeUrl = await bridge.listen(options.bridgePort ?? 0, host);
      whatsapp.outbox.webhookUrl = `${bridgeUrl}/webhooks/whatsapp`;
      if (setupDone) await setupZendesk();
    },
    setupZendesk,
    persistence,
    restored,
    async close() {
      await bridge.close();
      persistence?.close();
      await Promise.all([zendesk.close(), whatsapp.close()]);
    },
  };
  return stack;
}
