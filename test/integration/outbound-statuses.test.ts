/**
 * Delivery states of agent replies, replayed the way Meta delivers status webhooks: signed, out
 * of order, duplicated, several messages interleaved in one POST. What an agent sees is checked
 * through the app API (the sidebar's source) and the ticket's internal notes.
 *
 * The rule (outbound-statuses.ts): forward only (sent → delivered → read); failed wins over
 * sent and is final; delivered/read are never undone by a later failed; duplicates change
 * nothing; one failure = one note.
 */
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, envelope, statusEnvelope, statusUpdate } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const WA = '393331234567';
const auth = { authorization: `Bearer ${SANDBOX_BRIDGE_API_KEY}` };

interface ApiMessage {
  id: string;
  direction: string;
  type: string;
  text: string;
  state: string;
  failureReason: string | null;
  reaction?: string | null;
}

async function conversation(stack: TestStack, ticketId: number): Promise<{ messages: ApiMessage[] }> {
  const res = await fetch(`${stack.bridgeUrl}/api/v1/tickets/${ticketId}/conversation?limit=50`, { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json()) as { messages: ApiMessage[] };
}

const undeliverable = [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } }];

describe('delivery states of agent replies', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack?.close();
  });

  it('when statuses come out of order, duplicated and interleaved, then each message shows its true final state and one failure writes one note', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 50 } } });
    await stack.stack.setupZendesk();
    stack.whatsapp.outbox.autoStatuses = false; // statuses only as this test delivers them
    const giulia = new SimulatedCustomer({ waId: WA, name: 'Giulia' });
    await stack.send(envelope(undefined, [giulia.text('Ciao, dov’è il mio ordine?')]));
    const { tickets } = await stack.waitForComments(`whatsapp:wa:${WA}`, 1);
    const ticketId = tickets[0].id;

    const texts = ['Primo: letto prima di consegnato', 'Secondo: consegnato due volte', 'Terzo: fallito dopo letto', 'Quarto: fallito due volte 📦', 'Quinto: fallito dopo consegnato'];
    for (const body of texts) stack.zendesk.addAgentComment(ticketId, { body });
    const inbox = await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 5 && stack.whatsapp.outbox.inbox(WA), { what: 'five replies on the phone', timeoutMs: 15_000 });
    const wamid = Object.fromEntries(texts.map((t) => [t, inbox.find((m) => (m.body.text as { body: string }).body === t)!.wamid]));
    const [a, b, c, d, e] = texts.map((t) => wamid[t]);

    const pnid = stack.whatsapp.settings.phoneNumberId;
    const st = (id: string, status: string, errors?: Record<string, unknown>[]) => statusUpdate({ id, status, recipientWaId: WA, errors });
    // Interleaved POSTs, each with several messages' statuses, some delivered twice.
    const posts = [
      statusEnvelope(pnid, [st(a, 'read'), st(b, 'delivered'), st(c, 'sent'), st(d, 'failed', undeliverable)]),
      statusEnvelope(pnid, [st(b, 'delivered'), st(c, 'read'), st(e, 'delivered')]),
      statusEnvelope(pnid, [st(a, 'delivered'), st(d, 'failed', undeliverable), st(c, 'failed', undeliverable)]),
      statusEnvelope(pnid, [st(a, 'sent'), st(b, 'sent'), st(d, 'delivered'), st(e, 'failed', undeliverable)]),
    ];
    for (const p of posts) expect((await stack.send(p)).status).toBe(200);
    expect((await stack.send(posts[2])).status).toBe(200); // Meta retries a whole POST
    expect((await stack.send(posts[0])).status).toBe(200);

    const expected: Record<string, string> = { [a]: 'read', [b]: 'delivered', [c]: 'read', [d]: 'failed', [e]: 'delivered' };
    const final = await waitFor(
      async () => {
        const conv = await conversation(stack, ticketId);
        const out = conv.messages.filter((m) => m.direction === 'outbound');
        return out.length === 5 && out.every((m) => m.state === expected[m.id]) && out;
      },
      { what: 'the final states in the app API' },
    );
    const failed = final.find((m) => m.id === d)!;
    expect(failed.failureReason).toMatch(/could not deliver it: the number may not use WhatsApp/);
    for (const m of final.filter((x) => x.id !== d)) expect(m.failureReason).toBeNull();

    // The store comes to agree with the API (the API reads the stored statuses directly; the
    // worker applies them to the messages, from which the notes are written, a round later).
    const storedStates = async () => Object.fromEntries((await stack.db.selectFrom('outbound_messages').select(['wamid', 'state']).execute()).map((r) => [r.wamid, r.state]));
    const agrees = async () => {
      const stored = await storedStates();
      return Object.keys(stored).length === 5 && Object.entries(expected).every(([wamid, state]) => stored[wamid] === state);
    };
    await waitFor(agrees, { what: 'the stored states' }).catch(() => undefined);
    expect(await storedStates()).toEqual(expected);

    // Exactly one note: the failure of the fourth message, in plain words, quoting it.
    const notes = () => stack.zendesk.comments(ticketId).filter((x) => !x.public);
    await waitFor(() => notes().length >= 1, { what: 'the failure note' });
    await new Promise((r) => setTimeout(r, 400)); // a second note would come within a few rounds
    expect(notes()).toHaveLength(1);
    expect(notes()[0].plain_body).toMatch(/WhatsApp could not deliver a message of this reply \(error 131026\)/);
    expect(notes()[0].plain_body).toMatch(/cannot receive WhatsApp messages/);
    expect(notes()[0].plain_body).toContain('Quarto: fallito due volte 📦');

    // Status events are counted by state, once each (duplicates are dropped at intake).
    const metrics = await stack.metricsText();
    expect(metrics).toMatch(/bridge_status_events_total\{status="failed"\} 3/);
    expect(metrics).toMatch(/bridge_status_events_total\{status="read"\} 2/);
    expect(metrics).toMatch(/bridge_status_events_total\{status="delivered"\} 4/);
    expect(metrics).toMatch(/bridge_outbound_notes_total\{reason="failure"\} 1/);
  });

  it('when the customer reacts to an agent message, then the reaction shows on that message and on the ticket', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 50 } } });
    await stack.stack.setupZendesk();
    const giulia = new SimulatedCustomer({ waId: WA, name: 'Giulia' });
    await stack.send(envelope(undefined, [giulia.text('Ciao')]));
    const { tickets } = await stack.waitForComments(`whatsapp:wa:${WA}`, 1);
    const ticketId = tickets[0].id;
    stack.zendesk.addAgentComment(ticketId, { body: 'Il pacco arriva domani' });
    stack.zendesk.addAgentComment(ticketId, { body: 'Serve altro?' });
    const inbox = await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 2 && stack.whatsapp.outbox.inbox(WA), { what: 'the replies on the phone' });

    await stack.send(envelope(undefined, [giulia.reaction(inbox[0].wamid, '❤️')]));
    const reactionComment = await waitFor(() => stack.publicComments(ticketId).find((x) => x.plain_body.includes('❤️')), { what: 'the reaction on the ticket' });
    expect(reactionComment.plain_body).toContain('Il pacco arriva domani'); // quotes the message reacted to

    const conv = await waitFor(async () => {
      const c = await conversation(stack, ticketId);
      return c.messages.some((m) => m.id === inbox[0].wamid && m.reaction === '❤️') && c;
    }, { what: 'the reaction in the app API' });
    expect(conv.messages.find((m) => m.id === inbox[1].wamid)?.reaction).toBeNull();
    expect(conv.messages.find((m) => m.direction === 'inbound' && m.type === 'reaction')?.text).toBe('❤️');

    // Removing the reaction (Meta leaves the emoji out) clears it.
    await stack.send(envelope(undefined, [giulia.removeReaction(inbox[0].wamid)]));
    await waitFor(async () => (await conversation(stack, ticketId)).messages.find((m) => m.id === inbox[0].wamid)?.reaction === null, { what: 'the reaction removed' });
  });
});
