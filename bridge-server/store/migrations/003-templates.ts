import type { Kysely } from 'kysely';

/**
 * Templates: the WABA's message templates as last synced, the template messages sent from the
 * app API (one row per send, keyed by an optional idempotency key), and a mark on the template
 * webhooks intake stored, once they are applied. Portable DDL only, as in 001.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('waba_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('parameter_format', 'text', (c) => c.notNull())
    .addColumn('components', 'text', (c) => c.notNull())
    .addColumn('quality_score', 'text')
    .addColumn('rejected_reason', 'text')
    .addColumn('synced_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('templates_name_language', ['waba_id', 'name', 'language'])
    .execute();

  await db.schema
    .createTable('template_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'bigint', (c) => c.notNull())
    .addColumn('customer_id', 'bigint', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('rendered', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('wamid', 'text')
    .addColumn('error_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('comment_state', 'text', (c) => c.notNull())
    .addColumn('comment_id', 'bigint')
    .addColumn('agent_id', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('template_sends_idempotency', ['ticket_id', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('template_sends_wamid').on('template_sends').column('wamid').execute();
  await db.schema.createIndex('template_sends_customer').on('template_sends').columns(['customer_id', 'created_at']).execute();

  await db.schema.alterTable('template_events').addColumn('processed_at', 'bigint').execute();
}
