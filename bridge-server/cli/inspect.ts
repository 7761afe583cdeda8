/** Read-only views of what the bridge kept aside: dead letters and failed messages, both ways. */
import { openStore, migrate, type Store } from '../store';
import { resolveLocale, translator, type Translate } from '../i18n';
import { explanationKey } from '../whatsapp/error-codes';
import { excerpt } from '../sync/outbound-notes';

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

export type FailureDirection = 'inbound' | 'outbound' | 'both';

export interface FailuresOptions {
  /** Which side to list; both by default, inbound first. */
  direction?: FailureDirection;
  /** The language of the report (BRIDGE_LOCALE); English by default. */
  locale?: string;
}

export function parseDirection(value: string | undefined, t: Translate = translator('en')): FailureDirection {
  const v = (value ?? 'both').trim().toLowerCase();
  if (v === 'inbound' || v === 'outbound' || v === 'both') return v;
  throw new Error(t('cli.failures.badDirection', { given: value ?? '' }));
}

/**
 * What could not cross the bridge, newest first, in two separate lists: inbound messages that
 * could not be written to Zendesk, and outbound messages (agent replies, attachments, templates)
 * that WhatsApp refused, that were not sent (window closed, too large) or that failed later.
 */
export async function listFailures(databaseUrl: string, limit: number, out: (line: string) => void = console.log, options: FailuresOptions = {}): Promise<number> {
  const t = translator(resolveLocale(options.locale));
  const direction = options.direction ?? 'both';
  const store = openStore(databaseUrl);
  try {
    await migrate(store.db);
    if (direction !== 'outbound') await listInboundFailures(store.db, store.location, limit, out, t);
    if (direction === 'both') out('');
    if (direction !== 'inbound') await listOutboundFailures(store.db, store.location, limit, out, t);
    return 0;
  } finally {
    await store.close();
  }
}

const when = (ms: number) => new Date(ms).toISOString();

async function listInboundFailures(db: Store, location: string, limit: number, out: (line: string) => void, t: Translate): Promise<void> {
  const rows = await db
    .selectFrom('inbound_messages')
    .innerJoin('customers', 'customers.id', 'inbound_messages.customer_id')
    .select(['inbound_messages.id', 'inbound_messages.message_id', 'inbound_messages.type', 'inbound_messages.received_at', 'inbound_messages.error', 'customers.profile_name', 'customers.ticket_id'])
    .where('inbound_messages.state', '=', 'failed')
    .orderBy('inbound_messages.id', 'desc')
    .limit(limit)
    .execute();
  out(t('cli.failures.inbound.header', { count: rows.length, location }));
  for (const r of rows) {
    out(t('cli.failures.inbound.line', { time: when(Number(r.received_at)), messageId: r.message_id, type: r.type, customer: r.profile_name ?? '?', ticket: r.ticket_id ?? t('cli.failures.none') }));
    out(t('cli.failures.why', { reason: r.error ?? '—' }));
  }
}

interface OutboundFailure {
  at: number;
  ticketId: number;
  customer: string;
  contact: string;
  kind: 'reply' | 'media' | 'template';
  notDelivered: boolean;
  code: number | null;
  reason: string;
  excerpt: string | null;
}

