/**
 * Templates sync: the WABA's templates are read from the Graph API (all pages) into the
 * `templates` table at start, every TEMPLATE_SYNC_MINUTES, when template webhooks arrive and on
 * demand. Agents' views read the store only: Meta limits the templates endpoint to about 200
 * calls per hour.
 *
 * Template webhooks (status, category, quality) are applied to the stored row at once, then a
 * full sync follows shortly after (debounced) to pick up anything else that changed.
 */
import type { Store } from '../store';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import type { TemplateTable } from '../store/schema';
import { TemplatesApi, type GraphTemplate, type TemplateComponent } from '../whatsapp/templates-api';
import { placeholdersIn, type TemplateDefinition } from './template-render';

export interface TemplateSyncDeps {
  db: Store;
  api: TemplatesApi;
  /** null: WHATSAPP_BUSINESS_ACCOUNT_ID is not configured; sync is then refused with a clear message. */
  wabaId: string | null;
  clock: Clock;
  logger: Logger;
}

export interface SyncResult {
  fetched: number;
  pages: number;
  added: number;
  updated: number;
  removed: number;
  skipped: number;
  syncedAt: number;
}

export class TemplateSyncUnavailable extends Error {
  readonly code = 'templates_not_configured';
  constructor() {
    super('WHATSAPP_BUSINESS_ACCOUNT_ID is not set: the bridge cannot read your templates. Copy the WhatsApp Business Account id from WhatsApp Manager → Account tools and set it.');
  }
}

/** A stored row → the shape validation and rendering work on. */
export function toDefinition(row: Pick<TemplateTable, 'id' | 'name' | 'language' | 'status' | 'category' | 'parameter_format' | 'components' | 'quality_score' | 'rejected_reason'>): TemplateDefinition {
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    status: row.status,
    category: row.category,
    parameterFormat: row.parameter_format === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    components: JSON.parse(row.components) as TemplateComponent[],
    qualityScore: row.quality_score,
    rejectedReason: row.rejected_reason,
  };
}

/** Meta omits `parameter_format` on older templates: infer it from the placeholders. */
function parameterFormatOf(t: GraphTemplate): 'POSITIONAL' | 'NAMED' {
  if (t.parameter_format?.toUpperCase() === 'NAMED') return 'NAMED';
  if (t.parameter_format?.toUpperCase() === 'POSITIONAL') return 'POSITIONAL';
  const names = t.components.flatMap((c) => placeholdersIn(c.text));
  return names.length > 0 && names.every((n) => !/^\d+$/.test(n)) ? 'NAMED' : 'POSITIONAL';
}

/** Reads every template of the WABA and makes the store match: added, updated, removed. */
export async function syncTemplates(deps: TemplateSyncDeps): Promise<SyncResult> {
  if (!deps.wabaId) throw new TemplateSyncUnavailable();
  const wabaId = deps.wabaId;
  const fetched = await deps.api.fetchAll(wabaId);
  const now = deps.clock.now();
  const result: SyncResult = { fetched: fetched.templates.length, pages: fetched.pages, added: 0, updated: 0, removed: 0, skipped: fetched.skipped.length, syncedAt: now };
  if (fetched.skipped.length) deps.logger.warn({ skipped: fetched.skipped }, 'some templates from the Graph API could not be read and were left out');

  await deps.db.transaction().execute(async (trx) => {
    const existing = new Map((await trx.selectFrom('templates').select(['id', 'status', 'category', 'components', 'quality_score', 'parameter_format', 'rejected_reason', 'name', 'language']).where('waba_id', '=', wabaId).execute()).map((r) => [r.id, r]));
    const seen = new Set<string>();
    for (const t of fetched.templates) {
      seen.add(t.id);
      const row = {
        waba_id: wabaId,
        name: t.name,
        language: t.language,
        status: t.status.toUpperCase(),
        category: t.category.toUpperCase(),
        parameter_format: parameterFormatOf(t),
        components: JSON.stringify(t.components),
        quality_score: t.quality_score?.score ?? null,
        rejected_reason: t.rejected_reason ?? null,
        synced_at: now,
      };
      const before = existing.get(t.id);
      if (!before) {
        // A template deleted and re-created under the same name and language gets a new id.
        await trx.deleteFrom('templates').where('waba_id', '=', wabaId).where('name', '=', t.name).where('language', '=', t.language).execute();
        await trx.insertInto('templates').values({ id: t.id, ...row, updated_at: now }).execute();
        result.added++;
        continue;
      }
      const changed = (['name', 'language', 'status', 'category', 'components', 'quality_score', 'parameter_format', 'rejected_reason'] as const).some((k) => before[k] !== row[k]);
      await trx
        .updateTable('templates')
        .set({ ...row, ...(changed ? { updated_at: now } : {}) })
        .where('id', '=', t.id)
        .execute();
      if (changed) result.updated++;
    }
    const gone = [...existing.keys()].filter((id) => !seen.has(id));
    if (gone.length) {
      await trx.deleteFrom('templates').where('id', 'in', gone).execute();
      result.removed = gone.length;
    }
  });
  deps.logger.info({ ...result }, 'templates synced');
  return result;
}

