import { type Kysely, sql } from 'kysely';

/**
 * `status_events.callback_data`: the `biz_opaque_callback_data` a status echoes (the bridge sends
 * `zd:<comment id>:<part>` with every reply part), in its own indexed column. A send whose
 * answer was lost is settled by looking its key up by equality (sync/outbound-statuses.ts)
 * instead of scanning every stored status's JSON with LIKE.
 *
 * Statuses stored before this migration are backfilled from their raw JSON, in batches, in
 * code (portable: no SQLite- or PostgreSQL-only JSON functions). Portable DDL only, as in 001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('status_events').addColumn('callback_data', 'text').execute();
  await db.schema.createIndex('status_events_callback_data').on('status_events').column('callback_data').execute();

  const batch = 500;
  let after = 0;
  for (;;) {
    // Only rows that may carry callback data: the LIKE runs once here, never on the live path.
    const rows = await sql<{ id: number; raw: string }>`
      select id, raw from status_events
      where id > ${after} and raw like ${'%biz_opaque_callback_data%'}
      order by id limit ${batch}`.execute(db);
    if (rows.rows.length === 0) break;
    for (const row of rows.rows) {
      const value = callbackDataOf(row.raw);
      if (value !== null) await sql`update status_events set callback_data = ${value} where id = ${row.id}`.execute(db);
    }
    after = Number(rows.rows[rows.rows.length - 1].id);
  }
}

function callbackDataOf(raw: string): string | null {
  try {
    const parsed = JSON.parse(raw) as { biz_opaque_callback_data?: unknown };
    return typeof parsed.biz_opaque_callback_data === 'string' && parsed.biz_opaque_callback_data ? parsed.biz_opaque_callback_data : null;
  } catch {
    return null;
  }
}
