/**
 * The one place that reads the environment. Everything is validated at start; a problem is
 * reported with the variable's name and what to put there, all problems at once.
 */
import { z } from 'zod';

export const ZENDESK_PLANS = {
  team: { accountPerMinute: 200, ticketUpdatesPerMinute: 100, perTicketPer10Minutes: 30 },
  growth: { accountPerMinute: 400, ticketUpdatesPerMinute: 100, perTicketPer10Minutes: 30 },
  professional: { accountPerMinute: 400, ticketUpdatesPerMinute: 100, perTicketPer10Minutes: 30 },
  enterprise: { accountPerMinute: 700, ticketUpdatesPerMinute: 100, perTicketPer10Minutes: 30 },
  'enterprise-plus': { accountPerMinute: 2500, ticketUpdatesPerMinute: 300, perTicketPer10Minutes: 30 },
  'high-volume': { accountPerMinute: 2500, ticketUpdatesPerMinute: 300, perTicketPer10Minutes: 30 },
} as const;
export type ZendeskPlan = keyof typeof ZENDESK_PLANS;
export type ZendeskLimits = { accountPerMinute: number; ticketUpdatesPerMinute: number; perTicketPer10Minutes: number };

export type ZendeskAuth =
  | { kind: 'bearer'; token: string }
  | { kind: 'client-credentials'; clientId: string; clientSecret: string }
  | { kind: 'api-token'; email: string; token: string };

