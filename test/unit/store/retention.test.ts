import { migrate, openStore, type OpenedStore } from '../../../bridge-server/store';
import { pruneWebhookEvents, WebhookRetention } from '../../../bridge-server/store/retention';
import { createLogger } from '../../../bridge-server/lib/logger';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 22, 12);

describe('webhook body retention', () => {
  let store: OpenedStore;
  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await migrate(store.db);
  });
  afterEach(async () => {
    await store.close();
  });

  async function insert(daysAgo: number, state: 'pending' | 'split', body = `{"n":${daysAgo}}`) {
    await store.db.insertInto('webhook_events').values({ source: 'whatsapp', received_at: NOW - daysAgo * DAY, raw_body: body, state, processed_at: state === 'split' ? NOW : null }).execute();
  }
  const remaining = async () => (await store.db.selectFrom('webhook_events').select(['received_at', 'state']).orderBy('id').execute()).map((r) => [(NOW - Number(r.received_at)) / DAY, r.state]);

  it('deletes processed bodies older than the cutoff, across several batches, and keeps the rest', async () => {
    for (let d = 40; d > 0; d -= 1) await insert(d, 'split');
    await insert(35, 'pending'); // arrived late in id order but old: still work to do, kept
    await insert(0, 'split');

    const { deleted } = await pruneWebhookEvents(store.db, NOW - 30 * DAY, 4);

    expect(deleted).toBe(10); // days 40..31
    const rows = await remaining();
    expect(rows[0]).toEqual([30, 'split']);
    expect(rows).toContainEqual([35, 'pending']);
    expect(rows).toHaveLength(32);
  });

  it('never deletes a pending body, however old', async () => {
    await insert(90, 'pending');
    await insert(80, 'split');
    const { deleted } = await pruneWebhookEvents(store.db, NOW - 30 * DAY);
    expect(deleted).toBe(1);
    expect(await remaining()).toEqual([[90, 'pending']]);
  });

  it('keeps everything when the retention is 0', async () => {
    await insert(400, 'split');
    const retention = new WebhookRetention({ db: store.db, clock: { now: () => NOW }, logger: createLogger('silent'), retentionMs: 0 });
    retention.start();
    await retention.stop();
    expect(await remaining()).toEqual([[400, 'split']]);
  });

  it('prunes at start when a retention is set', async () => {
    await insert(31, 'split');
    await insert(1, 'split');
    const retention = new WebhookRetention({ db: store.db, clock: { now: () => NOW }, logger: createLogger('silent'), retentionMs: 30 * DAY });
    retention.start();
    await retention.stop();
    expect(await remaining()).toEqual([[1, 'split']]);
  });
});
