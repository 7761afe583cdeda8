/** `npm run bridge -- setup`: the setup use case with the bridge's own client and store. */
import type { Config } from '../config';
import { systemClock } from '../lib/clock';
import { createLogger } from '../lib/logger';
import { migrate, migrationsDone, openStore } from '../store';
import { createAuthProvider } from '../zendesk/auth';
import { ZendeskBudget } from '../zendesk/rate-budget';
import { ZendeskClient } from '../zendesk/client';
import { describeSetup, runSetup } from './setup';

export async function runSetupCommand(config: Config, dryRun: boolean): Promise<number> {
  const logger = createLogger('warn');
  const zendesk = new ZendeskClient({
    baseUrl: config.zendesk.url,
    auth: createAuthProvider(config.zendesk.auth, config.zendesk.url, systemClock),
    budget: new ZendeskBudget(config.zendesk.limits, systemClock),
    clock: systemClock,
    logger,
  });
  const store = openStore(config.databaseUrl);
  try {
    if (!dryRun) await migrate(store.db);
    // A dry run only reads the store, and only one that is already migrated.
    const db = !dryRun || (await migrationsDone(store.db).catch(() => false)) ? store.db : undefined;
    const result = await runSetup({ zendesk, publicUrl: config.publicUrl as string, dryRun, db });
    console.log(describeSetup(result, dryRun, config.zendesk.webhookSecret));
    return 0;
  } catch (err) {
    console.error(`Setup stopped: ${(err as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}
