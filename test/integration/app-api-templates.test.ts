import { AdjustableClock } from '../../bridge-server/lib/clock';
import { SANDBOX_BRIDGE_API_KEY } from '../../bridge-server/sandbox/stack';
import { SimulatedCustomer, envelope } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

const auth = { authorization: `Bearer ${SANDBOX_BRIDGE_API_KEY}`, 'content-type': 'application/json' };

async function api(stack: TestStack, method: string, path: string, body?: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${stack.bridgeUrl}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/** A customer writes, the bridge makes the ticket; returns its id. */
async function whatsappTicket(stack: TestStack, clock?: AdjustableClock): Promise<number> {
  const giulia = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia Rossi', clock });
  await stack.send(envelope(undefined, [giulia.text('Ciao, dov’è il mio ordine?')]));
  const user = await waitFor(() => stack.userByExternalId('whatsapp:wa:393331234567'), { what: 'the user' });
  const [ticket] = await waitFor(() => stack.ticketsOf(user).length === 1 && stack.ticketsOf(user), { what: 'the ticket' });
  await stack.settled();
  return ticket.id;
}

/** What the simulated phone received as template messages. */
const templatesSent = (stack: TestStack) => stack.whatsapp.outbox.sent.filter((m) => m.type === 'template');

const orderValues = { 'header.1': '#77', 'body.1': 'Giulia', 'body.2': '#77', 'body.3': 'venerdì', 'button.0': '77' };

describe('the app API', () => {
  let stack: TestStack;
  const clock = new AdjustableClock();
  beforeEach(async () => {
    stack = await startTestStack({ clock, bridge: { templateSync: { eventPollMs: 50, followUpDelayMs: 60_000 } } });
    await waitFor(() => stack.bridge.templates.lastResult ?? undefined, { what: 'the template sync at start' });
  });
  afterEach(async () => {
    await stack.close();
  });

  describe('auth', () => {
    it('when no key or a wrong key is sent, then 401 with a code', async () => {
      const none = await api(stack, 'GET', '/templates', undefined, {});
      expect(none).toEqual({ status: 401, body: { error: expect.objectContaining({ code: 'missing_api_key' }) } });
      const wrong = await api(stack, 'GET', '/templates', undefined, { authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('invalid_api_key');
    });

    it('when the bridge has no BRIDGE_API_KEY, then 503 tells the operator to set it', async () => {
      const bare = await startTestStack({ env: { BRIDGE_API_KEY: '' } });
      try {
        const res = await api(bare, 'GET', '/templates');
        expect(res.status).toBe(503);
        expect(res.body.error).toMatchObject({ code: 'api_key_not_configured', message: expect.stringContaining('BRIDGE_API_KEY') });
      } finally {
        await bare.close();
      }
    });
  });

  describe('conversation', () => {
    it('when the customer wrote, then contact and an open window; 23.5 h later closing; 25 h later closed', async () => {
      const ticketId = await whatsappTicket(stack, clock);
      const open = await api(stack, 'GET', `/tickets/${ticketId}/conversation`);
      expect(open.status).toBe(200);
      expect(open.body.contact).toEqual({ name: 'Giulia Rossi', phone: '+393331234567', businessScopedUserId: null, display: '+393331234567', language: null });
      expect(open.body.window.state).toBe('open');
      expect(open.body.messages[0]).toMatchObject({ direction: 'inbound', type: 'text', text: 'Ciao, dov’è il mio ordine?', state: 'received' });

      clock.advance(23.5 * 3600_000);
      expect((await api(stack, 'GET', `/tickets/${ticketId}/conversation`)).body.window.state).toBe('closing');
      expect((await api(stack, 'GET', `/tickets/${ticketId}/conversation?closingSoonMinutes=20`)).body.window.state).toBe('open');
      clock.advance(1.5 * 3600_000);
      const closed = await api(stack, 'GET', `/tickets/${ticketId}/conversation`);
      expect(closed.body.window).toMatchObject({ state: 'closed', secondsLeft: 0 });
    });

    it('when the ticket is not a WhatsApp conversation, then 404 not_whatsapp_ticket; a bad id is 400', async () => {
      expect((await api(stack, 'GET', '/tickets/99999/conversation')).body.error.code).toBe('not_whatsapp_ticket');
      const bad = await api(stack, 'GET', '/tickets/abc/conversation');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
    });
  });

  describe('templates', () => {
    it('when listed, then every synced template comes with its variables; filters and search narrow the list', async () => {
      const all = await api(stack, 'GET', '/templates');
      expect(all.body.templates.length).toBe(stack.whatsapp.templates.list().length);
      const order = all.body.templates.find((t: any) => t.name === 'order_update' && t.language === 'en_US');
      expect(order.variables.map((v: any) => v.key)).toEqual(['header.1', 'body.1', 'body.2', 'body.3', 'button.0']);
      expect(order).toMatchObject({ status: 'APPROVED', canSend: true, category: 'UTILITY', quality: 'GREEN' });

      const italian = await api(stack, 'GET', '/templates?language=it');
      expect(italian.body.templates.map((t: any) => t.name).sort()).toEqual(['order_update', 'welcome_back']);
      const marketing = await api(stack, 'GET', '/templates?category=MARKETING');
      expect(marketing.body.templates.every((t: any) => t.category === 'MARKETING')).toBe(true);
      const search = await api(stack, 'GET', '/templates?q=invoice');
      expect(search.body.templates.map((t: any) => t.name)).toEqual(['invoice_ready']);
      const paused = all.body.templates.find((t: any) => t.name === 'welcome_back');
      expect(paused).toMatchObject({ status: 'PAUSED', canSend: false });
    });

    it('when the WABA has more templates than one page, then the sync reads every page', async () => {
      for (let i = 0; i < 130; i++) {
        stack.whatsapp.templates.upsert({ name: `bulk_${String(i).padStart(3, '0')}`, language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: [{ type: 'BODY', text: `Notice ${i}` }] });
      }
      const sync = await api(stack, 'POST', '/templates/sync');
      expect(sync.status).toBe(200);
      expect(sync.body).toMatchObject({ pages: 2, fetched: stack.whatsapp.templates.list().length, added: 130 });
      const stored = await stack.db.selectFrom('templates').select('id').execute();
      expect(stored).toHaveLength(stack.whatsapp.templates.list().length);
    });

    it('when Meta pauses a template, then its webhook updates the stored status', async () => {
      const res = await stack.whatsapp.emitTemplateStatus(stack.webhookUrl, 'order_update', 'it', 'PAUSED', 'LOW_QUALITY');
      expect(res.status).toBe(200);
      await waitFor(async () => {
        const row = await stack.db.selectFrom('templates').select('status').where('name', '=', 'order_update').where('language', '=', 'it').executeTakeFirst();
        return row?.status === 'PAUSED';
      }, { what: 'the template to be paused in the store' });
      const preview = await api(stack, 'POST', '/templates/preview', { name: 'order_update', language: 'it', values: orderValues });
      expect(preview.body.errors).toEqual([expect.objectContaining({ field: 'template', code: 'template_paused' })]);
    });

    it('when previewed, then the rendered bubble and field-level errors come back', async () => {
      const ok = await api(stack, 'POST', '/templates/preview', { name: 'order_update', language: 'it', values: orderValues });
      expect(ok.body).toMatchObject({ valid: true, errors: [], rendered: { header: { text: 'Ordine #77' }, body: 'Ciao Giulia, il tuo ordine #77 è stato spedito e dovrebbe arrivare il venerdì.', buttons: [{ type: 'URL', url: 'https://shop.example.com/track/77' }, { type: 'QUICK_REPLY' }] } });
      const missing = await api(stack, 'POST', '/templates/preview?locale=it', { name: 'order_update', language: 'it', values: { ...orderValues, 'body.2': '' } });
      expect(missing.body.valid).toBe(false);
      expect(missing.body.errors).toEqual([{ field: 'body.2', code: 'missing', message: 'Compila {{2}} nel messaggio.' }]);
      const language = await api(stack, 'POST', '/templates/preview', { name: 'order_update', language: 'de', values: {} });
      expect(language.body.errors[0]).toMatchObject({ field: 'language', code: 'language_not_available' });
    });
  });

  describe('the customer\'s language (contact.language)', () => {
    it('when no template was sent, then null; after sends, the language of the latest one', async () => {
      const ticketId = await whatsappTicket(stack);
      expect((await api(stack, 'GET', `/tickets/${ticketId}/conversation`)).body.contact).toMatchObject({ name: 'Giulia Rossi', language: null });

      expect((await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'order_update', language: 'it', values: orderValues })).status).toBe(201);
      expect((await api(stack, 'GET', `/tickets/${ticketId}/conversation`)).body.contact.language).toBe('it');

      const values = { 'header.media': { link: 'https://cdn.example.com/clinic.jpg' }, 'body.customer_name': 'Giulia', 'body.date': '14 de mayo', 'body.time': '10:30' };
      clock.advance(1000);
      expect((await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'appointment_reminder', language: 'es', values })).status).toBe(201);
      expect((await api(stack, 'GET', `/tickets/${ticketId}/conversation`)).body.contact.language).toBe('es');
    });

    it('when Meta refuses a send, then it is not evidence of the customer\'s language', async () => {
      const ticketId = await whatsappTicket(stack);
      expect((await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'order_update', language: 'it', values: orderValues })).status).toBe(201);
      stack.whatsapp.faults.add({ method: 'POST', path: /\/messages$/, status: 400, body: { error: { message: 'policy', type: 'OAuthException', code: 132007, fbtrace_id: 'x' } }, times: 1 });
      clock.advance(1000);
      const values = { 'header.media': { link: 'https://cdn.example.com/clinic.jpg' }, 'body.customer_name': 'Giulia', 'body.date': '14 de mayo', 'body.time': '10:30' };
      expect((await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'appointment_reminder', language: 'es', values })).status).toBe(422);
      expect((await api(stack, 'GET', `/tickets/${ticketId}/conversation`)).body.contact.language).toBe('it');
    });
  });

  describe('sending a template', () => {
    it('when valid, then the phone gets it with the right parameters and the ticket a marked public comment', async () => {
      const ticketId = await whatsappTicket(stack);
      const res = await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'order_update', language: 'it', values: orderValues, idempotencyKey: 'k-1' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ messageId: expect.stringMatching(/^wamid\./), status: 'accepted', ticketComment: 'added' });

      expect(templatesSent(stack)).toHaveLength(1);
      const sent = templatesSent(stack)[0];
      expect(sent.recipient).toBe('393331234567');
      expect(sent.body.template).toEqual({
        name: 'order_update',
        language: { code: 'it' },
        components: [
          { type: 'header', parameters: [{ type: 'text', text: '#77' }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Giulia' }, { type: 'text', text: '#77' }, { type: 'text', text: 'venerdì' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '77' }] },
        ],
      });

      const comments = stack.publicComments(ticketId);
      const comment = comments[comments.length - 1];
      expect(comment.plain_body).toContain('📤 Sent on WhatsApp with the template “order_update” (it):');
      expect(comment.plain_body).toContain('Ciao Giulia, il tuo ordine #77');
      expect(comment.metadata.custom).toEqual({ whatsapp_bridge: { template_send: expect.any(String) } });

      const again = await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'order_update', language: 'it', values: orderValues, idempotencyKey: 'k-1' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ messageId: res.body.messageId, replayed: true });
      expect(templatesSent(stack)).toHaveLength(1);
      expect(stack.publicComments(ticketId)).toHaveLength(comments.length);
      const conflict = await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'order_update', language: 'it', values: { ...orderValues, 'body.1': 'Marco' }, idempotencyKey: 'k-1' });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.code).toBe('idempotency_conflict');

      const conversation = await api(stack, 'GET', `/tickets/${ticketId}/conversation`);
      expect(conversation.body.messages[0]).toMatchObject({ id: res.body.messageId, direction: 'outbound', type: 'template', state: expect.stringMatching(/^(accepted|sent|delivered|read)$/), template: { name: 'order_update', language: 'it' } });
    });

    it('when a parameter is missing, then 422 names the field and nothing is sent or written', async () => {
      const ticketId = await whatsappTicket(stack);
      const before = stack.publicComments(ticketId).length;
      const { 'body.3': _, ...values } = orderValues;
      const res = await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'order_update', language: 'it', values });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'template_invalid', fields: [{ field: 'body.3', code: 'missing', message: expect.any(String) }] });
      expect(templatesSent(stack)).toHaveLength(0);
      expect(stack.publicComments(ticketId)).toHaveLength(before);
    });

    it('when a named template with an image header is sent, then parameter names and the image reach the phone', async () => {
      const ticketId = await whatsappTicket(stack);
      const values = { 'header.media': { link: 'https://cdn.example.com/clinic.jpg' }, 'body.customer_name': 'Lucía', 'body.date': '14 de mayo', 'body.time': '10:30' };
      const res = await api(stack, 'POST', `/tickets/${ticketId}/templates`, { name: 'appointment_reminder', language: 'es', values });
      expect(res.status).toBe(201);
      expect((templatesSent(stack)[0].body.template as { components: unknown }).components).toEqual([
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/clinic.jpg' } }] },
        { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Lucía' }, { type: 'text', parameter_name: 'date', text: '14 de mayo' }, { type: 'text', parameter_name: 'time', text: '10:30' }] },
      ]);
    });
  });
});
