/**
 * Meta batches, retries for days, and delivers out of order: whatever arrives, each message is
 * on its customer's ticket exactly once, in the customer's order.
 */
import { AdjustableClock } from '../../bridge-server/lib/clock';
import {
  SimulatedCustomer,
  batch,
  envelope,
  newWamid,
  statusEnvelope,
  statusUpdate,
  templateEnvelope,
  type PhoneMessage,
} from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeEach(async () => {
  stack = await startTestStack();
});
afterEach(async () => {
  await stack.close();
});

const T0 = Math.floor(Date.now() / 1000) - 600;

function pn(): string {
  return stack.whatsapp.settings.phoneNumberId;
}

async function post(body: unknown): Promise<void> {
  const res = await stack.send(body);
  expect(res.status).toBe(200);
}

/** Positions of the texts in the body, which must all be present. */
function positions(body: string, texts: string[]): number[] {
  return texts.map((t) => {
    const at = body.indexOf(t);
    if (at < 0) throw new Error(`"${t}" is missing from:\n${body}`);
    return at;
  });
}

function occurrences(body: string, text: string): number {
  return body.split(text).length - 1;
}

describe('Meta batches several customers in one POST', () => {
  it('when one POST carries several entries, changes and messages, then each customer gets their own ticket with their messages', async () => {
    const anna = new SimulatedCustomer({ waId: '393331110001', name: 'Anna' });
    const bruno = new SimulatedCustomer({ waId: '393331110002', name: 'Bruno' });
    const chiara = new SimulatedCustomer({ waId: '393331110003', name: 'Chiara' });
    const body = batch([
      // One change holding two customers' messages, then a second change, then another entry.
      envelope(pn(), [anna.text('anna 1', { timestamp: T0 }), bruno.text('bruno 1', { timestamp: T0 }), anna.text('anna 2', { timestamp: T0 + 1 })]),
      envelope(pn(), [chiara.text('chiara 1', { timestamp: T0 })]),
      envelope(pn(), [bruno.text('bruno 2', { timestamp: T0 + 5 })], { wabaId: '200000000000099' }),
    ], { mergeEntries: true });
    expect(body.entry).toHaveLength(2);
    expect(body.entry[0].changes).toHaveLength(2);
    await post(body);

    await stack.settled();
    for (const [customer, texts] of [
      [anna, ['anna 1', 'anna 2']],
      [bruno, ['bruno 1', 'bruno 2']],
      [chiara, ['chiara 1']],
    ] as const) {
      const user = stack.userByExternalId(`whatsapp:wa:${customer.waId}`)!;
      expect(user.name).toBe(customer.name);
      expect(stack.ticketsOf(user)).toHaveLength(1);
      const all = stack.commentsOfUser(user).map((c) => c.plain_body).join('\n');
      const at = positions(all, [...texts]);
      expect(at).toEqual([...at].sort((a, b) => a - b));
      for (const other of ['anna', 'bruno', 'chiara'].filter((n) => !texts[0].startsWith(n))) expect(all).not.toContain(`${other} 1`);
    }
    expect(stack.zendesk.state.tickets.size).toBe(3);
  });

  it('when statuses and template updates arrive, alone or next to messages, then they are stored and never make a user or a ticket', async () => {
    const anna = new SimulatedCustomer({ waId: '393331110001', name: 'Anna' });
    const sentToStranger = newWamid('out');
    const read = statusUpdate({ id: sentToStranger, status: 'read', recipientWaId: '447700900123' });
    await post(
      batch([
        statusEnvelope(pn(), [statusUpdate({ id: sentToStranger, status: 'delivered', recipientWaId: '447700900123' }), read]),
        templateEnvelope('message_template_status_update', { event: 'APPROVED', message_template_id: 1234567890, message_template_name: 'order_update', message_template_language: 'it', reason: null }),
        templateEnvelope('template_category_update', { message_template_id: 1234567890, message_template_name: 'order_update', message_template_language: 'it', previous_category: 'UTILITY', new_category: 'MARKETING' }),
        envelope(pn(), [anna.text('ciao')], { statuses: [statusUpdate({ id: newWamid('out2'), status: 'sent', recipientUserId: 'IT.1111' })] }),
      ]),
    );
    // Meta repeats a status: it is stored once.
    await post(statusEnvelope(pn(), [read]));
    await stack.settled();

    const statuses = await stack.db.selectFrom('status_events').select(['message_id', 'status', 'recipient']).orderBy('id').execute();
    expect(statuses).toEqual([
      { message_id: sentToStranger, status: 'delivered', recipient: '447700900123' },
      { message_id: sentToStranger, status: 'read', recipient: '447700900123' },
      { message_id: expect.any(String), status: 'sent', recipient: 'IT.1111' },
    ]);
    const templates = await stack.db.selectFrom('template_events').select(['field', 'waba_id', 'raw']).orderBy('id').execute();
    expect(templates.map((t) => t.field)).toEqual(['message_template_status_update', 'template_category_update']);
    expect(JSON.parse(templates[0].raw)).toMatchObject({ event: 'APPROVED', message_template_name: 'order_update' });

    // Only Anna, who wrote, is a user with a ticket; the status recipients are not.
    const endUsers = [...stack.zendesk.state.users.values()].filter((u) => u.role === 'end-user');
    expect(endUsers.map((u) => u.external_id)).toEqual(['whatsapp:wa:393331110001']);
    expect(stack.zendesk.state.tickets.size).toBe(1);
  });
});

