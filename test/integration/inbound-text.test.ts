import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

describe('a customer writes on WhatsApp', () => {
  let stack: TestStack;
  beforeEach(async () => {
    stack = await startTestStack();
  });
  afterEach(async () => {
    await stack.close();
  });

  it('when the first message arrives, then one user and one ticket tagged whatsapp carry it', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia Rossi' });
    const res = await stack.send(envelope(stack.whatsapp.settings.phoneNumberId, [giulia.text('Ciao! Il mio ordine non è arrivato 📦')]));
    expect(res.status).toBe(200);

    const user = await waitFor(() => stack.userByExternalId('whatsapp:wa:393331234567'), { what: 'the Zendesk user' });
    expect(user.name).toBe('Giulia Rossi');
    const tickets = await waitFor(() => stack.ticketsOf(user).length === 1 && stack.ticketsOf(user), { what: 'the ticket' });
    const ticket = tickets[0];
    expect(ticket.tags).toEqual(expect.arrayContaining(['whatsapp', `whatsapp_number_${stack.whatsapp.settings.phoneNumberId}`]));
    expect(ticket.subject).toContain('Il mio ordine non è arrivato');
    const comments = stack.publicComments(ticket.id);
    expect(comments).toHaveLength(1);
    expect(comments[0].author_id).toBe(user.id);
    expect(comments[0].plain_body).toContain('Ciao! Il mio ordine non è arrivato 📦');
    // The phone number is an identity of the user.
    const identities = [...stack.zendesk.state.identities.values()].filter((i) => i.user_id === user.id);
    expect(identities.map((i) => i.value)).toContain('+393331234567');
  });

  it('when the customer writes again, then the same ticket gets the new comment', async () => {
    const chen = new SimulatedCustomer({ waId: '8613812345678', name: '陈伟' });
    await stack.send(envelope(undefined, [chen.text('你好，我想查询订单')]));
    const user = await waitFor(() => stack.userByExternalId('whatsapp:wa:8613812345678'));
    const [ticket] = await waitFor(() => stack.ticketsOf(user).length === 1 && stack.ticketsOf(user));
    await stack.send(envelope(undefined, [chen.text('订单号是 12345 🙏')]));
    await waitFor(() => stack.publicComments(ticket.id).length === 2, { what: 'the second comment' });
    expect(stack.ticketsOf(user)).toHaveLength(1);
    expect(stack.publicComments(ticket.id)[1].plain_body).toContain('订单号是 12345 🙏');
    expect(stack.usersNamed('陈伟')).toHaveLength(1);
  });

  it('when the webhook is not signed, then it is refused with 401 and nothing is stored', async () => {
    const res = await fetch(stack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(envelope(undefined, [])) });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('signature_missing');
    const rows = await stack.db.selectFrom('webhook_events').selectAll().execute();
    expect(rows).toHaveLength(0);
  });
});