export interface Config {
  port: number;
  databaseUrl: string;
  publicUrl: string | null;
  logLevel: string;
  whatsapp: {
    appSecrets: string[];
    verifyToken: string;
    accessToken: string;
    phoneNumberId: string;
    businessAccountId: string | null;
    graphUrl: string;
    apiVersion: string;
  };
  zendesk: {
    url: string;
    auth: ZendeskAuth;
    webhookSecret: string | null;
    limits: ZendeskLimits;
    plan: ZendeskPlan;
  };
  bridgeApiKey: string | null;
  outbound: {
    /** Mark the customer's latest message read (blue ticks) when an agent's reply is sent. */
    markReadOnReply: boolean;
  };
  /** App API requests per minute per key. */
  appApiRateLimit: number;
  /** Processed webhook bodies are deleted after this long; 0 keeps them. */
  webhookRetentionMs: number;
  templates: {
    /** Full template sync period in minutes; 0 turns the periodic sync off. */
    syncMinutes: number;
  };
  inbound: {
    /** A solved ticket is reopened by a new message within this period; after it, a new ticket. */
    reopenPeriodMs: number;
    /**
     * A write whose outcome is unknown (the process died, the answer never came) is looked up in
     * Zendesk only after this long, so a request Zendesk is still processing is not judged lost.
     */
    reconcileAfterMs: number;
    /** Language of the lines the bridge writes into tickets. */
    locale: string;
    timeZone: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The bridge's configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\nSet them in the environment or in a .env file (see docs/operators.md).`);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const url = (name: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string({ required_error: `${name} is missing` })
      .url(`${name} must be a full URL such as https://example.com`)
      .transform((s) => s.replace(/\/+$/, '')),
  );

const Env = z.object({
  PORT: z.preprocess(blankToUndefined, z.coerce.number({ invalid_type_error: 'PORT must be a number' }).int().min(0).max(65535).default(3000)),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'DATABASE_URL must be sqlite:<path> or postgres://user:password@host/db')
      .default('sqlite:./data/bridge.db'),
  ),
  PUBLIC_URL: z.preprocess(blankToUndefined, url('PUBLIC_URL').optional()),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  WHATSAPP_APP_SECRET: z.preprocess(blankToUndefined, z.string({ required_error: "WHATSAPP_APP_SECRET is missing: copy the app secret from your Meta app (App settings → Basic)" })),
  WHATSAPP_APP_SECRET_PREVIOUS: optionalString,
  WHATSAPP_VERIFY_TOKEN: z.preprocess(blankToUndefined, z.string({ required_error: 'WHATSAPP_VERIFY_TOKEN is missing: choose any secret word and enter the same one in the Meta webhook settings' })),
  WHATSAPP_ACCESS_TOKEN: z.preprocess(blankToUndefined, z.string({ required_error: 'WHATSAPP_ACCESS_TOKEN is missing: create a system user token with whatsapp_business_messaging permission in Meta Business Manager' })),
  WHATSAPP_PHONE_NUMBER_ID: z.preprocess(
    blankToUndefined,
    z.string({ required_error: 'WHATSAPP_PHONE_NUMBER_ID is missing: copy it from WhatsApp → API Setup in your Meta app' }).regex(/^\d+$/, 'WHATSAPP_PHONE_NUMBER_ID must be the numeric id of the number (not the phone number itself)'),
  ),
  WHATSAPP_BUSINESS_ACCOUNT_ID: z.preprocess(blankToUndefined, z.string().regex(/^\d+$/, 'WHATSAPP_BUSINESS_ACCOUNT_ID must be numeric').optional()),
  WHATSAPP_GRAPH_URL: url('WHATSAPP_GRAPH_URL').default('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z.preprocess(blankToUndefined, z.string().regex(/^v\d+\.\d+$/, 'WHATSAPP_API_VERSION must look like v26.0').default('v26.0')),
  ZENDESK_URL: z.preprocess(blankToUndefined, url('ZENDESK_URL').optional()),
  ZENDESK_SUBDOMAIN: z.preprocess(blankToUndefined, z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, 'ZENDESK_SUBDOMAIN must be the part before .zendesk.com, e.g. acme').optional()),
  ZENDESK_OAUTH_TOKEN: optionalString,
  ZENDESK_OAUTH_CLIENT_ID: optionalString,
  ZENDESK_OAUTH_CLIENT_SECRET: optionalString,
  ZENDESK_EMAIL: optionalString,
  ZENDESK_API_TOKEN: optionalString,
  ZENDESK_WEBHOOK_SECRET: optionalString,
  ZENDESK_PLAN: z.preprocess(
    blankToUndefined,
    z.enum(Object.keys(ZENDESK_PLANS) as [ZendeskPlan, ...ZendeskPlan[]], { errorMap: () => ({ message: `ZENDESK_PLAN must be one of ${Object.keys(ZENDESK_PLANS).join(', ')}` }) }).default('team'),
  ),
  ZENDESK_RATE_LIMIT: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
  ZENDESK_TICKET_UPDATE_LIMIT: z.preprocess(blankToUndefined, z.coerce.number().int().positive().optional()),
  WHATSAPP_MARK_READ_ON_REPLY: z.preprocess(blankToUndefined, z.enum(['true', 'false', '1', '0', 'yes', 'no'], { errorMap: () => ({ message: 'WHATSAPP_MARK_READ_ON_REPLY must be true or false' }) }).default('false')),
  BRIDGE_API_KEY: z.preprocess(blankToUndefined, z.string().min(24, 'BRIDGE_API_KEY must be at least 24 characters: generate one with `openssl rand -hex 24`').optional()),
  TEMPLATE_SYNC_MINUTES: z.preprocess(blankToUndefined, z.coerce.number({ invalid_type_error: 'TEMPLATE_SYNC_MINUTES must be a number of minutes (0 turns the periodic sync off)' }).min(0).default(15)),
  APP_API_RATE_LIMIT: z.preprocess(blankToUndefined, z.coerce.number({ invalid_type_error: 'APP_API_RATE_LIMIT must be a number of requests per minute' }).int().positive().default(300)),
  RECONCILE_AFTER_SECONDS: z.preprocess(blankToUndefined, z.coerce.number({ invalid_type_error: 'RECONCILE_AFTER_SECONDS must be a number of seconds' }).min(0).default(35)),
  WEBHOOK_RETENTION_DAYS: z.preprocess(blankToUndefined, z.coerce.number({ invalid_type_error: 'WEBHOOK_RETENTION_DAYS must be a number of days (0 keeps processed webhook bodies forever)' }).min(0).default(30)),
  TICKET_REOPEN_DAYS: z.preprocess(blankToUndefined, z.coerce.number({ invalid_type_error: 'TICKET_REOPEN_DAYS must be a number of days' }).min(0).default(3)),
  BRIDGE_LOCALE: z.preprocess(blankToUndefined, z.string().default('en')),
  BRIDGE_TIME_ZONE: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((tz) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      }, 'BRIDGE_TIME_ZONE must be an IANA time zone such as Europe/Rome')
      .default('UTC'),
  ),
});

/** Zendesk's variables, checked together (one of several ways to sign in, a URL or a subdomain). */
const ZendeskEnv = Env.pick({
  ZENDESK_URL: true,
  ZENDESK_SUBDOMAIN: true,
  ZENDESK_OAUTH_TOKEN: true,
  ZENDESK_OAUTH_CLIENT_ID: true,
  ZENDESK_OAUTH_CLIENT_SECRET: true,
  ZENDESK_EMAIL: true,
  ZENDESK_API_TOKEN: true,
});

