/**
 * Every message type of the Cloud API reference, sent through a signed webhook, as an agent
 * reads it on the ticket: text and files (with the very bytes attached), locations, shared
 * contacts, button and list replies, reactions, orders, ads, replies, deletions and notices.
 */
import { SimulatedCustomer, envelope, newWamid, type PhoneMessage } from '../../bridge-server/sandbox/whatsapp/phone';
import { startTestStack, waitFor, type TestStack } from '../helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.close();
});

/** A new customer per test, so the tests share one stack but never a ticket. */
let nextNumber = 0;
function newCustomer(name = 'Giulia Rossi'): SimulatedCustomer {
  nextNumber += 1;
  return new SimulatedCustomer({ waId: `39333${String(1000000 + nextNumber)}`, name });
}

function externalIdOf(customer: SimulatedCustomer): string {
  return `whatsapp:wa:${customer.waId}`;
}

async function send(...messages: PhoneMessage[]): Promise<void> {
  const res = await stack.send(envelope(stack.whatsapp.settings.phoneNumberId, messages));
  expect(res.status).toBe(200);
}

/** Sends the messages and returns the comment they become (the customer's `n`-th). */
async function commentFor(customer: SimulatedCustomer, messages: PhoneMessage[], n = 1) {
  await send(...messages);
  const { comments, user, tickets } = await stack.waitForComments(externalIdOf(customer), n);
  return { comment: comments[n - 1], user, tickets };
}

