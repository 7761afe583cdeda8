/**
 * A simulated WhatsApp Cloud API (Graph API), obeying the rules the bridge depends on: bearer
 * token on every route, Graph error bodies, short-lived media URLs that need the token too,
 * media ids that expire after 7 days by the injected clock, and injectable faults.
 *
 * Used by the tests, the benchmarks and the `npm start` demo:
 *
 *   const wa = createWhatsAppSandbox({ clock });
 *   const graphUrl = await wa.listen();          // → WHATSAPP_GRAPH_URL
 *   const mediaId = wa.addMedia(jpegBytes, 'image/jpeg');
 *   … deliver a webhook built with ./phone, let the bridge download the media …
 *   await wa.close();
 *
 * Routes live in ./routes, one file per Graph area; sending messages, statuses and templates
 * will be added there later.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { systemClock, type Clock } from '../../lib/clock';
import { requireBearer } from './auth';
import { urlSigner, type SandboxContext, type WhatsAppSandboxSettings, type WhatsAppSandboxStats } from './context';
import {
  SANDBOX_ACCESS_TOKEN,
  SANDBOX_API_VERSION,
  SANDBOX_APP_SECRET,
  SANDBOX_DISPLAY_PHONE_NUMBER,
  SANDBOX_MEDIA_URL_TTL_MS,
  SANDBOX_PHONE_NUMBER_ID,
  SANDBOX_VERIFIED_NAME,
  SANDBOX_WABA_ID,
} from './defaults';
import { Faults, type Fault, type FaultSpec } from './faults';
import { sendGraphError } from './graph-error';
import { mediaRoutes } from './routes/media';
import { templateRoutes } from './routes/templates';
import { SandboxTemplates } from './templates';
import { deliver } from './phone';
import { phoneNumberRoutes } from './routes/phone-numbers';
import { messageRoutes } from './routes/messages';
import { Outbox } from './outbox';
import { validateTemplateSend as checkTemplateSend } from './template-validation';
import { WhatsAppSandboxState, type AddMediaOptions } from './state';

export * from './defaults';
export type { FaultSpec, Fault } from './faults';
export type { StoredMedia, AddMediaOptions } from './state';
export type { WhatsAppSandboxSettings, WhatsAppSandboxStats } from './context';
export { WhatsAppSandboxState } from './state';
export { SandboxTemplates, SEED_TEMPLATES, LOCATION_AND_OTP_TEMPLATES, type SandboxTemplate, type NewTemplate } from './templates';
export { validateTemplateSend, type TemplateRefusal } from './template-validation';

export interface WhatsAppSandboxOptions {
  clock?: Clock;
  accessToken?: string;
  appSecret?: string;
  phoneNumberId?: string;
  displayPhoneNumber?: string;
  /** The business name Meta shows for the number. */
  verifiedName?: string;
  wabaId?: string;
  apiVersion?: string;
  /** How long a media download URL stays valid; default 5 minutes. */
  mediaUrlTtlMs?: number;
  /** The WABA's templates at start (default: the realistic seed in ./templates). */
  templates?: import('./templates').NewTemplate[];
}

export type { SentMessage, UploadedMedia, AutoStatuses } from './outbox';
export { Outbox } from './outbox';

export interface WhatsAppSandbox {
  /**
   * What the number sent (the customers' "phones"), the windows it observed, status webhooks:
   * set `outbox.webhookUrl` to receive statuses; `outbox.emitStatus(wamid, 'read')` by hand.
   */
  outbox: Outbox;
  app: Express;
  state: WhatsAppSandboxState;
  settings: Readonly<WhatsAppSandboxSettings>;
  stats: WhatsAppSandboxStats;
  faults: Pick<Faults, 'add' | 'remove' | 'clear' | 'active'>;
  /** Starts listening on 127.0.0.1 (port 0: any free port); resolves to the base URL. */
  listen(port?: number): Promise<string>;
  /** The base URL once listening, e.g. `http://127.0.0.1:53124`. */
  readonly url: string | null;
  close(): Promise<void>;
  /** Stores a file as if a customer had sent it; returns its media id. */
  addMedia(bytes: Buffer, mimeType: string, opts?: AddMediaOptions): string;
  /** The WABA's message templates (add, change status, category, quality). */
  templates: SandboxTemplates;
  /**
   * Changes a template's status and POSTs Meta's `message_template_status_update` webhook,
   * signed with the app secret, to the bridge's webhook URL.
   */
  emitTemplateStatus(webhookUrl: string, name: string, language: string, event: string, reason?: string): Promise<globalThis.Response>;
}