function zendeskAuth(env: z.infer<typeof ZendeskEnv>, problems: string[]): ZendeskAuth | null {
  if (env.ZENDESK_OAUTH_TOKEN) return { kind: 'bearer', token: env.ZENDESK_OAUTH_TOKEN };
  if (env.ZENDESK_OAUTH_CLIENT_ID || env.ZENDESK_OAUTH_CLIENT_SECRET) {
    if (env.ZENDESK_OAUTH_CLIENT_ID && env.ZENDESK_OAUTH_CLIENT_SECRET) {
      return { kind: 'client-credentials', clientId: env.ZENDESK_OAUTH_CLIENT_ID, clientSecret: env.ZENDESK_OAUTH_CLIENT_SECRET };
    }
    problems.push('ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET must be set together (an OAuth client of kind "confidential" in Zendesk Admin Center → Apps and integrations → APIs → OAuth clients)');
    return null;
  }
  if (env.ZENDESK_EMAIL || env.ZENDESK_API_TOKEN) {
    if (env.ZENDESK_EMAIL && env.ZENDESK_API_TOKEN) return { kind: 'api-token', email: env.ZENDESK_EMAIL, token: env.ZENDESK_API_TOKEN };
    problems.push('ZENDESK_EMAIL and ZENDESK_API_TOKEN must be set together (legacy API tokens are retired on 2027-04-30: prefer ZENDESK_OAUTH_TOKEN)');
    return null;
  }
  problems.push('Zendesk credentials are missing: set ZENDESK_OAUTH_TOKEN, or ZENDESK_OAUTH_CLIENT_ID + ZENDESK_OAUTH_CLIENT_SECRET, or the legacy ZENDESK_EMAIL + ZENDESK_API_TOKEN');
  return null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '');
      problems.push(issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`);
    }
  }
  // Checked even when other variables are wrong, so that every problem is reported at once.
  const zendeskEnv = ZendeskEnv.safeParse(env);
  let zendeskUrl: string | null = null;
  let auth: ZendeskAuth | null = null;
  if (zendeskEnv.success) {
    const zd = zendeskEnv.data;
    zendeskUrl = zd.ZENDESK_URL ?? (zd.ZENDESK_SUBDOMAIN ? `https://${zd.ZENDESK_SUBDOMAIN}.zendesk.com` : null);
    if (!zendeskUrl) problems.push('ZENDESK_URL is missing: set it to your account, e.g. https://acme.zendesk.com (or set ZENDESK_SUBDOMAIN=acme)');
    auth = zendeskAuth(zd, problems);
  }
  if (!parsed.success || problems.length || !auth || !zendeskUrl) throw new ConfigError(problems);
  const e = parsed.data;
  zendeskUrl = zendeskUrl.replace(/\/+$/, '');

  const planLimits = ZENDESK_PLANS[e.ZENDESK_PLAN];
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.PUBLIC_URL ?? null,
    logLevel: e.LOG_LEVEL,
    whatsapp: {
      appSecrets: [e.WHATSAPP_APP_SECRET, ...(e.WHATSAPP_APP_SECRET_PREVIOUS ? [e.WHATSAPP_APP_SECRET_PREVIOUS] : [])],
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      businessAccountId: e.WHATSAPP_BUSINESS_ACCOUNT_ID ?? null,
      graphUrl: e.WHATSAPP_GRAPH_URL,
      apiVersion: e.WHATSAPP_API_VERSION,
    },
    zendesk: {
      url: zendeskUrl,
      auth,
      webhookSecret: e.ZENDESK_WEBHOOK_SECRET ?? null,
      plan: e.ZENDESK_PLAN,
      limits: {
        accountPerMinute: e.ZENDESK_RATE_LIMIT ?? planLimits.accountPerMinute,
        ticketUpdatesPerMinute: e.ZENDESK_TICKET_UPDATE_LIMIT ?? planLimits.ticketUpdatesPerMinute,
        perTicketPer10Minutes: planLimits.perTicketPer10Minutes,
      },
    },
    bridgeApiKey: e.BRIDGE_API_KEY ?? null,
    outbound: { markReadOnReply: ['true', '1', 'yes'].includes(e.WHATSAPP_MARK_READ_ON_REPLY) },
    appApiRateLimit: e.APP_API_RATE_LIMIT,
    webhookRetentionMs: e.WEBHOOK_RETENTION_DAYS * 86_400_000,
    templates: { syncMinutes: e.TEMPLATE_SYNC_MINUTES },
    inbound: {
      reopenPeriodMs: e.TICKET_REOPEN_DAYS * 24 * 3600 * 1000,
      reconcileAfterMs: e.RECONCILE_AFTER_SECONDS * 1000,
      locale: e.BRIDGE_LOCALE,
      timeZone: e.BRIDGE_TIME_ZONE,
    },
  };
}

/** True when the environment names no credentials at all: `npm start` then runs the sandbox. */
export function hasNoCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  const names = ['WHATSAPP_APP_SECRET', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'ZENDESK_URL', 'ZENDESK_SUBDOMAIN', 'ZENDESK_OAUTH_TOKEN', 'ZENDESK_OAUTH_CLIENT_ID', 'ZENDESK_API_TOKEN'];
  return names.every((n) => !env[n]?.trim());
}

/** Masks a secret for display: the first and last two characters at most. */
export function mask(secret: string | null | undefined): string {
  if (!secret) return '(not set)';
  if (secret.length <= 8) return '••••';
  return `${secret.slice(0, 2)}••••${secret.slice(-2)}`;
}
