/**
 * The reaction shown on an outbound message in the sidebar is the customer's latest one to it,
 * however many reactions a long-time customer has left before (the oldest 500 used to be read,
 * so a regular customer's recent reactions vanished).
 */
import { migrate, openStore, type OpenedStore } from '../../../bridge-server/store';
import { translator } from '../../../bridge-server/i18n';
import { loadConversation } from '../../../bridge-server/sync/conversation';

const TICKET = 42;
const T0 = Date.UTC(2026, 4, 12, 9, 0, 0); // ms

describe('reactions in the conversation', () => {
  let store: OpenedStore;
  let customerId: number;
  let nextWamid = 0;
  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await migrate(store.db);
    const c = await store.db
      .insertInto('customers')
      .values({ bsuid: null, wa_id: '393331234567', profile_name: 'Giulia', phone_number_id: '1', zendesk_user_id: 7, ticket_id: TICKET, ticket_status: 'open', ticket_updated_at: null, last_written_ts: null, last_inbound_ts: T0 / 1000, retry_at: null, attempts: 0, created_at: T0, updated_at: T0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    customerId = Number(c.id);
  });
  afterEach(async () => {
    await store.close();
  });

  /** A template the agent sent at `at` (ms), accepted by Meta as `wamid`. */
  async function templateSent(wamid: string, at: number): Promise<void> {
    await store.db
      .insertInto('template_sends')
      .values({ id: `send-${wamid}`, ticket_id: TICKET, customer_id: customerId, idempotency_key: null, request_hash: 'h', template_id: 't', name: 'order_update', language: 'it', payload: '{}', rendered: 'Ciao Giulia', state: 'sent', wamid, error_code: null, error: null, comment_state: 'done', comment_id: null, agent_id: null, created_at: at, updated_at: at, comment_next_at: null, in_doubt_at: null, comment_lease_until: null })
      .execute();
  }

  /** The customer reacts (`emoji` empty: removes their reaction) to `target` at `ts` (s). */
  async function reacted(target: string, emoji: string, ts: number): Promise<void> {
    const id = `wamid.reaction.${++nextWamid}`;
    await store.db
      .insertInto('inbound_messages')
      .values({ message_id: id, customer_id: customerId, phone_number_id: '1', ts, type: 'reaction', payload: JSON.stringify({ message: { id, type: 'reaction', timestamp: String(ts), reaction: { message_id: target, emoji } } }), state: 'delivered', delivery_id: null, late: 0, received_at: ts * 1000, delivered_at: ts * 1000, error: null })
      .execute();
  }

  const conversation = async () => (await loadConversation(store.db, TICKET, { now: T0 + 3600_000, closingSoonMinutes: 60, limit: 20, t: translator('en') }))!;

  it('when the customer reacted 600 times before, then the latest reaction to a recent message still shows', async () => {
    // A long history: 600 reactions to old messages (not shown), one per minute over ten hours.
    for (let i = 0; i < 600; i++) await reacted(`wamid.old.${i}`, '👍', T0 / 1000 - 36_000 + i * 60);
    await templateSent('wamid.recent', T0);
    await reacted('wamid.recent', '😂', T0 / 1000 + 10);
    await reacted('wamid.recent', '❤️', T0 / 1000 + 20);

    const messages = (await conversation()).messages;
    expect(messages.find((m) => m.id === 'wamid.recent')).toMatchObject({ direction: 'outbound', reaction: '❤️' });
  });

  it('when the latest reaction removed the emoji, then none shows; a message never reacted to has none', async () => {
    await templateSent('wamid.a', T0);
    await templateSent('wamid.b', T0 + 1000);
    await reacted('wamid.a', '🙏', T0 / 1000 + 5);
    await reacted('wamid.a', '', T0 / 1000 + 6);
    const messages = (await conversation()).messages;
    expect(messages.find((m) => m.id === 'wamid.a')?.reaction).toBeNull();
    expect(messages.find((m) => m.id === 'wamid.b')?.reaction).toBeNull();
  });
});
