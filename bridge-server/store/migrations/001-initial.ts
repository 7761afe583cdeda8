import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

/** Portable DDL only (Kysely's schema builder): it runs unchanged on SQLite and PostgreSQL. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  // An auto-numbered primary key: SQLite's rowid alias, PostgreSQL's bigserial.
  const idType = isPostgres ? 'bigserial' : 'integer';
  const idColumn = (c: ColumnDefinitionBuilder) => (isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('webhook_events')
    .addColumn('id', idType, idColumn)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('raw_body', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_events_state').on('webhook_events').columns(['state', 'id']).execute();

  await db.schema
    .createTable('dead_letters')
    .addColumn('id', idType, idColumn)
    .addColumn('event_id', 'bigint')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('customers')
    .addColumn('id', idType, idColumn)
    .addColumn('bsuid', 'text')
    .addColumn('wa_id', 'text')
    .addColumn('profile_name', 'text')
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('zendesk_user_id', 'bigint')
    .addColumn('ticket_id', 'bigint')
    .addColumn('ticket_status', 'text')
    .addColumn('ticket_updated_at', 'text')
    .addColumn('last_written_ts', 'bigint')
    .addColumn('last_inbound_ts', 'bigint')
    .addColumn('retry_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('customer_aliases')
    .addColumn('alias', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customer_aliases_customer').on('customer_aliases').column('customer_id').execute();

  await db.schema
    .createTable('inbound_messages')
    .addColumn('id', idType, idColumn)
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('delivery_id', 'text')
    .addColumn('late', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('inbound_messages_customer_state').on('inbound_messages').columns(['customer_id', 'state', 'ts']).execute();
  await db.schema.createIndex('inbound_messages_state').on('inbound_messages').columns(['state']).execute();
  await db.schema.createIndex('inbound_messages_delivery').on('inbound_messages').columns(['delivery_id']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint')
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_state').on('deliveries').columns(['state']).execute();

  await db.schema
    .createTable('media')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('upload_token', 'text')
    .addColumn('file_name', 'text')
    .addColumn('size', 'bigint')
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('status_events')
    .addColumn('id', idType, idColumn)
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('recipient', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('status_events_unique', ['message_id', 'status'])
    .execute();

  await db.schema
    .createTable('template_events')
    .addColumn('id', idType, idColumn)
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('waba_id', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
}
