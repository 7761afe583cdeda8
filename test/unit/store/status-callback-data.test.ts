/**
 * Migration 005: statuses stored before it get their callback data backfilled from the raw JSON,
 * so a send left in doubt across the upgrade is still found by equality.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { openStore, type OpenedStore } from '../../../bridge-server/store';
import * as m001 from '../../../bridge-server/store/migrations/001-initial';
import * as m002 from '../../../bridge-server/store/migrations/002-outbound';
import * as m003 from '../../../bridge-server/store/migrations/003-templates';
import * as m004 from '../../../bridge-server/store/migrations/004-outbound-recovery';
import * as m005 from '../../../bridge-server/store/migrations/005-status-callback-data';

const before005: Record<string, Migration> = { '001-initial': m001, '002-outbound': m002, '003-templates': m003, '004-outbound-recovery': m004 };

describe('migration 005: status callback data', () => {
  let store: OpenedStore;
  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    const migrator = new Migrator({ db: store.db, provider: { getMigrations: async () => before005 } });
    const { error } = await migrator.migrateToLatest();
    expect(error).toBeUndefined();
  });
  afterEach(async () => {
    await store.close();
  });

  it('when statuses were stored before the upgrade, then their callback data is backfilled and indexed; others stay null', async () => {
    const db = store.db as unknown as Kysely<{ status_events: { message_id: string; status: string; ts: number; recipient: string | null; raw: string; received_at: number } }>;
    const row = (id: string, status: string, raw: unknown) => ({ message_id: id, status, ts: 1, recipient: null, raw: JSON.stringify(raw), received_at: 1 });
    await db
      .insertInto('status_events')
      .values([
        row('wamid.A', 'sent', { id: 'wamid.A', status: 'sent', biz_opaque_callback_data: 'zd:42:0' }),
        row('wamid.A', 'delivered', { id: 'wamid.A', status: 'delivered', biz_opaque_callback_data: 'zd:42:0' }),
        row('wamid.B', 'sent', { id: 'wamid.B', status: 'sent' }),
        row('wamid.C', 'sent', { id: 'wamid.C', status: 'sent', note: 'mentions biz_opaque_callback_data in text only' }),
      ])
      .execute();

    await m005.up(store.db as unknown as Kysely<unknown>);

    const rows = await store.db.selectFrom('status_events').select(['message_id', 'status', 'callback_data']).orderBy('id').execute();
    expect(rows.map((r) => [r.message_id, r.status, r.callback_data])).toEqual([
      ['wamid.A', 'sent', 'zd:42:0'],
      ['wamid.A', 'delivered', 'zd:42:0'],
      ['wamid.B', 'sent', null],
      ['wamid.C', 'sent', null],
    ]);
    const found = await store.db.selectFrom('status_events').select('message_id').where('callback_data', '=', 'zd:42:0').orderBy('id').executeTakeFirst();
    expect(found?.message_id).toBe('wamid.A');
    // The lookup uses the index, not a scan of every stored status.
    const plan = await sql<{ detail: string }>`explain query plan select message_id from status_events where callback_data = ${'zd:42:0'}`.execute(store.db);
    expect(plan.rows.map((r) => r.detail).join(' ')).toContain('status_events_callback_data');
  });
});