/** The stored templates, filtered; plain objects. */
export async function listTemplates(db: Store, filter: { language?: string; category?: string; q?: string; status?: string } = {}): Promise<(TemplateDefinition & { syncedAt: number; updatedAt: number })[]> {
  let query = db.selectFrom('templates').selectAll().orderBy('name').orderBy('language');
  if (filter.category) query = query.where('category', '=', filter.category.toUpperCase());
  if (filter.status) query = query.where('status', '=', filter.status.toUpperCase());
  const rows = await query.execute();
  const language = filter.language ? filter.language.trim().toLowerCase().replace(/-/g, '_') : null;
  const q = filter.q?.trim().toLowerCase();
  return rows
    .map((r) => ({ ...toDefinition(r), syncedAt: Number(r.synced_at), updatedAt: Number(r.updated_at) }))
    .filter((t) => {
      if (language) {
        const l = t.language.toLowerCase();
        // `pt` finds pt_BR; `pt_BR` only pt_BR.
        if (l !== language && l.split('_')[0] !== language) return false;
      }
      if (q) {
        const text = [t.name, ...t.components.map((c) => c.text ?? ''), ...t.components.flatMap((c) => (c.buttons ?? []).map((b) => b.text ?? ''))].join('\n').toLowerCase();
        if (!text.includes(q)) return false;
      }
      return true;
    });
}

export async function lastSyncedAt(db: Store): Promise<number | null> {
  const row = await db.selectFrom('templates').select((eb) => eb.fn.max('synced_at').as('at')).executeTakeFirst();
  return row?.at != null ? Number(row.at) : null;
}

// ---------------------------------------------------------------------------------------------
// Template webhooks
// ---------------------------------------------------------------------------------------------

export interface EventsResult {
  applied: number;
  /** Events about templates the store does not know (yet): a sync will bring them. */
  unknown: number;
}

interface TemplateEventValue {
  event?: string;
  message_template_id?: number | string;
  message_template_name?: string;
  message_template_language?: string;
  reason?: string | null;
  new_category?: string;
  new_quality_score?: string;
}

/**
 * Applies the template webhooks intake stored (`template_events` not yet processed), oldest
 * first: status (PAUSED, APPROVED, REJECTED, DISABLED, …), category and quality changes.
 */
export async function applyTemplateEvents(deps: Pick<TemplateSyncDeps, 'db' | 'clock' | 'logger'>, limit = 200): Promise<EventsResult> {
  const events = await deps.db.selectFrom('template_events').select(['id', 'field', 'raw']).where('processed_at', 'is', null).orderBy('id').limit(limit).execute();
  const result: EventsResult = { applied: 0, unknown: 0 };
  if (events.length === 0) return result;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    for (const e of events) {
      let value: TemplateEventValue = {};
      try {
        value = JSON.parse(e.raw) as TemplateEventValue;
      } catch {
        /* stored by intake from a validated object: cannot happen; mark it processed anyway */
      }
      const patch: Partial<Pick<TemplateTable, 'status' | 'category' | 'quality_score' | 'rejected_reason'>> = {};
      if (e.field === 'message_template_status_update' && value.event) {
        patch.status = value.event.toUpperCase();
        patch.rejected_reason = value.reason ?? null;
      } else if (e.field === 'template_category_update' && value.new_category) {
        patch.category = value.new_category.toUpperCase();
      } else if (e.field === 'message_template_quality_update' && value.new_quality_score) {
        patch.quality_score = value.new_quality_score.toUpperCase();
      }
      if (Object.keys(patch).length > 0) {
        let update = trx.updateTable('templates').set({ ...patch, updated_at: now });
        if (value.message_template_id !== undefined) update = update.where('id', '=', String(value.message_template_id));
        else if (value.message_template_name && value.message_template_language) update = update.where('name', '=', value.message_template_name).where('language', '=', value.message_template_language);
        else update = update.where('id', '=', '');
        const done = await update.executeTakeFirst();
        if (Number(done.numUpdatedRows) > 0) result.applied++;
        else result.unknown++;
      }
      await trx.updateTable('template_events').set({ processed_at: now }).where('id', '=', e.id).execute();
    }
  });
  deps.logger.info({ events: events.length, ...result }, 'template webhooks applied');
  return { ...result, applied: result.applied };
}

