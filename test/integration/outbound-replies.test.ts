import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const WA = '393331234567';

async function customerWithTicket(stack: TestStack, waId = WA) {
  const giulia = new SimulatedCustomer({ waId, name: 'Giulia' });
  await stack.send(envelope(undefined, [giulia.text('Ciao, dov’è il mio ordine?')]));
  const { tickets } = await stack.waitForComments(`whatsapp:wa:${waId}`, 1);
  return { giulia, ticket: tickets[0] };
}

const notes = (stack: TestStack, ticketId: number) => stack.zendesk.comments(ticketId).filter((c) => !c.public);

describe('an agent replies in Zendesk', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack?.close();
  });

  it('when an agent replies publicly, then the customer gets it on WhatsApp exactly once, even with the webhook delivered twice and a restart', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 100 } } });
    await stack.stack.setupZendesk();
    const { ticket } = await customerWithTicket(stack);
    stack.zendesk.addAgentComment(ticket.id, { body: 'Buongiorno! Il pacco arriva domani.' });
    const inbox = await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 1 && stack.whatsapp.outbox.inbox(WA), { what: 'the reply on the phone' });
    expect(inbox[0].type).toBe('text');
    expect((inbox[0].body.text as { body: string }).body).toBe('Buongiorno! Il pacco arriva domani.');
    expect(inbox[0].body.to).toBe(`+${WA}`);

    const [invocation] = stack.zendesk.webhookInvocations();
    expect(JSON.parse(invocation.body).ticket_id).toBe(String(ticket.id));
    expect(await stack.zendesk.redeliverWebhook(invocation)).toBe(200);
    await stack.restartBridge();
    expect(await stack.zendesk.redeliverWebhook(invocation)).toBe(200);
    await waitFor(async () => (await stack.db.selectFrom('webhook_events').select('id').where('state', '=', 'pending').execute()).length === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.whatsapp.outbox.inbox(WA)).toHaveLength(1);

    // Statuses come back from the simulated number: the message is delivered.
    const row = await waitFor(async () => {
      const r = await stack.db.selectFrom('outbound_messages').selectAll().executeTakeFirst();
      return r?.state === 'delivered' && r;
    }, { what: 'the delivered status' });
    expect(row.wamid).toBe(inbox[0].wamid);
  });

  it('when the reply is an internal note or the customer’s own comment, then nothing is sent', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 100 } } });
    await stack.stack.setupZendesk();
    const { giulia, ticket } = await customerWithTicket(stack);
    stack.zendesk.addAgentComment(ticket.id, { body: 'nota interna', public: false });
    await stack.send(envelope(undefined, [giulia.text('ci sei?')]));
    await stack.waitForComments(`whatsapp:wa:${WA}`, 2);
    await new Promise((r) => setTimeout(r, 400));
    expect(stack.whatsapp.outbox.sent).toHaveLength(0);
  });

  it('when a long reply and a photo are sent, then the text is split under 4,096 characters and the photo goes as an image', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 100 } } });
    await stack.stack.setupZendesk();
    const { ticket } = await customerWithTicket(stack);
    const paragraph = 'Questa è una frase di prova. '.repeat(100).trim();
    const body = [paragraph, paragraph, paragraph].join('\n\n');
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(2000, 7)]);
    stack.zendesk.addAgentComment(ticket.id, { body, attachments: [{ fileName: 'ricevuta.jpg', contentType: 'image/jpeg', data: jpeg }] });
    // Three paragraphs of ~2,900 characters: one message each (cut at the paragraph ends), then the photo.
    const inbox = await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 4 && stack.whatsapp.outbox.inbox(WA), { what: 'four messages' });
    const texts = inbox.filter((m) => m.type === 'text').map((m) => (m.body.text as { body: string }).body);
    expect(texts).toEqual([paragraph, paragraph, paragraph]);
    for (const t of texts) expect([...t].length).toBeLessThanOrEqual(4096);
    expect(texts.join('\n\n').replace(/\s+/g, ' ')).toBe(body.replace(/\s+/g, ' '));
    const image = inbox[3];
    expect(image.type).toBe('image');
    const uploaded = stack.whatsapp.outbox.uploads.get((image.body.image as { id: string }).id);
    expect(uploaded?.bytes.equals(jpeg)).toBe(true);
  });

  it('when the window has closed, then nothing is sent and an internal note says so', async () => {
    const clock = new AdjustableClock();
    stack = await startTestStack({ clock, bridge: { outbound: { sweepIntervalMs: 100 } } });
    await stack.stack.setupZendesk();
    const { ticket } = await customerWithTicket(stack);
    clock.advance(25 * 3600 * 1000);
    stack.zendesk.addAgentComment(ticket.id, { body: 'Ci sei ancora?' });
    const [note] = await waitFor(() => notes(stack, ticket.id).length > 0 && notes(stack, ticket.id), { what: 'the note' });
    expect(note.plain_body).toMatch(/24-hour window closed on/);
    expect(note.plain_body).toMatch(/template/);
    expect(stack.whatsapp.outbox.sent).toHaveLength(0);
  });

  it.each([
    [131026, /cannot receive WhatsApp messages/],
    [190, /access token has expired/],
    [132001, /does not exist or is not approved in this language/],
  ])('when WhatsApp refuses with %d, then an internal note says what to do', async (code, words) => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 100 } } });
    await stack.stack.setupZendesk();
    const { ticket } = await customerWithTicket(stack);
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, status: code === 190 ? 401 : 400, body: { error: { message: 'refused', type: 'OAuthException', code, fbtrace_id: 'x' } }, times: 1 });
    stack.zendesk.addAgentComment(ticket.id, { body: 'Ecco la risposta' });
    const [note] = await waitFor(() => notes(stack, ticket.id).length > 0 && notes(stack, ticket.id), { what: 'the note' });
    expect(note.plain_body).toContain(`(error ${code})`);
    expect(note.plain_body).toMatch(words);
    expect(note.plain_body).toContain('Ecco la risposta');
  });

  it('when WhatsApp says the pair limit was hit, then the message is retried and sent', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 50, pacer: { pairIntervalMs: 50 } } } });
    await stack.stack.setupZendesk();
    const { ticket } = await customerWithTicket(stack);
    stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, status: 400, body: { error: { message: 'pair rate limit', type: 'OAuthException', code: 131056, fbtrace_id: 'x' } }, times: 1 });
    stack.zendesk.addAgentComment(ticket.id, { body: 'Riprovo' });
    await waitFor(() => stack.whatsapp.outbox.inbox(WA).length === 1, { what: 'the retried send' });
    expect(notes(stack, ticket.id)).toHaveLength(0);
  });

  it('when a sent message fails later, then the ticket gets a note with the reason', async () => {
    stack = await startTestStack({ bridge: { outbound: { sweepIntervalMs: 100 } } });
    await stack.stack.setupZendesk();
    const { ticket } = await customerWithTicket(stack);
    stack.whatsapp.outbox.undeliverable.add(WA);
    stack.zendesk.addAgentComment(ticket.id, { body: 'Messaggio che non arriverà' });
    const [note] = await waitFor(() => notes(stack, ticket.id).length > 0 && notes(stack, ticket.id), { what: 'the failure note' });
    expect(note.plain_body).toMatch(/could not deliver/);
    expect(note.plain_body).toContain('131026');
    const row = await stack.db.selectFrom('outbound_messages').selectAll().executeTakeFirstOrThrow();
    expect(row.state).toBe('failed');
  });
});