describe('a customer sends files', () => {
  // Small but real bytes: what the customer sent must be what the agent opens.
  const bytes = (label: string) => Buffer.from(`${label}:${'\u00ff\u0000\u0010'.repeat(20)}:${label}`, 'latin1');

  it.each([
    { kind: 'image', mime: 'image/jpeg', build: (c: SimulatedCustomer, id: string) => c.image(id, { caption: 'lo scontrino 🧾' }), file: (id: string) => `image-${id}.jpg`, line: 'Image', caption: 'lo scontrino 🧾' },
    { kind: 'video', mime: 'video/mp4', build: (c: SimulatedCustomer, id: string) => c.video(id, { caption: 'il rumore che fa' }), file: (id: string) => `video-${id}.mp4`, line: 'Video', caption: 'il rumore che fa' },
    { kind: 'audio', mime: 'audio/mpeg', build: (c: SimulatedCustomer, id: string) => c.audio(id), file: (id: string) => `audio-${id}.mp3`, line: 'Audio', caption: null },
    { kind: 'voice note', mime: 'audio/ogg', build: (c: SimulatedCustomer, id: string) => c.voice(id), file: (id: string) => `voice-message-${id}.ogg`, line: 'Voice message', caption: null },
    { kind: 'document', mime: 'application/pdf', build: (c: SimulatedCustomer, id: string) => c.document(id, { filename: 'Fattura 2026-03.pdf', caption: 'la fattura' }), file: () => 'Fattura 2026-03.pdf', line: 'Document', caption: 'la fattura' },
    { kind: 'sticker', mime: 'image/webp', build: (c: SimulatedCustomer, id: string) => c.sticker(id), file: (id: string) => `sticker-${id}.webp`, line: 'Sticker', caption: null },
  ])('when the customer sends a $kind, then the comment names it and Zendesk holds the same bytes', async ({ kind, mime, build, file, line, caption }) => {
    const customer = newCustomer();
    const data = bytes(kind);
    const mediaId = stack.whatsapp.addMedia(data, mime);

    const { comment } = await commentFor(customer, [build(customer, mediaId)]);

    const [attachment] = stack.attachmentsOf(comment);
    expect(stack.attachmentsOf(comment)).toHaveLength(1);
    expect(attachment.file_name).toBe(file(mediaId));
    expect(attachment.content_type).toBe(mime);
    expect(attachment.data.equals(data)).toBe(true);
    expect(comment.plain_body).toContain(`${line}: ${file(mediaId)} (attached,`);
    if (caption) expect(comment.plain_body).toContain(caption);
  });

  it('when WhatsApp fails to serve the file for a moment, then the download is retried and the file attached once', async () => {
    const customer = newCustomer();
    const data = bytes('retried');
    const mediaId = stack.whatsapp.addMedia(data, 'image/png');
    stack.whatsapp.faults.add({ path: /\/media-download\//, status: 503, times: 1 });
    const { comment } = await commentFor(customer, [customer.image({ id: mediaId, mimeType: 'image/png' }), customer.text('eccola')]);
    expect(stack.attachmentsOf(comment).map((a) => a.data.equals(data))).toEqual([true]);
    expect(comment.plain_body).toContain(`Image: image-${mediaId}.png (attached,`);
    expect(comment.plain_body).toContain('eccola');
    expect(stack.commentsOfUser(stack.userByExternalId(externalIdOf(customer))!)).toHaveLength(1);
  });

  it('when WhatsApp does not know the media id, then the comment says so in plain words and the message is not lost', async () => {
    const customer = newCustomer();
    const unknownId = '1999999999999999';
    const { comment } = await commentFor(customer, [customer.image(unknownId, { caption: 'la foto del pacco' }), customer.text('avete visto la foto?')]);

    expect(stack.attachmentsOf(comment)).toHaveLength(0);
    expect(comment.plain_body).toContain(`Image: image-${unknownId}.jpg (not attached)`);
    expect(comment.plain_body).toContain('la foto del pacco');
    expect(comment.plain_body).toContain('Could not download the image: WhatsApp does not know this file. Ask the customer to send it again.');
    expect(comment.plain_body).toContain('avete visto la foto?');
    // The comment is in Zendesk a moment before the bridge records the write: wait for that.
    const states = await waitFor(async () => {
      const rows = await stack.inboundMessages();
      return rows.every((m) => m.state === 'delivered' || m.state === 'failed') && rows;
    }, { what: 'the messages recorded as written' });
    expect(states.filter((m) => m.state !== 'delivered')).toEqual([]);
  });
});

describe('a customer sends something other than text or a file', () => {
  it('when the customer shares a location, then the comment has its name, address and a map link', async () => {
    const customer = newCustomer();
    const { comment } = await commentFor(customer, [customer.location({ latitude: 41.8902, longitude: 12.4922, name: 'Colosseo', address: 'Piazza del Colosseo, Roma' })]);
    expect(comment.plain_body).toContain('📍 Location: Colosseo');
    expect(comment.plain_body).toContain('Piazza del Colosseo, Roma');
    expect(comment.plain_body).toContain('Map: https://www.google.com/maps?q=41.8902,12.4922');
    expect(comment.html_body).toContain('<a href="https://www.google.com/maps?q=41.8902,12.4922"');
  });

  it('when the customer shares a contact card, then the comment lists its name, phone, email and company', async () => {
    const customer = newCustomer();
    const { comment } = await commentFor(customer, [
      customer.contacts([
        {
          name: { formatted_name: 'Mario Bianchi', first_name: 'Mario', last_name: 'Bianchi' },
          phones: [{ phone: '+39 333 000 1111', wa_id: '393330001111', type: 'CELL' }],
          emails: [{ email: 'mario@example.com', type: 'WORK' }],
          org: { company: 'Bianchi SRL' },
        },
      ]),
    ]);
    expect(comment.plain_body).toContain('👤 Shared contact: Mario Bianchi');
    expect(comment.plain_body).toContain('Phone: +39 333 000 1111 (CELL)');
    expect(comment.plain_body).toContain('Email: mario@example.com (WORK)');
    expect(comment.plain_body).toContain('Organisation: Bianchi SRL');
  });

  it('when the customer taps a reply button, picks from a list or taps a template quick reply, then the comment says what they chose', async () => {
    const customer = newCustomer();
    const { comment } = await commentFor(customer, [
      customer.buttonReply('confirm-yes', 'Sì, confermo'),
      customer.listReply('slot-2', 'Domani mattina', '9:00–12:00'),
      customer.templateButton('Stop promozioni', 'STOP_PROMOTIONS', newWamid('template')),
    ]);
    expect(comment.plain_body).toContain('🔘 Tapped the button “Sì, confermo”');
    expect(comment.plain_body).toContain('☰ Chose from the list: “Domani mattina”');
    expect(comment.plain_body).toContain('9:00–12:00');
    expect(comment.plain_body).toContain('🔘 Tapped the button “Stop promozioni”');
    // A tap always answers the business's own prompt: no bare message id as noise.
    expect(comment.plain_body).not.toContain('Replying to an earlier message');
  });

  it('when the customer reacts to a message and then removes the reaction, then the comments quote the message reacted to', async () => {
    const customer = newCustomer();
    const original = customer.text('Il pacco è arrivato rotto');
    await commentFor(customer, [original]);

    const { comment: added } = await commentFor(customer, [customer.reaction(original.id, '😡')], 2);
    expect(added.plain_body).toContain('Reacted 😡 to: “Il pacco è arrivato rotto”');

    const { comment: removed } = await commentFor(customer, [customer.removeReaction(original.id)], 3);
    expect(removed.plain_body).toContain('Removed their reaction to: “Il pacco è arrivato rotto”');
  });

  it('when the customer sends an order from the catalog, then the comment lists the items and the total', async () => {
    const customer = newCustomer();
    const { comment } = await commentFor(customer, [
      customer.order({
        catalogId: 'CAT-42',
        text: 'Per sabato, grazie',
        items: [
          { productRetailerId: 'SKU-PIZZA', quantity: 2, itemPrice: 8.5, currency: 'EUR' },
          { productRetailerId: 'SKU-BIBITA', quantity: 1, itemPrice: 3, currency: 'EUR' },
        ],
      }),
    ]);
    expect(comment.plain_body).toContain('🛒 Order (catalog CAT-42)');
    expect(comment.plain_body).toContain('Per sabato, grazie');
    expect(comment.plain_body).toContain('2 × SKU-PIZZA, €8.50 each');
    expect(comment.plain_body).toContain('1 × SKU-BIBITA, €3.00 each');
    expect(comment.plain_body).toContain('Total: €20.00');
  });

  it('when the customer comes from a click-to-WhatsApp ad, then the comment names the ad', async () => {
    const customer = newCustomer();
    const { comment } = await commentFor(customer, [
      customer.text('Vorrei info sulla promo', {
        referral: { source_url: 'https://fb.me/promo-primavera', source_id: '120210000', source_type: 'ad', headline: 'Primavera -20%', body: 'Solo questa settimana', media_type: 'image' },
      }),
    ]);
    expect(comment.plain_body).toContain('📣 Came from an ad: “Primavera -20%”');
    expect(comment.plain_body).toContain('Solo questa settimana');
    expect(comment.plain_body).toContain('https://fb.me/promo-primavera');
    expect(comment.plain_body).toContain('Vorrei info sulla promo');
  });

  it('when the customer replies to an earlier message or forwards one, then the comment quotes it or says it was forwarded', async () => {
    const customer = newCustomer();
    const original = customer.text('Ordine #5521');
    await commentFor(customer, [original]);
    const { comment } = await commentFor(customer, [customer.text('Questo qui', { replyTo: original.id, replyToFrom: customer.waId! }), customer.text('Guarda cosa mi è arrivato', { forwarded: true })], 2);
    expect(comment.plain_body).toContain('↩ Replying to: “Ordine #5521”');
    expect(comment.plain_body).toContain('Questo qui');
    expect(comment.plain_body).toContain('↪ Forwarded');
    expect(comment.plain_body).toContain('Guarda cosa mi è arrivato');
  });

  it('when the customer sends a type the API does not deliver, then the comment says what to ask them', async () => {
    const customer = newCustomer();
    const { comment } = await commentFor(customer, [customer.unsupported({ kind: 'poll' })]);
    expect(comment.plain_body).toContain('The customer sent a message type that WhatsApp does not deliver to the API (poll)');
    expect(comment.plain_body).toContain('WhatsApp says: Message type is currently not supported. (131051)');
  });

  it('when the customer deletes a message, then the comment quotes what was deleted', async () => {
    const customer = newCustomer();
    const original = customer.text('Il mio IBAN è IT60X0542811101000000123456');
    await commentFor(customer, [original]);
    const { comment } = await commentFor(customer, [customer.revoke(original.id)], 2);
    expect(comment.plain_body).toContain('🗑 The customer deleted a message: “Il mio IBAN è IT60X0542811101000000123456”');
  });

  it('when WhatsApp says the customer changed number, then the comment gives the new number', async () => {
    const customer = newCustomer();
    const externalId = externalIdOf(customer);
    await commentFor(customer, [customer.text('Ciao')]);
    await send(customer.changedNumber('393339998877'));
    const { comments } = await stack.waitForComments(externalId, 2);
    const comment = comments[1];
    expect(comment.plain_body).toContain('📱 The customer changed their number to +393339998877.');
  });

  it('when a message type is new to the bridge, then the agent still sees that something arrived', async () => {
    const customer = newCustomer();
    const { comment } = await commentFor(customer, [customer.custom('poll_vote', { poll_vote: { option: 'A' } })]);
    expect(comment.plain_body).toContain('Unsupported message type: poll_vote');
  });
});

describe('customers write in any script', () => {
  it.each([
    { script: 'Arabic (right to left)', name: 'محمد العلي', text: 'مرحبا، أين طلبي رقم ٤٥؟ 📦', rtl: true },
    { script: 'Hebrew (right to left)', name: 'דנה כהן', text: 'שלום, ההזמנה שלי לא הגיעה 🙏', rtl: true },
    { script: 'Chinese', name: '王小明', text: '你好！我的订单还没到 😢', rtl: false },
    { script: 'Japanese and emoji sequences', name: '佐藤 花子 🌸', text: 'こんにちは 👩‍👩‍👧‍👦 👍🏽 🇮🇹', rtl: false },
    { script: 'decomposed accents (never normalised)', name: 'Jose\u0301 Nu\u0303ez', text: 'cafe\u0301 con leche', rtl: false },
  ])('when the customer writes in $script, then the name and the text reach Zendesk unchanged', async ({ name, text, rtl }) => {
    const customer = newCustomer(name);
    const { comment, user, tickets } = await commentFor(customer, [customer.text(text)]);
    expect(user.name).toBe(name);
    expect(comment.plain_body).toContain(text);
    expect(tickets[0].subject).toBe(text);
    if (rtl) expect(comment.html_body).toMatch(/<bdi dir="auto">[^<]+<\/bdi>/);
  });

  it('when the customer types HTML, then the agent reads it as text and nothing is injected', async () => {
    const customer = newCustomer('<b>Eve</b>');
    const { comment, user } = await commentFor(customer, [customer.text('<script>alert(1)</script> & <img src=x onerror=alert(2)>')]);
    expect(user.name).toBe('<b>Eve</b>');
    expect(comment.plain_body).toContain('<script>alert(1)</script> & <img src=x onerror=alert(2)>');
    expect(comment.html_body).not.toContain('<script>');
    expect(comment.html_body).toContain('&lt;script&gt;');
  });
});