export function createWhatsAppSandbox(options: WhatsAppSandboxOptions = {}): WhatsAppSandbox {
  const clock = options.clock ?? systemClock;
  const settings: WhatsAppSandboxSettings = {
    accessToken: options.accessToken ?? SANDBOX_ACCESS_TOKEN,
    appSecret: options.appSecret ?? SANDBOX_APP_SECRET,
    phoneNumberId: options.phoneNumberId ?? SANDBOX_PHONE_NUMBER_ID,
    displayPhoneNumber: options.displayPhoneNumber ?? SANDBOX_DISPLAY_PHONE_NUMBER,
    verifiedName: options.verifiedName ?? SANDBOX_VERIFIED_NAME,
    wabaId: options.wabaId ?? SANDBOX_WABA_ID,
    apiVersion: options.apiVersion ?? SANDBOX_API_VERSION,
    mediaUrlTtlMs: options.mediaUrlTtlMs ?? SANDBOX_MEDIA_URL_TTL_MS,
  };
  const state = new WhatsAppSandboxState();
  const faults = new Faults();
  const stats: WhatsAppSandboxStats = {
    requests: 0,
    unauthorized: 0,
    mediaInfo: 0,
    mediaDownloads: 0,
    get faultsInjected() {
      return faults.injected;
    },
  };
  const ctx: SandboxContext = { state, clock, settings, stats, ...urlSigner(randomBytes(32)) };
  const templates = new SandboxTemplates(settings.wabaId, () => clock.now(), options.templates);

  const outbox = new Outbox({ clock, appSecret: settings.appSecret, phoneNumberId: settings.phoneNumberId });
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, _res, next) => {
    stats.requests += 1;
    next();
  });
  app.use(faults.middleware());
  app.use(requireBearer(settings.accessToken, () => (stats.unauthorized += 1)));
  app.use(express.json({ limit: '5mb' }));
  // More specific Graph routes (the phone number, messages, templates, …) go before the media
  // routes, whose `/:version/:mediaId` would otherwise match any two-segment path.
  app.use(phoneNumberRoutes(ctx));
  app.use(messageRoutes(ctx, outbox, { validateTemplate: (body) => checkTemplateSend(templates, body.template as Parameters<typeof checkTemplateSend>[1]) }));
  app.use(templateRoutes(ctx, templates, { templateLists: 0 }));
  app.use(mediaRoutes(ctx));
  app.use((req: Request, res: Response) => {
    sendGraphError(res, 400, { message: `Unknown path components: ${req.path}`, code: 2500 });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status ?? 500;
    if (status < 500) {
      sendGraphError(res, 400, { message: `(#100) ${(error as Error).message ?? 'Invalid request'}`, code: 100 });
      return;
    }
    sendGraphError(res, 500, {
      message: 'An unexpected error has occurred. Please retry your request later.',
      code: 2,
      is_transient: true,
    });
  });

  let server: Server | null = null;
  let url: string | null = null;

  return {
    app,
    outbox,
    state,
    settings,
    stats,
    faults,
    get url() {
      return url;
    },
    listen(port = 0) {
      if (server) return Promise.reject(new Error('The WhatsApp sandbox is already listening.'));
      return new Promise<string>((resolve, reject) => {
        const started = app.listen(port, '127.0.0.1', (error?: Error) => {
          if (error) return reject(error);
          url = `http://127.0.0.1:${(started.address() as AddressInfo).port}`;
          resolve(url);
        });
        started.on('error', reject);
        server = started;
      });
    },
    close() {
      outbox.close();
      const closing = server;
      server = null;
      url = null;
      if (!closing) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        closing.close((error) => (error ? reject(error) : resolve()));
        closing.closeAllConnections();
      });
    },
    addMedia(bytes, mimeType, opts) {
      return state.addMedia(bytes, mimeType, clock.now(), opts).id;
    },
    templates,
    emitTemplateStatus(webhookUrl, name, language, event, reason) {
      return deliver(webhookUrl, templates.setStatus(name, language, event, reason), settings.appSecret);
    },
  };
}