describe('Meta delivers the same message more than once', () => {
  it('when the same webhook is delivered three times, then the ticket has one comment', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    const body = envelope(pn(), [giulia.text('Il mio ordine non è arrivato')]);
    for (let i = 0; i < 3; i++) await post(body);

    await stack.settled();
    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    expect(comments).toHaveLength(1);
    expect(occurrences(comments[0].plain_body, 'Il mio ordine non è arrivato')).toBe(1);
    expect(await stack.metricsText()).toMatch(/bridge_inbound_messages_total\{outcome="duplicate"\} 2\b/);
  });

  it('when duplicates are interleaved with new messages, then every message is written once, in order', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    const [m1, m2, m3] = ['primo', 'secondo', 'terzo'].map((t, i) => giulia.text(t, { timestamp: T0 + i }));
    await post(envelope(pn(), [m1]));
    await post(envelope(pn(), [m1, m2]));
    await post(envelope(pn(), [m2, m3]));
    await post(envelope(pn(), [m1, m3]));

    await stack.settled();
    const { user, comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    expect(stack.ticketsOf(user)).toHaveLength(1);
    const all = comments.map((c) => c.plain_body).join('\n');
    for (const t of ['primo', 'secondo', 'terzo']) expect(occurrences(all, t)).toBe(1);
    const at = positions(all, ['primo', 'secondo', 'terzo']);
    expect(at).toEqual([...at].sort((a, b) => a - b));
  });

  it('when Meta retries a webhook after the bridge restarted, then the message is still written once', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    const body = envelope(pn(), [giulia.text('una volta sola')]);
    await post(body);
    await stack.waitForComments('whatsapp:wa:393331234567', 1);
    await stack.restartBridge();
    await post(body);
    await stack.settled();
    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    expect(comments).toHaveLength(1);
  });
});

describe('Meta delivers out of order', () => {
  it('when one customer\'s messages arrive in separate POSTs in reverse order before the bridge gets to them, then the comment lists them in the order they were sent', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    const sent: PhoneMessage[] = ['uno', 'due', 'tre', 'quattro'].map((t, i) => giulia.text(t, { timestamp: T0 + i * 10 }));
    await stack.bridge.worker.stop();
    for (const m of [...sent].reverse()) await post(envelope(pn(), [m]));
    await stack.bridge.worker.start();

    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    await stack.settled();
    expect(stack.commentsOfUser(stack.userByExternalId('whatsapp:wa:393331234567')!)).toHaveLength(1);
    const at = positions(comments[0].plain_body, ['uno', 'due', 'tre', 'quattro']);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(comments[0].plain_body).not.toContain('arrived late');
  });

  it('when one POST carries a customer\'s messages out of order, then the comment lists them in the order they were sent', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    await post(envelope(pn(), [giulia.text('C', { timestamp: T0 + 3 }), giulia.text('A', { timestamp: T0 + 1 }), giulia.text('B', { timestamp: T0 + 2 })]));
    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    const lines = comments[0].plain_body.split('\n').filter((l) => /^[ABC]$/.test(l));
    expect(lines).toEqual(['A', 'B', 'C']);
  });

  it('when a message arrives after a later one was already written, then it is written once, marked as late', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    const early = giulia.text('scritto prima', { timestamp: T0 });
    const later = giulia.text('scritto dopo', { timestamp: T0 + 60 });
    const newest = giulia.text('scritto ancora dopo', { timestamp: T0 + 120 });
    await post(envelope(pn(), [later]));
    await stack.waitForComments('whatsapp:wa:393331234567', 1);

    await post(envelope(pn(), [early, newest]));
    await post(envelope(pn(), [early]));
    await stack.settled();
    const { comments } = await stack.waitForComments('whatsapp:wa:393331234567', 2);
    expect(comments).toHaveLength(2);
    const second = comments[1].plain_body;
    expect(occurrences(second, 'arrived late, after newer messages')).toBe(1);
    // The late line heads the late message, and the on-time message after it is not marked.
    const [lateAt, earlyAt, newestAt] = positions(second, ['arrived late', 'scritto prima', 'scritto ancora dopo']);
    expect(lateAt).toBeLessThan(earlyAt);
    expect(earlyAt).toBeLessThan(newestAt);
    expect(occurrences(comments.map((c) => c.plain_body).join('\n'), 'scritto prima')).toBe(1);

    const rows = await stack.db.selectFrom('inbound_messages').select(['message_id', 'late', 'state']).orderBy('ts').execute();
    expect(rows).toEqual([
      { message_id: early.id, late: 1, state: 'delivered' },
      { message_id: later.id, late: 0, state: 'delivered' },
      { message_id: newest.id, late: 0, state: 'delivered' },
    ]);
  });
});

