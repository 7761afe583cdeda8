/**
 * The bridge's command line: `npm run bridge -- <command>`.
 *
 *   start        run the bridge (with no credentials at all: the local sandbox, see `npm start`)
 *   migrate      apply store migrations and exit
 *   setup        create or update the Zendesk webhook and trigger (idempotent; --dry-run)
 *   doctor       show the configuration (secrets masked) and check the store, Zendesk and Meta
 *   deadletters  list webhook items kept because they could not be understood
 *   failures     list messages that could not cross the bridge, inbound and outbound
 *   templates    sync the WABA's message templates and list them
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, hasNoCredentials, loadConfig } from './config';
import { createBridge } from './bridge';
import { migrate, openStore } from './store';
import { runDoctor } from './cli/doctor';
import { listDeadLetters, listFailures, parseDirection } from './cli/inspect';

const HELP = `Usage: npm run bridge -- <command> [options]

Commands:
  start         run the bridge; with no credentials in the environment, the local sandbox
  migrate       apply the store's migrations and exit
  setup         create or update the Zendesk webhook and trigger agent replies need  [--dry-run]
  doctor        show the configuration (secrets masked) and check the store, Zendesk and Meta
  deadletters   list webhook items kept because they could not be understood  [--limit N]
  failures      messages that could not cross the bridge: inbound not written to Zendesk,
                outbound not sent or not delivered  [--limit N] [--direction inbound|outbound|both]
  templates     sync the WABA's message templates from Meta and list them     [--offline]

Configuration comes from the environment or a .env file: see docs/operators.md.`;

function loadDotEnv() {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
}

async function main(argv: string[]): Promise<number> {
  loadDotEnv();
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { limit: { type: 'string' }, direction: { type: 'string' }, offline: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  const command = positionals[0] ?? 'start';
  if (values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  const limit = Number(values.limit ?? 50);

  switch (command) {
    case 'start': {
      if (hasNoCredentials()) {
        const { startSandbox } = await import('./sandbox/start');
        await startSandbox();
        return -1; // keeps running
      }
      const config = loadConfig();
      const bridge = await createBridge(config);
      const url = await bridge.listen(config.port);
      bridge.logger.info({ url, store: bridge.store.location, zendesk: config.zendesk.url }, 'bridge listening');
      const shutdown = async (signal: string) => {
        bridge.logger.info({ signal }, 'shutting down: finishing deliveries under way');
        await bridge.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
      process.once('SIGINT', () => void shutdown('SIGINT'));
      return -1;
    }
    case 'migrate': {
      const store = openStore(process.env.DATABASE_URL?.trim() || 'sqlite:./data/bridge.db');
      const applied = await migrate(store.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The store is up to date.');
      await store.close();
      return 0;
    }
    case 'setup': {
      const config = loadConfig();
      if (!config.publicUrl) {
        console.error('PUBLIC_URL is missing: set it to the address where Zendesk can reach the bridge, e.g. https://bridge.example.com');
        return 2;
      }
      const { runSetupCommand } = await import('./cli/setup-command');
      return runSetupCommand(config, Boolean(values['dry-run']));
    }
    case 'doctor':
      return runDoctor(process.env);
    case 'deadletters':
      return listDeadLetters(process.env.DATABASE_URL?.trim() || 'sqlite:./data/bridge.db', limit);
    case 'failures':
      return listFailures(process.env.DATABASE_URL?.trim() || 'sqlite:./data/bridge.db', limit, console.log, { direction: parseDirection(values.direction), locale: process.env.BRIDGE_LOCALE });
    case 'templates': {
      const { runTemplatesCommand } = await import('./cli/templates');
      return runTemplatesCommand(process.env, { offline: values.offline === true });
    }
    default:
      console.error(`Unknown command "${command}".\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`The bridge stopped: ${(err as Error).message}`);
    process.exit(1);
  },
);
