import { BRIDGE_LOCALES } from '../../../bridge-server/i18n';
import { newWamid, SimulatedCustomer, type PhoneMessage } from '../../../bridge-server/sandbox/whatsapp/phone';
import {
  mediaOf,
  renderComment,
  subjectFor,
  type MediaOutcome,
  type RenderableMessage,
} from '../../../bridge-server/sync/render-comment';
import { whatsAppMessageSchema } from '../../../bridge-server/whatsapp/webhook-payload';
import { businessMessageId, everyMessageType, fixedClock, giulia } from '../../fixtures/whatsapp-messages';

/** A phone message as the pipeline hands it over: parsed, with its numeric timestamp. */
function renderable(raw: PhoneMessage, extra: Partial<RenderableMessage> = {}): RenderableMessage {
  const message = whatsAppMessageSchema.parse(raw);
  return { messageId: message.id, timestamp: Number(message.timestamp), type: message.type, message, ...extra };
}

function render(raws: PhoneMessage[], opts: { media?: MediaOutcome[]; quoted?: Record<string, string>; locale?: 'en' | 'it' } = {}) {
  return renderComment(
    raws.map((r) => renderable(r)),
    new Map((opts.media ?? []).map((m) => [m.messageId, m])),
    { locale: opts.locale ?? 'en', quoted: new Map(Object.entries(opts.quoted ?? {})) },
  );
}

/** Both bodies contain each expected text (HTML after unescaping the few escaped characters). */
function expectBoth(result: { htmlBody: string; plainBody: string }, ...texts: string[]) {
  const htmlText = result.htmlBody
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  for (const text of texts) {
    expect(result.plainBody).toContain(text);
    expect(htmlText).toContain(text);
  }
}