async function listOutboundFailures(db: Store, location: string, limit: number, out: (line: string) => void, t: Translate): Promise<void> {
  const contactOf = (c: { wa_id: string | null; bsuid: string | null }) => (c.wa_id ? `+${c.wa_id}` : (c.bsuid ?? ''));
  const replies = await db
    .selectFrom('outbound_messages')
    .innerJoin('customers', 'customers.id', 'outbound_messages.customer_id')
    .select(['outbound_messages.ticket_id', 'outbound_messages.kind', 'outbound_messages.body', 'outbound_messages.state', 'outbound_messages.wamid', 'outbound_messages.error_code', 'outbound_messages.error', 'outbound_messages.updated_at', 'customers.profile_name', 'customers.wa_id', 'customers.bsuid'])
    .where('outbound_messages.state', 'in', ['failed', 'blocked', 'skipped'])
    .orderBy('outbound_messages.updated_at', 'desc')
    .limit(limit)
    .execute();
  const failures: OutboundFailure[] = replies.map((r) => {
    const code = r.error_code === null ? null : Number(r.error_code);
    let text: string | undefined;
    try {
      const body = JSON.parse(r.body) as { text?: string; fileName?: string };
      text = body.text ?? body.fileName;
    } catch {
      /* keep no excerpt */
    }
    const reason =
      r.state === 'skipped'
        ? t('cli.failures.skipped', { detail: r.error ?? '—' })
        : t(`outbound.error.${explanationKey(code)}`, { detail: r.error ?? '—' });
    return {
      at: Number(r.updated_at),
      ticketId: Number(r.ticket_id),
      customer: r.profile_name ?? '?',
      contact: contactOf(r),
      kind: r.kind === 'text' ? 'reply' : 'media',
      // A wamid means WhatsApp accepted it and a failed status followed.
      notDelivered: r.state === 'failed' && r.wamid !== null,
      code,
      reason,
      excerpt: excerpt(text),
    };
  });

  const sends = await db
    .selectFrom('template_sends')
    .innerJoin('customers', 'customers.id', 'template_sends.customer_id')
    .leftJoin('status_events', (join) => join.onRef('status_events.message_id', '=', 'template_sends.wamid').on('status_events.status', '=', 'failed'))
    .select(['template_sends.ticket_id', 'template_sends.name', 'template_sends.language', 'template_sends.rendered', 'template_sends.state', 'template_sends.error_code', 'template_sends.error', 'template_sends.updated_at', 'status_events.raw as failed_raw', 'status_events.received_at as failed_at', 'customers.profile_name', 'customers.wa_id', 'customers.bsuid'])
    .where((eb) => eb.or([eb('template_sends.state', '=', 'failed'), eb('status_events.id', 'is not', null)]))
    .orderBy('template_sends.updated_at', 'desc')
    .limit(limit)
    .execute();
  for (const s of sends) {
    let code = s.error_code === null ? null : Number(s.error_code);
    let detail = s.error;
    if (s.state !== 'failed' && s.failed_raw) {
      const e = (JSON.parse(s.failed_raw) as { errors?: { code?: number; message?: string; title?: string; error_data?: { details?: string } }[] }).errors?.[0];
      code = e?.code ?? null;
      detail = e?.error_data?.details ?? e?.message ?? e?.title ?? null;
    }
    failures.push({
      at: s.state === 'failed' ? Number(s.updated_at) : Number(s.failed_at ?? s.updated_at),
      ticketId: Number(s.ticket_id),
      customer: s.profile_name ?? '?',
      contact: contactOf(s),
      kind: 'template',
      notDelivered: s.state !== 'failed',
      code,
      reason: t(`outbound.error.${explanationKey(code)}`, { detail: detail ?? '—' }),
      excerpt: excerpt(`${s.name} (${s.language}): ${s.rendered}`),
    });
  }
  failures.sort((a, b) => b.at - a.at);
  const shown = failures.slice(0, limit);
  out(t('cli.failures.outbound.header', { count: shown.length, location }));
  for (const f of shown) {
    out(
      t('cli.failures.outbound.line', {
        time: when(f.at),
        ticket: f.ticketId,
        customer: f.customer,
        contact: f.contact,
        kind: t(`cli.failures.kind.${f.kind}`),
        state: t(f.notDelivered ? 'cli.failures.state.notDelivered' : 'cli.failures.state.notSent'),
        code: f.code ?? '—',
      }),
    );
    out(t('cli.failures.why', { reason: f.reason }));
    if (f.excerpt) out(t('cli.failures.message', { excerpt: f.excerpt }));
  }
}
