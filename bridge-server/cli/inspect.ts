/** Read-only views of what the bridge kept aside: dead letters and failed messages. */
import { openStore, migrate } from '../store';

export async function listDeadLetters(databaseUrl: string, limit: number, out: (line: string) => void = console.log): Promise<number> {
  const store = openStore(databaseUrl);
  try {
    await migrate(store.db);
    const rows = await store.db.selectFrom('dead_letters').selectAll().orderBy('id', 'desc').limit(limit).execute();
    const total = await store.db.selectFrom('dead_letters').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    out(`${Number(total?.n ?? 0)} dead letter(s) in ${store.location}${rows.length < Number(total?.n ?? 0) ? ` (newest ${rows.length} shown)` : ''}`);
    for (const r of rows) {
      out(`#${r.id}  ${new Date(Number(r.created_at)).toISOString()}  ${r.source}  ${r.path}`);
      out(`    why: ${r.reason}`);
      out(`    raw: ${r.raw.length > 300 ? `${r.raw.slice(0, 300)}…` : r.raw}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

export async function listFailures(databaseUrl: string, limit: number, out: (line: string) => void = console.log): Promise<number> {
  const store = openStore(databaseUrl);
  try {
    await migrate(store.db);
    const rows = await store.db
      .selectFrom('inbound_messages')
      .innerJoin('customers', 'customers.id', 'inbound_messages.customer_id')
      .select(['inbound_messages.id', 'inbound_messages.message_id', 'inbound_messages.type', 'inbound_messages.received_at', 'inbound_messages.error', 'customers.profile_name', 'customers.ticket_id'])
      .where('inbound_messages.state', '=', 'failed')
      .orderBy('inbound_messages.id', 'desc')
      .limit(limit)
      .execute();
    out(`${rows.length} failed inbound message(s) shown (newest first) from ${store.location}`);
    for (const r of rows) {
      out(`${new Date(Number(r.received_at)).toISOString()}  ${r.message_id}  ${r.type}  customer "${r.profile_name ?? '?'}"  ticket ${r.ticket_id ?? '(none)'}`);
      out(`    why: ${r.error}`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