describe('renderComment', () => {
  const m = everyMessageType();

  describe('when each type of message arrives, then the agent reads its key facts', () => {
    it('text', () => expectBoth(render([m.text]), '14:05', 'ciao 👋'));

    it('image attached, with its caption', () => {
      const result = render([m.image], { media: [{ messageId: m.image.id, status: 'attached', fileName: 'image-1.jpg', size: 250_000 }] });
      expectBoth(result, 'Image: image-1.jpg (attached, 244 KB)', 'lo scontrino');
    });

    it('video, audio, voice note, document, sticker', () => {
      expectBoth(render([m.video]), 'Video: video-1100000000000002.mp4', 'the noise it makes');
      expectBoth(render([m.audio]), 'Audio: audio-1100000000000003.mp3');
      expectBoth(render([m.voice]), 'Voice message: voice-message-1100000000000004.ogg');
      expectBoth(render([m.document]), 'Document: fattura-2026.pdf', 'invoice');
      expectBoth(render([m.sticker]), 'Animated sticker');
    });

    it('location with coordinates, name, address and a map link', () => {
      const result = render([m.location]);
      expectBoth(result, 'Location: Duomo di Milano', 'Piazza del Duomo, Milano', '45.4642, 9.19');
      expect(result.htmlBody).toContain('<a href="https://www.google.com/maps?q=45.4642,9.19"');
      expect(result.plainBody).toContain('https://www.google.com/maps?q=45.4642,9.19');
    });

    it('shared contacts', () => {
      expectBoth(render([m.contacts]), 'Shared contact: Luca Bianchi', '+39 333 765 4321 (CELL)', 'luca@example.com', 'Bianchi Srl · CEO');
    });

    it('interactive button and list replies', () => {
      expectBoth(render([m.buttonReply]), 'Tapped the button “Yes, confirm”');
      expectBoth(render([m.listReply]), 'Chose from the list: “Tomorrow 10:00”', 'Via Roma 1 store');
    });

    it('flow (nfm_reply) answers as key: value lines, without the flow token', () => {
      const result = render([m.flowReply]);
      expectBoth(result, 'Filled in the form “Order form”', 'size: M', 'colour: blue', 'quantity: 2');
      expect(result.plainBody).not.toContain('flow_token');
    });

    it('template quick-reply button, with the template quoted when known', () => {
      expectBoth(render([m.button], { quoted: { [businessMessageId]: 'Want our offers?' } }), 'Replying to: “Want our offers?”', 'Tapped the button “Stop promotions”');
    });

    it('reaction added and removed, to a quoted message or by id', () => {
      expectBoth(render([m.reaction], { quoted: { [businessMessageId]: 'Your order shipped' } }), 'Reacted 👍 to: “Your order shipped”');
      expectBoth(render([m.reaction]), `Reacted 👍 to message ${businessMessageId}`);
      expectBoth(render([m.reactionRemoved]), `Removed their reaction to message ${businessMessageId}`);
    });

    it('order with items, prices and total', () => {
      expectBoth(render([m.order]), 'Order (catalog catalog-77)', 'please gift-wrap', '2 × SKU-RED-M, €12.50 each', '1 × SKU-HAT, €9.99 each', 'Total: €34.99');
    });

    it('a reply to an earlier message, forwarded marks, and an ad referral', () => {
      const phone = giulia();
      const replied = newWamid();
      expectBoth(render([phone.text('yes that one', { replyTo: replied })], { quoted: { [replied]: 'Blue or red?' } }), '↩ Replying to: “Blue or red?”', 'yes that one');
      expectBoth(render([phone.text('x', { replyTo: replied })]), `Replying to an earlier message (${replied})`);
      expectBoth(render([phone.text('fwd', { forwarded: true })]), '14:05 · ↪ Forwarded');
      expectBoth(render([phone.text('fwd', { frequentlyForwarded: true })]), '↪ Forwarded many times');
      const ad = phone.text('Is this available?', {
        referral: { source_url: 'https://fb.me/abc', source_type: 'ad', source_id: '1', headline: 'Spring sale', body: 'Up to 50% off', media_type: 'image' },
      });
      const result = render([ad]);
      expectBoth(result, 'Came from an ad: “Spring sale”', 'Up to 50% off', 'https://fb.me/abc');
      expect(result.htmlBody).toContain('<a href="https://fb.me/abc"');
    });

    it('a product enquiry', () => {
      const raw = giulia().text('price?', { referredProduct: { catalogId: 'cat-1', productRetailerId: 'SKU-9' } });
      expectBoth(render([raw]), 'Asking about product SKU-9 (catalog cat-1)');
    });

    it('the customer changed number', () => {
      expectBoth(render([m.system]), 'The customer changed their number to +393339999999.');
    });

    it('unsupported and unknown types, in plain words', () => {
      const poll = render([m.unsupported]);
      expectBoth(poll, 'does not deliver to the API (poll)', 'Message type is currently not supported. (131051)');
      expectBoth(render([m.unknown]), 'for example a poll or an edited message');
      expectBoth(render([giulia().unsupported({ code: 131052 })]), 'larger than WhatsApp allows through the API (100 MB)');
    });

    it('a deleted message', () => {
      const original = newWamid();
      expectBoth(render([giulia().revoke(original)]), 'The customer deleted a message.');
      expectBoth(render([giulia().revoke(original)], { quoted: { [original]: 'my address is…' } }), 'deleted a message: “my address is…”');
    });

    it('a type the bridge does not know', () => {
      expectBoth(render([giulia().custom('poll_vote', { poll_vote: {} })]), 'Unsupported message type: poll_vote');
    });
  });

  describe('when media could not be attached, then a clear line says why and what to do', () => {
    const base = { messageId: m.image.id, status: 'failed' as const };
    it.each([
      ['download-failed', 'Could not download the image from WhatsApp. Ask the customer to send it again.'],
      ['expired', 'WhatsApp no longer keeps the file'],
      ['not-found', 'WhatsApp does not know this file'],
      ['too-large', 'larger than the 50 MB limit'],
    ] as const)('%s', (reason, line) => {
      const result = render([m.image], { media: [{ ...base, reason, detail: 'HTTP 500 from lookaside' }] });
      expectBoth(result, '⚠ ', line, 'Image: image-1100000000000001.jpg (not attached)', 'lo scontrino', 'Details: HTTP 500 from lookaside');
    });

    it('too-large names the limit given', () => {
      const result = render([m.document], {
        media: [{ messageId: m.document.id, status: 'failed', reason: 'too-large', limitBytes: 20 * 1024 * 1024, fileName: 'big.pdf' }],
      });
      expectBoth(result, 'Document: big.pdf (not attached)', 'larger than the 20 MB limit');
    });
  });

  describe('when the customer types markup, then it stays text', () => {
    it('escapes text, captions, file names, quotes and link-like fields', () => {
      const phone = new SimulatedCustomer({ waId: '1', name: 'x', clock: fixedClock });
      const evil = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
      const quotedId = newWamid();
      const result = render(
        [
          phone.text(evil),
          phone.document('1', { filename: '<b>.pdf', caption: evil }),
          phone.location({ latitude: 1, longitude: 2, name: evil, url: 'javascript:alert(1)' }),
          phone.reaction(quotedId, '👍'),
          phone.text('ad', { referral: { source_url: 'javascript:alert(1)', headline: evil } }),
        ],
        { quoted: { [quotedId]: evil } },
      );
      expect(result.htmlBody).not.toMatch(/<script|<img|<b>|href="javascript/i);
      expect(result.htmlBody).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;');
      expect(result.plainBody).toContain(evil); // the plain body is the text as typed
      expect(result.plainBody).toContain('javascript:alert(1)');
    });

    it('keeps newlines as <br> in HTML and as newlines in plain text', () => {
      const result = render([giulia().text('line one\nline two\r\nline three')]);
      expect(result.htmlBody).toContain('line one<br>line two<br>line three');
      expect(result.plainBody).toContain('line one\nline two\r\nline three');
    });
  });

  describe('when the customer writes in any script, then it survives unchanged', () => {
    const samples = {
      emoji: '👨‍👩‍👧‍👦 🇮🇹 👍🏽 ❤️',
      chinese: '你好，我的订单还没到。',
      arabic: 'مرحبا، أين طلبي؟',
      hebrew: 'שלום',
      decomposed: 'Cafe\u0301 e\u0300', // NFD: must not be normalised to NFC
    };

    it.each(Object.entries(samples))('%s', (_name, text) => {
      const result = render([giulia().text(text)]);
      expect(result.plainBody).toContain(text);
      expect(result.htmlBody).toContain(text);
      expect(Buffer.from(result.plainBody, 'utf8').includes(Buffer.from(text, 'utf8'))).toBe(true);
    });

    it('wraps right-to-left text in <bdi> in HTML only', () => {
      const result = render([giulia().text(samples.arabic)]);
      expect(result.htmlBody).toContain(`<bdi dir="auto">${samples.arabic}</bdi>`);
      expect(result.plainBody).not.toContain('bdi');
      expect(render([giulia().text('hello')]).htmlBody).not.toContain('<bdi');
    });
  });

  describe('when several messages are coalesced into one comment', () => {
    const phone = giulia();
    const t0 = Date.UTC(2026, 2, 12, 14, 5) / 1000;
    const first = phone.text('first', { timestamp: t0 });
    const second = phone.image('1200000000000001', { timestamp: t0 + 60 });
    const third = phone.text('third', { timestamp: t0 + 125 });

    it('keeps the order given, each message with its time, one paragraph each', () => {
      const result = renderComment(
        [renderable(first), renderable(second), renderable(third)],
        new Map([[second.id, { messageId: second.id, status: 'attached', fileName: 'a.jpg', size: 10 }]]),
        { locale: 'en' },
      );
      expect(result.plainBody).toBe(
        ['14:05\nfirst', '14:06\n🖼 Image: a.jpg (attached, 10 B)', '14:07\nthird'].join('\n\n'),
      );
      expect(result.htmlBody.match(/<p>/g)).toHaveLength(3);
      expect(result.htmlBody.indexOf('first')).toBeLessThan(result.htmlBody.indexOf('a.jpg'));
      expect(result.htmlBody.indexOf('a.jpg')).toBeLessThan(result.htmlBody.indexOf('third'));
    });

    it('shows times in the time zone given', () => {
      const result = renderComment([renderable(first)], new Map(), { locale: 'en', timeZone: 'Asia/Shanghai' });
      expect(result.plainBody.startsWith('22:05\n')).toBe(true);
    });

    it('falls back to UTC for an unknown time zone instead of failing', () => {
      const result = renderComment([renderable(first)], new Map(), { locale: 'en', timeZone: 'Mars/Olympus' });
      expect(result.plainBody.startsWith('14:05\n')).toBe(true);
    });

    it('shows the date too when the batch spans days', () => {
      const nextDay = phone.text('next day', { timestamp: t0 + 24 * 3600 });
      const result = renderComment([renderable(first), renderable(nextDay)], new Map(), { locale: 'en' });
      expect(result.plainBody).toMatch(/Mar 12, 2026.*14:05/);
      expect(result.plainBody).toMatch(/Mar 13, 2026.*14:05/);
    });

    it('marks a message that arrived late', () => {
      const result = renderComment([renderable(third), renderable(first, { late: true })], new Map(), { locale: 'en' });
      expect(result.plainBody).toContain('14:05 · arrived late, after newer messages\nfirst');
      expect(result.htmlBody).toContain('<strong>14:05</strong> · arrived late');
    });
  });

  it.each(BRIDGE_LOCALES)('when the agent locale is %s, then every type renders without a missing key', (locale) => {
    const all = Object.values(everyMessageType());
    const media = new Map<string, MediaOutcome>([
      [all[1].id, { messageId: all[1].id, status: 'attached', fileName: 'a.jpg', size: 2048 }],
      [all[2].id, { messageId: all[2].id, status: 'failed', reason: 'too-large' }],
      [all[3].id, { messageId: all[3].id, status: 'failed', reason: 'download-failed', detail: 'x' }],
      [all[4].id, { messageId: all[4].id, status: 'failed', reason: 'expired' }],
      [all[5].id, { messageId: all[5].id, status: 'failed', reason: 'not-found' }],
    ]);
    const items = all.map((raw, i) => renderable(raw, { late: i === 0 }));
    const result = renderComment(items, media, { locale, quoted: new Map([[businessMessageId, 'q']]) });
    expect(result.plainBody).not.toMatch(/\{[a-zA-Z]+\}/);
    expect(result.htmlBody.match(/<p>/g)).toHaveLength(all.length);
    for (const item of items) expect(subjectFor(item, locale)).toBeTruthy();
    if (locale !== 'en') expect(result.plainBody).not.toBe(renderComment(items, media, { locale: 'en' }).plainBody);
  });
});

describe('mediaOf', () => {
  const m = everyMessageType();

  it('when a message carries a file, then it names the id, type, kind and a file name', () => {
    expect(mediaOf(whatsAppMessageSchema.parse(m.image))).toEqual({
      mediaId: '1100000000000001', mimeType: 'image/jpeg', fileName: 'image-1100000000000001.jpg', caption: 'lo scontrino', kind: 'image',
    });
    expect(mediaOf(whatsAppMessageSchema.parse(m.voice))).toMatchObject({ kind: 'voice', mimeType: 'audio/ogg; codecs=opus', fileName: 'voice-message-1100000000000004.ogg' });
    expect(mediaOf(whatsAppMessageSchema.parse(m.audio))).toMatchObject({ kind: 'audio' });
    expect(mediaOf(whatsAppMessageSchema.parse(m.document))).toMatchObject({ kind: 'document', fileName: 'fattura-2026.pdf', caption: 'invoice' });
    expect(mediaOf(whatsAppMessageSchema.parse(m.sticker))).toMatchObject({ kind: 'sticker', mimeType: 'image/webp' });
    expect(mediaOf(whatsAppMessageSchema.parse(m.video))).toMatchObject({ kind: 'video' });
  });

  it('when the customer file name has path parts, then they are neutralised (Unicode kept)', () => {
    const raw = giulia().document('7', { filename: '../../etc/passwd 发票.pdf' });
    expect(mediaOf(whatsAppMessageSchema.parse(raw))?.fileName).toBe('.._.._etc_passwd 发票.pdf');
  });

  it('when a message has no file, then null', () => {
    expect(mediaOf(whatsAppMessageSchema.parse(m.text))).toBeNull();
    expect(mediaOf(whatsAppMessageSchema.parse(m.location))).toBeNull();
  });
});

describe('subjectFor', () => {
  it('when the first message is short text, then it is the subject', () => {
    expect(subjectFor(renderable(giulia().text('  Where is\nmy order?  ')), 'en')).toBe('Where is my order?');
  });

  it('when it is long, then it is cut on a word boundary near 80 characters', () => {
    const long = 'I ordered the blue jacket two weeks ago and it still has not arrived, could you please check the tracking';
    const subject = subjectFor(renderable(giulia().text(long)), 'en');
    expect(subject).toBe('I ordered the blue jacket two weeks ago and it still has not arrived, could you…');
    expect(Array.from(subject).length).toBeLessThanOrEqual(81);
  });

  it('when it is long text without spaces (Chinese), then it is cut at 80 characters without splitting emoji', () => {
    const chinese = '我'.repeat(79) + '👨‍👩‍👧‍👦' + '好'.repeat(10);
    const subject = subjectFor(renderable(giulia().text(chinese)), 'zh-cn');
    expect(subject).toBe('我'.repeat(79) + '👨‍👩‍👧‍👦…');
  });

  it('when it has no text, then it names the type in the agent language', () => {
    const m = everyMessageType();
    expect(subjectFor(renderable(giulia().image('1')), 'en')).toBe('WhatsApp: image');
    expect(subjectFor(renderable(m.location), 'en')).toBe('WhatsApp: location');
    expect(subjectFor(renderable(m.voice), 'it')).toBe('WhatsApp: messaggio vocale');
    expect(subjectFor(renderable(giulia().custom('poll_vote')), 'en')).toBe('WhatsApp: poll_vote');
  });
});
