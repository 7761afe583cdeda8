import {
  batch,
  envelope,
  newWamid,
  statusUpdate,
  templateEnvelope,
  SimulatedCustomer,
} from '../../../bridge-server/sandbox/whatsapp/phone';
import { SANDBOX_PHONE_NUMBER_ID, SANDBOX_WABA_ID } from '../../../bridge-server/sandbox/whatsapp/defaults';
import {
  isKnownMessage,
  splitWebhook,
  webhookEnvelopeSchema,
  whatsAppMessageSchema,
} from '../../../bridge-server/whatsapp/webhook-payload';
import { bsuidOnly, everyMessageType, fixedClock, giulia } from '../../fixtures/whatsapp-messages';

describe('webhook payload', () => {
  describe('every message type of the reference', () => {
    const messages = everyMessageType();

    it.each(Object.entries(messages))('when a %s message arrives, then it parses whole', (_name, raw) => {
      const parsed = whatsAppMessageSchema.safeParse(raw);
      expect(parsed.success).toBe(true);
      if (parsed.success) {
        expect(parsed.data).toEqual(raw); // nothing dropped, nothing added
        expect(isKnownMessage(parsed.data)).toBe(true);
      }
    });

    it('when all of them come in one POST, then each becomes one inbound item with its sender', () => {
      const all = Object.values(messages);
      const result = splitWebhook(envelope(SANDBOX_PHONE_NUMBER_ID, all));
      expect(result.invalid).toEqual([]);
      expect(result.messages.map((m) => m.messageId)).toEqual(all.map((m) => m.id));
      const text = result.messages.find((m) => m.type === 'text')!;
      expect(text).toMatchObject({
        phoneNumberId: SANDBOX_PHONE_NUMBER_ID,
        displayPhoneNumber: expect.any(String),
        wabaId: SANDBOX_WABA_ID,
        waId: '393331234567',
        userId: null,
        profileName: 'Giulia',
        timestamp: Math.floor(fixedClock.now() / 1000),
        type: 'text',
      });
      expect(typeof text.timestamp).toBe('number');
      const system = result.messages.find((m) => m.type === 'system')!;
      expect(system.profileName).toBeNull(); // a system message has no contact
      expect(system.waId).toBe('393331234567'); // sent from the old number
    });

    it('when built by the phone, then the envelope also matches the full typed schema', () => {
      expect(webhookEnvelopeSchema.safeParse(envelope(SANDBOX_PHONE_NUMBER_ID, Object.values(messages))).success).toBe(true);
    });
  });

  it('when a POST holds 2 entries × 2 changes with messages and statuses, then everything is flattened', () => {
    const giuliaPhone = giulia();
    const ahmed = new SimulatedCustomer({ waId: '971501234567', name: 'أحمد', clock: fixedClock });
    const sentId = newWamid();
    const payload = batch(
      [
        envelope('111', [giuliaPhone.text('one'), giuliaPhone.text('two')], { wabaId: 'waba-A' }),
        envelope('111', [ahmed.text('مرحبا')], {
          wabaId: 'waba-A',
          statuses: [
            statusUpdate({ id: sentId, status: 'delivered', recipientWaId: '393331234567', clock: fixedClock }),
            statusUpdate({ id: sentId, status: 'read', recipientWaId: '393331234567', clock: fixedClock }),
          ],
        }),
        envelope('222', [giuliaPhone.text('three'), ahmed.text('four'), giuliaPhone.text('five')], { wabaId: 'waba-B' }),
        templateEnvelope(
          'message_template_status_update',
          { event: 'APPROVED', message_template_id: 123, message_template_name: 'order_update', message_template_language: 'en_US', reason: 'NONE' },
          { wabaId: 'waba-B' },
        ),
      ],
      { mergeEntries: true },
    );
    expect(payload.entry).toHaveLength(2);
    expect(payload.entry.map((e) => e.changes.length)).toEqual([2, 2]);

    const result = splitWebhook(payload);
    expect(result.invalid).toEqual([]);
    expect(result.messages.map((m) => (m.message as { text: { body: string } }).text.body)).toEqual([
      'one', 'two', 'مرحبا', 'three', 'four', 'five',
    ]);
    expect(result.messages.map((m) => [m.wabaId, m.phoneNumberId])).toEqual([
      ['waba-A', '111'], ['waba-A', '111'], ['waba-A', '111'], ['waba-B', '222'], ['waba-B', '222'], ['waba-B', '222'],
    ]);
    // Two contacts in the third change: each message gets its own sender.
    expect(result.messages.slice(3).map((m) => m.profileName)).toEqual(['Giulia', 'أحمد', 'Giulia']);
    expect(result.statuses).toEqual([
      expect.objectContaining({ statusId: sentId, status: 'delivered', recipientWaId: '393331234567', phoneNumberId: '111', wabaId: 'waba-A' }),
      expect.objectContaining({ statusId: sentId, status: 'read', timestamp: Math.floor(fixedClock.now() / 1000) }),
    ]);
    expect(result.templateEvents).toEqual([
      { field: 'message_template_status_update', wabaId: 'waba-B', value: expect.objectContaining({ event: 'APPROVED', message_template_id: 123 }) },
    ]);
  });

  it('when one sibling is broken, then it goes to invalid with its path and the others still parse', () => {
    const phone = giulia();
    const good1 = phone.text('before');
    const broken = { ...phone.text('x'), text: { body: 42 } };
    const noId = { ...phone.text('y') } as Record<string, unknown>;
    delete noId.id;
    const good2 = phone.image('1100000000000009');
    const payload = batch([
      envelope('111', [good1, broken as never, noId as never, good2]),
      { object: 'whatsapp_business_account', entry: [{ id: 'w', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp' } }] }] },
    ]);
    (payload.entry as unknown[]).push('not an entry');

    const result = splitWebhook(payload);
    expect(result.messages.map((m) => m.messageId)).toEqual([good1.id, good2.id]);
    expect(result.invalid).toEqual([
      { path: 'entry[0].changes[0].value.messages[1]', reason: 'text.body should be a string, got number', raw: broken },
      { path: 'entry[0].changes[0].value.messages[2]', reason: 'id is missing', raw: noId },
      { path: 'entry[1].changes[0]', reason: 'value.metadata is missing', raw: expect.anything() },
      { path: 'entry[2]', reason: 'should be an object, got a string', raw: 'not an entry' },
    ]);
  });

  it('when a broken status sits next to good ones, then only it is invalid', () => {
    const id = newWamid();
    const result = splitWebhook(
      envelope('111', [], {
        statuses: [
          statusUpdate({ id, status: 'sent', recipientWaId: '1' }),
          { id, timestamp: 'yesterday' } as never,
          statusUpdate({ id, status: 'failed', recipientWaId: '1', errors: [{ code: 131047, title: 'Re-engagement message' }] }),
        ],
      }),
    );
    expect(result.statuses.map((s) => s.status)).toEqual(['sent', 'failed']);
    expect(result.statuses[1].raw.errors?.[0].code).toBe(131047);
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0].path).toBe('entry[0].changes[0].value.statuses[1]');
    expect(result.invalid[0].reason).toMatch(/status is missing/);
    expect(result.invalid[0].reason).toMatch(/timestamp/);
  });

  it('when the customer is known only by a BSUID, then waId is null and userId is set', () => {
    const phone = bsuidOnly();
    const message = phone.text('hello');
    expect(message.from).toBeUndefined();
    const payload = envelope('111', [message]);
    const contacts = (payload.entry[0].changes[0].value as { contacts: unknown[] }).contacts;
    expect(contacts).toEqual([{ profile: { name: 'Marco', username: '@marco' }, user_id: 'IT.13491208655302741918' }]);

    const [item] = splitWebhook(payload).messages;
    expect(item).toMatchObject({ waId: null, userId: 'IT.13491208655302741918', profileName: 'Marco', username: '@marco' });
  });

  it('when `from` and `wa_id` are empty strings next to a BSUID, then waId is null', () => {
    const phone = new SimulatedCustomer({ waId: '', userId: 'US.1', name: 'Ann', clock: fixedClock });
    const [item] = splitWebhook(envelope('111', [phone.text('hi')])).messages;
    expect(item).toMatchObject({ waId: null, userId: 'US.1', profileName: 'Ann' });
  });

  it('when the change field is not one the bridge handles, then it is invalid with a clear reason', () => {
    const result = splitWebhook(templateEnvelope('account_update', { event: 'VERIFIED_ACCOUNT' }));
    expect(result.invalid).toEqual([
      { path: 'entry[0].changes[0]', reason: expect.stringContaining('"account_update" is not handled'), raw: expect.anything() },
    ]);
  });

  it('when the message type is new to the bridge, then it is kept as a generic message', () => {
    const phone = giulia();
    const raw = phone.custom('poll_vote', { poll_vote: { option: 'A' } }, { extra: { brand_new_field: true } });
    const result = splitWebhook(envelope('111', [raw]));
    expect(result.invalid).toEqual([]);
    expect(result.messages[0].type).toBe('poll_vote');
    expect(result.messages[0].message).toEqual(raw);
    expect(isKnownMessage(result.messages[0].message)).toBe(false);
  });

  it('when known messages carry unknown extra fields, then the fields pass through', () => {
    const raw = giulia().text('hi', { extra: { future: { nested: 1 } } });
    (raw.text as Record<string, unknown>).also_new = 'x';
    const [item] = splitWebhook(envelope('111', [raw])).messages;
    expect(item.message).toMatchObject({ future: { nested: 1 }, text: { body: 'hi', also_new: 'x' } });
  });

  it.each([
    ['null', null, 'should be a JSON object'],
    ['an array', [], 'should be a JSON object'],
    ['a string', 'hello', 'should be a JSON object'],
    ['another Meta product', { object: 'page', entry: [] }, '"page", not "whatsapp_business_account"'],
    ['no entry list', { object: 'whatsapp_business_account', entry: {} }, '"entry" should be a list'],
  ])('when the body is %s, then it is invalid as a whole and nothing throws', (_case, body, reason) => {
    const result = splitWebhook(body);
    expect(result.messages).toEqual([]);
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0].reason).toContain(reason);
  });

  it('when the value carries errors[], then they are reported apart', () => {
    const result = splitWebhook(envelope('111', [], { errors: [{ code: 131000, title: 'Something went wrong' }] }));
    expect(result.errors).toEqual([
      expect.objectContaining({ phoneNumberId: '111', error: expect.objectContaining({ code: 131000 }) }),
    ]);
  });

  it('when template category and quality updates arrive, then they are template events', () => {
    const result = splitWebhook(
      batch([
        templateEnvelope('template_category_update', { message_template_id: 9, previous_category: 'UTILITY', new_category: 'MARKETING' }),
        templateEnvelope('message_template_quality_update', { message_template_id: '9', new_quality_score: 'RED' }),
        templateEnvelope('message_template_status_update', { message_template_name: 'no_id_no_event' }),
      ]),
    );
    expect(result.templateEvents.map((e) => e.field)).toEqual(['template_category_update', 'message_template_quality_update']);
    expect(result.invalid).toEqual([
      { path: 'entry[2].changes[0]', reason: 'value.event is missing; value.message_template_id is missing', raw: expect.anything() },
    ]);
  });
});