it('when many customers write at once, then each has one ticket with all their messages, once each', async () => {
  const customers = Array.from({ length: 12 }, (_, i) => new SimulatedCustomer({ waId: `34600000${String(100 + i)}`, name: `Cliente ${i}` }));
  const posts = customers.flatMap((c, i) => [0, 1, 2].map((k) => envelope(pn(), [c.text(`cliente ${i} messaggio ${k}`, { timestamp: T0 + k })])));
  // Several POSTs at once, with one repeated, as Meta's parallel deliveries do.
  await Promise.all([...posts, posts[0], posts[7]].map((b) => post(b)));
  await stack.settled();
  await waitFor(() => stack.zendesk.state.tickets.size === customers.length, { what: 'a ticket per customer' });
  customers.forEach((c, i) => {
    const user = stack.userByExternalId(`whatsapp:wa:${c.waId}`)!;
    expect(stack.ticketsOf(user)).toHaveLength(1);
    const all = stack.commentsOfUser(user).map((x) => x.plain_body).join('\n');
    for (const k of [0, 1, 2]) expect(occurrences(all, `cliente ${i} messaggio ${k}`)).toBe(1);
  });
});

describe('the Update Ticket budget is spent', () => {
  // 2 updates a minute, of which the bridge allows itself 95 %: one single update, then bulk.
  const env = { ZENDESK_TICKET_UPDATE_LIMIT: '2' };
  const customers = () => Array.from({ length: 4 }, (_, i) => new SimulatedCustomer({ waId: `3933300000${String(10 + i)}`, name: `Cliente ${i}` }));
  let clock: AdjustableClock;
  beforeEach(async () => {
    // A stack with the tiny limit, and a clock to move, replaces the default one.
    await stack.close();
    clock = new AdjustableClock();
    stack = await startTestStack({ env, clock });
  });

  async function withTickets(list: SimulatedCustomer[]): Promise<void> {
    await post(envelope(pn(), list.map((c, i) => c.text(`apertura ${i}`, { timestamp: T0 }))));
    await waitFor(() => stack.zendesk.state.tickets.size === list.length, { what: 'a ticket per customer' });
    await stack.settled();
  }

  function expectEachOnce(list: SimulatedCustomer[], texts: (i: number) => string[]): void {
    list.forEach((c, i) => {
      const user = stack.userByExternalId(`whatsapp:wa:${c.waId}`)!;
      expect(stack.ticketsOf(user)).toHaveLength(1);
      const all = stack.commentsOfUser(user).map((x) => x.plain_body).join('\n');
      for (const t of texts(i)) expect(occurrences(all, t)).toBe(1);
    });
  }

  it('when several customers with open tickets write, then they go out together in one bulk update, each message once', async () => {
    const list = customers();
    await withTickets(list);

    await post(envelope(pn(), list.map((c, i) => c.text(`seguito ${i}`, { timestamp: T0 + 10 }))));
    await stack.settled();
    expectEachOnce(list, (i) => [`apertura ${i}`, `seguito ${i}`]);
    const routes = stack.zendesk.state.stats.byRoute;
    expect(routes['PUT /api/v2/tickets/:id']).toBe(1);
    expect(routes['PUT /api/v2/tickets/update_many']).toBeGreaterThanOrEqual(1);
  });

  it('when Zendesk accepts the bulk update but the answer is lost, then each message is still written once', async () => {
    const list = customers();
    await withTickets(list);

    stack.zendesk.faults.add({ method: 'PUT', path: '/api/v2/tickets/update_many', afterApply: true, dropConnection: true });
    await post(envelope(pn(), list.map((c, i) => c.text(`seguito ${i}`, { timestamp: T0 + 10 }))));
    await waitFor(() => stack.zendesk.state.stats.byStatus.dropped === 1, { what: 'the lost answer' });
    // The job may still run after the answer is lost: the bridge looks again a minute later.
    await waitFor(() => [...stack.zendesk.state.jobs.values()].every((j) => j.status === 'completed'), { what: 'the bulk job' });
    clock.advance(61_000);
    await stack.settled();
    expectEachOnce(list, (i) => [`apertura ${i}`, `seguito ${i}`]);
  });
});
