/** `npm run bridge -- templates`: syncs the WABA's templates (unless --offline) and lists them. */
import { loadConfig } from '../config';
import { createLogger } from '../lib/logger';
import { systemClock } from '../lib/clock';
import { migrate, openStore } from '../store';
import { TemplatesApi } from '../whatsapp/templates-api';
import { listTemplates, syncTemplates } from '../sync/templates';
import { templateVariables } from '../sync/template-render';

export async function runTemplatesCommand(env: NodeJS.ProcessEnv, opts: { offline: boolean }, out: (line: string) => void = console.log): Promise<number> {
  const config = loadConfig(env);
  const store = openStore(config.databaseUrl);
  try {
    await migrate(store.db);
    if (!opts.offline) {
      if (!config.whatsapp.businessAccountId) {
        out('WHATSAPP_BUSINESS_ACCOUNT_ID is not set: cannot read templates from Meta (showing what the store has).');
      } else {
        const api = new TemplatesApi({ graphUrl: config.whatsapp.graphUrl, apiVersion: config.whatsapp.apiVersion, accessToken: config.whatsapp.accessToken });
        const r = await syncTemplates({ db: store.db, api, wabaId: config.whatsapp.businessAccountId, clock: systemClock, logger: createLogger('silent') });
        out(`Synced ${r.fetched} template(s) in ${r.pages} page(s): ${r.added} added, ${r.updated} changed, ${r.removed} removed.`);
      }
    }
    const templates = await listTemplates(store.db);
    out(`${templates.length} template(s) in ${store.location}`);
    for (const t of templates) {
      const vars = templateVariables(t).map((v) => v.key);
      out(`${t.status.padEnd(9)} ${t.category.padEnd(14)} ${t.language.padEnd(6)} ${t.name}${vars.length ? `  (${vars.join(', ')})` : ''}${t.qualityScore ? `  quality ${t.qualityScore}` : ''}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
