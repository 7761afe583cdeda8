import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

/**
 * The outbound side: agent replies sent to WhatsApp, the internal notes the bridge writes about
 * them, and a small key/value table for what `setup` stores (the Zendesk webhook's signing
 * secret) and the workers' cursors. Portable DDL only, as in 001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = isPostgres ? 'bigserial' : 'integer';
  const idColumn = (c: ColumnDefinitionBuilder) => (isPostgres ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('outbound_messages')
    .addColumn('id', idType, idColumn)
    .addColumn('comment_id', 'bigint', (c) => c.notNull())
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .addColumn('phone_number_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('media_id', 'text')
    .addColumn('wamid', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('status_ts', 'bigint')
    .addUniqueConstraint('outbound_messages_comment_part', ['comment_id', 'part'])
    .execute();
  await db.schema.createIndex('outbound_messages_state').on('outbound_messages').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbound_messages_wamid').on('outbound_messages').column('wamid').execute();
  await db.schema.createIndex('outbound_messages_ticket').on('outbound_messages').columns(['ticket_id', 'comment_id']).execute();

  await db.schema
    .createTable('outbound_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('outbound_notes_state').on('outbound_notes').columns(['state', 'next_attempt_at']).execute();

  await db.schema
    .createTable('bridge_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
