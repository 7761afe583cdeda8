/**
 * A LOCATION-header template and a copy-code authentication template sent through the app API,
 * as the sidebar does: the simulated phone gets the payload Meta expects, the ticket gets the
 * rendered text; a missing place or an over-long code is refused field by field, nothing sent.
 */
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { LOCATION_AND_OTP_TEMPLATES, SEED_TEMPLATES } from '../../bridge-server/sandbox/whatsapp';
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const auth = { authorization: `Bearer ${SANDBOX_BRIDGE_API_KEY}`, 'content-type': 'application/json' };

let stack: TestStack;
beforeEach(async () => {
  stack = await startTestStack({ whatsapp: { templates: [...SEED_TEMPLATES, ...LOCATION_AND_OTP_TEMPLATES] } });
  await waitFor(() => stack.bridge.templates.lastResult ?? undefined, { what: 'the template sync at start' });
});
afterEach(async () => {
  await stack.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.bridgeUrl}/api/v1${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

async function whatsappTicket(): Promise<number> {
  const anna = new SimulatedCustomer({ waId: '393331112222', name: 'Anna Bianchi' });
  await stack.send(envelope(undefined, [anna.text('Posso ritirare il mio ordine?')]));
  const { tickets } = await stack.waitForComments('whatsapp:wa:393331112222', 1);
  await stack.settled();
  return tickets[0].id;
}

const templatesSent = () => stack.whatsapp.outbox.sent.filter((m) => m.type === 'template');
const lastPublicComment = (ticketId: number) => stack.publicComments(ticketId).at(-1);
const milano = { latitude: 45.4642, longitude: 9.19, name: 'Negozio Duomo 🛍️', address: 'Piazza del Duomo, Milano' };

describe('a template with a LOCATION header, through the app API', () => {
  it('when listed, then the agent is asked for the place and the body', async () => {
    const list = await api('GET', '/templates?q=store_pickup');
    expect(list.body.templates).toHaveLength(1);
    expect(list.body.templates[0].variables.map((v: any) => [v.key, v.kind])).toEqual([
      ['header.location', 'location'],
      ['body.1', 'text'],
      ['body.2', 'text'],
    ]);
  });

  it('when sent with a place, then the phone gets a location header parameter and the ticket the rendered text', async () => {
    const ticketId = await whatsappTicket();
    const values = { 'header.location': milano, 'body.1': 'Anna', 'body.2': '#48213' };
    const res = await api('POST', `/tickets/${ticketId}/templates`, { name: 'store_pickup', language: 'en_US', values });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ messageId: expect.stringMatching(/^wamid\./), status: 'accepted', ticketComment: 'added' });

    expect(templatesSent()).toHaveLength(1);
    expect(templatesSent()[0].recipient).toBe('393331112222');
    expect(templatesSent()[0].body.template).toEqual({
      name: 'store_pickup',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'location', location: milano }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Anna' }, { type: 'text', text: '#48213' }] },
      ],
    });
    const comment = lastPublicComment(ticketId);
    expect(comment?.plain_body).toContain('“store_pickup” (en_US)');
    expect(comment?.plain_body).toContain('📍 Negozio Duomo 🛍️, Piazza del Duomo, Milano (45.4642, 9.19)');
    expect(comment?.plain_body).toContain('Hi Anna, your order #48213 is ready for pickup at this store.');
  });

  it('when the place is missing, then 422 names header.location and nothing is sent or written', async () => {
    const ticketId = await whatsappTicket();
    const before = stack.publicComments(ticketId).length;
    const res = await api('POST', `/tickets/${ticketId}/templates`, { name: 'store_pickup', language: 'en_US', values: { 'body.1': 'Anna', 'body.2': '#48213' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'template_invalid', fields: [expect.objectContaining({ field: 'header.location', code: 'location_required', message: expect.any(String) })] });
    expect(templatesSent()).toHaveLength(0);
    expect(stack.publicComments(ticketId)).toHaveLength(before);
  });
});

describe('a copy-code authentication template, through the app API', () => {
  it('when sent with a code, then the code goes in the body and as the OTP button parameter, and the ticket shows the text', async () => {
    const ticketId = await whatsappTicket();
    const list = await api('GET', '/templates?category=AUTHENTICATION');
    expect(list.body.templates.map((t: any) => [t.name, t.variables.map((v: any) => v.key)])).toEqual([['login_code', ['body.1']]]);

    const res = await api('POST', `/tickets/${ticketId}/templates`, { name: 'login_code', language: 'en_US', values: { 'body.1': '482913' } });
    expect(res.status).toBe(201);
    expect(templatesSent()).toHaveLength(1);
    expect(templatesSent()[0].body.template).toEqual({
      name: 'login_code',
      language: { code: 'en_US' },
      components: [
        { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
      ],
    });
    const comment = lastPublicComment(ticketId);
    expect(comment?.plain_body).toContain('“login_code” (en_US)');
    expect(comment?.plain_body).toContain('482913');
    expect(comment?.plain_body).toContain('is your verification code');
  });

  it('when the code is longer than 15 characters, then 422 names body.1 and nothing is sent or written', async () => {
    const ticketId = await whatsappTicket();
    const before = stack.publicComments(ticketId).length;
    const res = await api('POST', `/tickets/${ticketId}/templates`, { name: 'login_code', language: 'en_US', values: { 'body.1': '1234567890123456' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'template_invalid', fields: [expect.objectContaining({ field: 'body.1', code: 'code_too_long', message: expect.stringContaining('15') })] });
    expect(templatesSent()).toHaveLength(0);
    expect(stack.publicComments(ticketId)).toHaveLength(before);
    const sends = await stack.db.selectFrom('template_sends').select('id').execute();
    expect(sends).toHaveLength(0);
  });
});
