import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  deliver,
  envelope,
  serializeEnvelope,
  signedRequest,
  SimulatedCustomer,
} from '../../../bridge-server/sandbox/whatsapp/phone';
import { verifySignature } from '../../../bridge-server/whatsapp/signature';
import { splitWebhook } from '../../../bridge-server/whatsapp/webhook-payload';
import { fixedClock } from '../../fixtures/whatsapp-messages';

describe('simulated customer phone', () => {
  it('when a message is built, then it has Meta field names, a string timestamp and a wamid', () => {
    const phone = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia', clock: fixedClock });
    const message = phone.text('ciao 👋');
    expect(message).toEqual({
      from: '393331234567',
      id: expect.stringMatching(/^wamid\.[A-Za-z0-9+/]+=*$/),
      timestamp: String(Math.floor(fixedClock.now() / 1000)),
      type: 'text',
      text: { body: 'ciao 👋' },
    });
    expect(phone.text('again').id).not.toBe(message.id);
    // the contact is remembered for the envelope, not visible in the message JSON
    expect(JSON.stringify(message)).not.toContain('Giulia');
    expect(envelope('111', [message]).entry[0].changes[0].value.contacts).toEqual([
      { profile: { name: 'Giulia' }, wa_id: '393331234567' },
    ]);
  });

  it('when the customer changes number, then the system message has no contact and later messages come from the new number', () => {
    const phone = new SimulatedCustomer({ waId: '393331234567', name: 'Giulia', clock: fixedClock });
    const system = phone.changedNumber('393339999999');
    expect(system).toMatchObject({ type: 'system', from: '393331234567', system: { type: 'user_changed_number', wa_id: '393339999999' } });
    expect(envelope('111', [system]).entry[0].changes[0].value.contacts).toBeUndefined();
    expect(phone.text('hi').from).toBe('393339999999');
  });

  it('when serialised like Meta, then "/" and non-ASCII are escaped and the JSON is the same', () => {
    const payload = envelope('111', [new SimulatedCustomer({ waId: '1', name: 'Zoë' }).text('a/b مرحبا 👋')]);
    const bytes = serializeEnvelope(payload);
    expect(bytes.toString()).toMatch(/^[\x00-\x7f]*$/);
    expect(bytes.toString()).toContain('a\\/b \\u0645');
    expect(JSON.parse(bytes.toString())).toEqual(payload);
    expect(bytes.equals(Buffer.from(JSON.stringify(payload)))).toBe(false);
  });

  it('when delivered, then the bridge receives the exact signed bytes', async () => {
    const received: { body: Buffer; signature: string | undefined; userAgent?: string }[] = [];
    const app = express();
    app.post('/webhooks/whatsapp', express.raw({ type: 'application/json' }), (req, res) => {
      received.push({ body: req.body, signature: req.get('x-hub-signature-256'), userAgent: req.get('user-agent') });
      res.sendStatus(200);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
      const payload = envelope('111', [new SimulatedCustomer({ waId: '1', name: 'Ann' }).text('hello / 你好')]);
      const res = await deliver(url, payload, 'secret-1');
      expect(res.status).toBe(200);

      const [got] = received;
      expect(got.body.equals(signedRequest(payload, 'secret-1').body)).toBe(true);
      expect(verifySignature(got.body, got.signature, ['secret-1'])).toEqual({ ok: true });
      expect(got.userAgent).toBe('facebookexternalua');
      // Re-serialising the parsed body breaks the signature, as in production.
      const reserialised = Buffer.from(JSON.stringify(JSON.parse(got.body.toString())));
      expect(verifySignature(reserialised, got.signature, ['secret-1']).ok).toBe(false);
      expect(splitWebhook(JSON.parse(got.body.toString())).messages[0].message).toMatchObject({ text: { body: 'hello / 你好' } });

      await deliver(url, payload, 'secret-1', { signature: null });
      expect(received[1].signature).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('when a customer has neither a wa_id nor a BSUID, then building it fails with a clear message', () => {
    expect(() => new SimulatedCustomer({ name: 'nobody' })).toThrow(/needs a waId, a userId/);
  });
});