// ---------------------------------------------------------------------------------------------
// The loop: at start, every N minutes, after webhooks, on demand
// ---------------------------------------------------------------------------------------------

export interface TemplateSyncerOptions {
  /** Full sync period; 0 disables the periodic sync. Default 15 minutes. */
  intervalMs?: number;
  /** How often stored template webhooks are looked for. Default 2 s. */
  eventPollMs?: number;
  /** Wait after a webhook before the follow-up full sync (webhooks come in bursts). Default 30 s. */
  followUpDelayMs?: number;
}

export class TemplateSyncer {
  private interval: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private followUp: NodeJS.Timeout | null = null;
  private running: Promise<SyncResult> | null = null;
  private stopped = true;
  private readonly log: Logger;
  lastResult: SyncResult | null = null;
  lastError: string | null = null;

  constructor(
    private readonly deps: TemplateSyncDeps,
    private readonly options: TemplateSyncerOptions = {},
  ) {
    this.log = deps.logger.child({ component: 'template-sync' });
  }

  get configured(): boolean {
    return this.deps.wabaId !== null;
  }

  /** One sync at a time: a call while one runs shares its result. */
  syncNow(): Promise<SyncResult> {
    if (this.running) return this.running;
    this.running = syncTemplates(this.deps)
      .then(
        (r) => {
          this.lastResult = r;
          this.lastError = null;
          return r;
        },
        (err: Error) => {
          this.lastError = err.message;
          throw err;
        },
      )
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Applies stored template webhooks now; schedules a follow-up sync when any arrived. */
  async processEvents(): Promise<EventsResult> {
    const r = await applyTemplateEvents(this.deps);
    if ((r.applied || r.unknown) && !this.stopped && this.configured) this.scheduleFollowUp();
    return r;
  }

  start(): void {
    this.stopped = false;
    const quietly = (what: string) => (err: Error) => this.log.warn({ err: err.message }, `${what} failed; it will be tried again`);
    if (this.configured) {
      void this.syncNow().catch(quietly('template sync at start'));
      const every = this.options.intervalMs ?? 15 * 60_000;
      if (every > 0) {
        this.interval = setInterval(() => void this.syncNow().catch(quietly('periodic template sync')), every);
        this.interval.unref();
      } else {
        this.log.info('periodic template sync is off (TEMPLATE_SYNC_MINUTES=0)');
      }
    } else {
      this.log.warn('WHATSAPP_BUSINESS_ACCOUNT_ID is not set: templates are not synced and cannot be sent');
    }
    this.poller = setInterval(() => void this.processEvents().catch(quietly('applying template webhooks')), this.options.eventPollMs ?? 2000);
    this.poller.unref();
  }

  private scheduleFollowUp(): void {
    if (this.followUp) return;
    this.followUp = setTimeout(() => {
      this.followUp = null;
      void this.syncNow().catch((err: Error) => this.log.warn({ err: err.message }, 'template sync after a webhook failed'));
    }, this.options.followUpDelayMs ?? 30_000);
    this.followUp.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.interval, this.poller]) if (t) clearInterval(t);
    if (this.followUp) clearTimeout(this.followUp);
    this.interval = this.poller = this.followUp = null;
    await this.running?.catch(() => undefined);
  }
}
