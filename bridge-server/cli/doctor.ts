/**
 * `doctor`: what is configured (secrets masked) and whether each part answers: the store, the
 * Zendesk account with the given credentials, the Graph API with the given token and number.
 */
import { ConfigError, loadConfig, mask, type Config } from '../config';
import { systemClock } from '../lib/clock';
import { createLogger } from '../lib/logger';
import { migrate, openStore } from '../store';
import { createAuthProvider } from '../zendesk/auth';
import { ZendeskBudget } from '../zendesk/rate-budget';
import { ZendeskClient } from '../zendesk/client';
import { GraphClient } from '../whatsapp/graph-client';
import { describeNumberField } from '../sync/whatsapp-number-field';

type Out = (line: string) => void;

export async function runDoctor(env: NodeJS.ProcessEnv, out: Out = console.log): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      out('✗ configuration');
      for (const p of err.problems) out(`    ${p}`);
      return 1;
    }
    throw err;
  }
  const auth = config.zendesk.auth;
  out('Configuration');
  const rows: [string, string][] = [
    ['PORT', String(config.port)],
    ['DATABASE_URL', config.databaseUrl.replace(/:\/\/([^:@/]+):([^@]+)@/, '://$1:••••@')],
    ['PUBLIC_URL', config.publicUrl ?? '(not set: needed by `setup` to register webhooks)'],
    ['WHATSAPP_APP_SECRET', `${mask(config.whatsapp.appSecrets[0])}${config.whatsapp.appSecrets.length > 1 ? ' (+ previous secret for rotation)' : ''}`],
    ['WHATSAPP_VERIFY_TOKEN', mask(config.whatsapp.verifyToken)],
    ['WHATSAPP_ACCESS_TOKEN', mask(config.whatsapp.accessToken)],
    ['WHATSAPP_PHONE_NUMBER_ID', config.whatsapp.phoneNumberId],
    ['WHATSAPP_BUSINESS_ACCOUNT_ID', config.whatsapp.businessAccountId ?? '(not set: needed for templates)'],
    ['WHATSAPP_GRAPH_URL', `${config.whatsapp.graphUrl} (${config.whatsapp.apiVersion})`],
    ['ZENDESK_URL', config.zendesk.url],
    [
      'Zendesk auth',
      auth.kind === 'bearer' ? `OAuth token ${mask(auth.token)}` : auth.kind === 'client-credentials' ? `OAuth client ${auth.clientId} / ${mask(auth.clientSecret)}` : `API token of ${auth.email} ${mask(auth.token)} (legacy: retired 2027-04-30)`,
    ],
    ['ZENDESK_WEBHOOK_SECRET', mask(config.zendesk.webhookSecret)],
    ['ZENDESK_PLAN', `${config.zendesk.plan}: ${config.zendesk.limits.accountPerMinute} requests/min, ${config.zendesk.limits.ticketUpdatesPerMinute} ticket updates/min`],
    ['BRIDGE_API_KEY', mask(config.bridgeApiKey)],
    ['TICKET_REOPEN_DAYS', String(config.inbound.reopenPeriodMs / 86_400_000)],
    ['BRIDGE_LOCALE / TIME_ZONE', `${config.inbound.locale} / ${config.inbound.timeZone}`],
  ];
  for (const [k, v] of rows) out(`  ${k.padEnd(30)} ${v}`);

  let failures = 0;
  const check = async (name: string, fn: () => Promise<string>) => {
    try {
      out(`✓ ${name}: ${await fn()}`);
    } catch (err) {
      failures++;
      out(`✗ ${name}: ${(err as Error).message}`);
    }
  };
  out('\nChecks');
  await check('store', async () => {
    const store = openStore(config.databaseUrl);
    try {
      await migrate(store.db);
      const count = async (state: 'pending' | 'failed') =>
        Number((await store.db.selectFrom('inbound_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', state).executeTakeFirst())?.n ?? 0);
      const dead = Number((await store.db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      const [waiting, failed] = [await count('pending'), await count('failed')];
      return `${store.location} (migrations done; ${waiting} message(s) waiting, ${failed} failed${failed ? ': `npm run bridge -- failures`' : ''}, ${dead} dead letter(s)${dead ? ': `npm run bridge -- deadletters`' : ''})`;
    } finally {
      await store.close();
    }
  });
  // The "WhatsApp number" ticket field: not created yet is a note; deleted in Zendesk is a failure.
  try {
    const store = openStore(config.databaseUrl);
    try {
      const field = await describeNumberField(store.db);
      if (field.level === 'lost') failures++;
      out(`${{ ok: '✓', note: '!', lost: '✗' }[field.level]} WhatsApp number field: ${field.text}`);
    } finally {
      await store.close();
    }
  } catch {
    // The store check above already said what is wrong with the store.
  }
  await check('Zendesk', async () => {
    const logger = createLogger('silent');
    const client = new ZendeskClient({
      baseUrl: config.zendesk.url,
      auth: createAuthProvider(config.zendesk.auth, config.zendesk.url, systemClock),
      budget: new ZendeskBudget(config.zendesk.limits, systemClock),
      clock: systemClock,
      logger,
      maxAttempts: 1,
      timeoutMs: 10_000,
    });
    const me = await client.me();
    if (me.role !== 'admin' && me.role !== 'agent') throw new Error(`signed in as ${me.name}, whose role is "${me.role}": the bridge needs an agent or admin`);
    return `signed in to ${config.zendesk.url} as ${me.name} (${me.role})`;
  });
  await check('WhatsApp Graph API', async () => {
    const graph = new GraphClient({ graphUrl: config.whatsapp.graphUrl, apiVersion: config.whatsapp.apiVersion, accessToken: config.whatsapp.accessToken, timeoutMs: 10_000 });
    const number = await graph.phoneNumber(config.whatsapp.phoneNumberId);
    return `number ${number.display_phone_number ?? number.id}${number.verified_name ? ` (${number.verified_name})` : ''} reachable with the token`;
  });
  out(failures ? `\n${failures} check(s) failed.` : '\nAll checks passed.');
  return failures ? 1 : 0;
}
