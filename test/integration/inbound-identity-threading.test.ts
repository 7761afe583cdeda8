/**
 * One customer is one Zendesk user, whatever form their WhatsApp id takes, and their messages
 * go to the ticket an agent expects: the running one, a reopened one, a follow-up of a closed
 * one, or a new one when the old one is long solved, full or gone.
 */
import { AdjustableClock } from '../../bridge-server/lib/clock';
import { SimulatedCustomer, envelope, type PhoneMessage } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const DAY_MS = 86_400_000;

let stack: TestStack;
afterEach(async () => {
  await stack?.close();
});

async function send(...messages: PhoneMessage[]): Promise<void> {
  const res = await stack.send(envelope(stack.whatsapp.settings.phoneNumberId, messages));
  expect(res.status).toBe(200);
}

function endUsers() {
  return [...stack.zendesk.state.users.values()].filter((u) => u.role === 'end-user');
}

function phonesOf(userId: number): string[] {
  return [...stack.zendesk.state.identities.values()].filter((i) => i.user_id === userId && i.type === 'phone_number').map((i) => i.value);
}

describe('one customer is one Zendesk user', () => {
  beforeEach(async () => {
    stack = await startTestStack();
  });

  it('when a customer is known only by a business-scoped id (no phone number), then they get one user and one ticket keyed on it', async () => {
    const marco = new SimulatedCustomer({ userId: 'IT.13491208655302741918', name: 'Marco', username: '@marco' });
    await send(marco.text('Salve, sono Marco'));
    const { user, tickets } = await stack.waitForComments('whatsapp:bsuid:IT.13491208655302741918', 1);
    await send(marco.text('Ci siete?'));
    await stack.waitForComments('whatsapp:bsuid:IT.13491208655302741918', 2);

    expect(user.name).toBe('Marco');
    expect(user.phone).toBeNull();
    expect(endUsers()).toHaveLength(1);
    expect(stack.ticketsOf(user)).toEqual([expect.objectContaining({ id: tickets[0].id })]);
  });

  it('when a customer first known by number later also comes with a business-scoped id, then it is still the same user and ticket', async () => {
    await send(new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' }).text('prima'));
    const { user } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    await send(new SimulatedCustomer({ waId: '393331234567', userId: 'IT.555', name: 'Giulia' }).text('dopo'));
    await stack.waitForComments('whatsapp:wa:393331234567', 2);
    expect(endUsers()).toHaveLength(1);
    expect(stack.ticketsOf(user)).toHaveLength(1);
  });

  it.each([
    { country: 'Brazil', withExtraDigit: '5511987654321', without: '551187654321', canonical: '551187654321' },
    { country: 'Mexico', withExtraDigit: '5215512345678', without: '525512345678', canonical: '525512345678' },
  ])('when a $country customer writes under both forms of their mobile number, then it is one user and one ticket', async ({ withExtraDigit, without, canonical }) => {
    await send(new SimulatedCustomer({ waId: withExtraDigit, name: 'Ana Souza' }).text('oi, tudo bem?'));
    const { user } = await stack.waitForComments(`whatsapp:wa:${canonical}`, 1);
    await send(new SimulatedCustomer({ waId: without, name: 'Ana Souza' }).text('meu pedido não chegou'));
    const { comments } = await stack.waitForComments(`whatsapp:wa:${canonical}`, 2);

    expect(endUsers()).toHaveLength(1);
    expect(stack.ticketsOf(user)).toHaveLength(1);
    expect(comments.map((c) => c.plain_body).join('\n')).toContain('meu pedido não chegou');
    expect(phonesOf(user.id)).toEqual([`+${withExtraDigit}`]);
  });

  it('when the customer changes number, then the same user and ticket keep their messages and the new number becomes an identity', async () => {
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    await send(giulia.text('dal vecchio numero'));
    const { user, tickets } = await stack.waitForComments('whatsapp:wa:393331234567', 1);

    await send(giulia.changedNumber('393479876543'));
    await send(giulia.text('dal numero nuovo'));
    await stack.waitForComments('whatsapp:wa:393331234567', 2);
    await stack.settled();

    expect(endUsers()).toHaveLength(1);
    expect(stack.ticketsOf(user)).toEqual([expect.objectContaining({ id: tickets[0].id })]);
    const all = stack.commentsOfUser(user).map((c) => c.plain_body).join('\n');
    expect(all).toContain('changed their number to +393479876543');
    expect(all).toContain('dal numero nuovo');
    expect(phonesOf(user.id).sort()).toEqual(['+393331234567', '+393479876543']);
  });
});

describe('which ticket the messages go to', () => {
  it('when the ticket was closed, then the next message opens a follow-up of it, tagged like any new ticket', async () => {
    stack = await startTestStack();
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    await send(giulia.text('primo problema'));
    const { user, tickets } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    const closed = tickets[0];
    stack.zendesk.setTicketStatus(closed.id, 'solved');
    stack.zendesk.setTicketStatus(closed.id, 'closed');

    await send(giulia.text('secondo problema'));
    const [, followUp] = await waitFor(() => stack.ticketsOf(user).length === 2 && stack.ticketsOf(user), { what: 'the follow-up ticket' });

    expect(followUp.via.source.rel).toBe('follow_up');
    expect(followUp.via.source.from.ticket_id).toBe(closed.id);
    expect(followUp.tags).toEqual(expect.arrayContaining(['whatsapp', `whatsapp_number_${stack.whatsapp.settings.phoneNumberId}`]));
    expect(followUp.requester_id).toBe(user.id);
    expect(stack.publicComments(followUp.id).map((c) => c.plain_body).join('\n')).toContain('secondo problema');
    expect(stack.publicComments(closed.id)).toHaveLength(1);
    expect(stack.zendesk.state.tickets.get(closed.id)!.status).toBe('closed');
  });

  it('when the ticket was solved within the reopen period, then the message reopens it', async () => {
    stack = await startTestStack();
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    await send(giulia.text('problema'));
    const { user, tickets } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    stack.zendesk.setTicketStatus(tickets[0].id, 'solved');

    await send(giulia.text('anzi, non è risolto'));
    await stack.waitForComments('whatsapp:wa:393331234567', 2);
    expect(stack.ticketsOf(user)).toHaveLength(1);
    expect(stack.zendesk.state.tickets.get(tickets[0].id)!.status).toBe('open');
  });

  it('when the ticket was solved longer ago than TICKET_REOPEN_DAYS, then the message opens a new ticket', async () => {
    const clock = new AdjustableClock();
    stack = await startTestStack({ clock, env: { TICKET_REOPEN_DAYS: '1' } });
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia', clock });
    await send(giulia.text('problema di marzo'));
    const { user, tickets } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    stack.zendesk.setTicketStatus(tickets[0].id, 'solved');

    clock.advance(2 * DAY_MS);
    await send(giulia.text('problema nuovo'));
    const [old, fresh] = await waitFor(() => stack.ticketsOf(user).length === 2 && stack.ticketsOf(user), { what: 'a new ticket' });

    expect(old.status).toBe('solved');
    expect(stack.publicComments(old.id)).toHaveLength(1);
    expect(fresh.via.source.rel).toBeNull();
    expect(fresh.tags).toEqual(expect.arrayContaining(['whatsapp', `whatsapp_number_${stack.whatsapp.settings.phoneNumberId}`]));
    expect(stack.publicComments(fresh.id)[0].plain_body).toContain('problema nuovo');
  });

  it('when the ticket reached Zendesk\'s comment limit, then the next messages open a new ticket', async () => {
    stack = await startTestStack({ zendesk: { commentCap: 2 } });
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    await send(giulia.text('uno'));
    await stack.waitForComments('whatsapp:wa:393331234567', 1);
    await send(giulia.text('due'));
    const { user } = await stack.waitForComments('whatsapp:wa:393331234567', 2);
    await send(giulia.text('tre'));

    const [full, fresh] = await waitFor(() => stack.ticketsOf(user).length === 2 && stack.ticketsOf(user), { what: 'a new ticket after the cap' });
    await stack.settled();
    expect(stack.publicComments(full.id)).toHaveLength(2);
    expect(stack.publicComments(fresh.id)).toHaveLength(1);
    expect(stack.publicComments(fresh.id)[0].plain_body).toContain('tre');
    expect(fresh.tags).toEqual(expect.arrayContaining(['whatsapp']));
  });

  it('when the ticket was deleted in Zendesk, then the next message opens a new ticket', async () => {
    stack = await startTestStack();
    const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia' });
    await send(giulia.text('uno'));
    const { user, tickets } = await stack.waitForComments('whatsapp:wa:393331234567', 1);
    stack.zendesk.state.tickets.delete(tickets[0].id);

    await send(giulia.text('due'));
    const [fresh] = await waitFor(() => stack.ticketsOf(user).length === 1 && stack.ticketsOf(user)[0].id !== tickets[0].id && stack.ticketsOf(user), { what: 'a new ticket' });
    await waitFor(() => stack.publicComments(fresh.id).length === 1);
    expect(stack.publicComments(fresh.id)[0].plain_body).toContain('due');
  });
});
