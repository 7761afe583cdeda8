/**
 * Snapshots of the simulators round-trip exactly, files are written atomically, a bad file is
 * moved aside, and the console's sample files are real PNG / PDF files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { AdjustableClock } from '../../../bridge-server/lib/clock';
import { readSnapshot, writeJsonAtomic } from '../../../bridge-server/sandbox/persistence';
import { createWhatsAppSandbox } from '../../../bridge-server/sandbox/whatsapp';
import { restoreWhatsApp, snapshotWhatsApp, whatsappSnapshotSchema } from '../../../bridge-server/sandbox/whatsapp/snapshot';
import { createZendeskSandbox } from '../../../bridge-server/sandbox/zendesk';
import { restoreState, snapshotState, zendeskSnapshotSchema } from '../../../bridge-server/sandbox/zendesk/snapshot';
import { sampleDocument, samplePicture } from '../../../bridge-server/sandbox/console/sample-files';
import { renderTemplate } from '../../../bridge-server/sandbox/console/render-template';
import { readPngSize } from '../../../scripts/png';

const roundTrip = <T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T => schema.parse(JSON.parse(JSON.stringify(value)));

describe('sandbox snapshots', () => {
  it('when the Zendesk account is saved and restored into a new sandbox, then users, tickets, comments, attachments and ids are the same', () => {
    const a = createZendeskSandbox();
    const agent = a.createAgent('Chen Wei 陈伟', 'chen@example.com');
    // A requester's ticket as the bridge leaves it; the agent then replies with a file and writes a note.
    const { state } = a;
    state.tickets.set(1, { id: 1, subject: 'مرحبا', description: 'x', status: 'open', requester_id: agent.id, submitter_id: agent.id, assignee_id: null, tags: ['whatsapp'], external_id: null, custom_fields: [], via: { channel: 'api', source: { from: {}, to: {}, rel: null } }, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', solved_at: null, followup_ids: [], comment_count: 0 });
    state.sequences.ticket = 1;
    a.addAgentComment(1, { body: 'Ciao 👋 مرحبا', attachments: [{ fileName: 'ricevuta.pdf', contentType: 'application/pdf', data: sampleDocument(['x']) }] });
    a.addAgentComment(1, { body: 'nota', public: false });

    const b = createZendeskSandbox();
    restoreState(b.state, roundTrip(zendeskSnapshotSchema, snapshotState(a.state)));
    expect([...b.state.users.values()]).toEqual([...a.state.users.values()]);
    expect(b.comments(1)).toEqual(a.comments(1));
    expect(b.audits(1)).toEqual(a.audits(1));
    const [attachmentId] = b.comments(1)[0].attachment_ids;
    expect(b.state.attachments.get(attachmentId)?.data.equals(a.state.attachments.get(attachmentId)!.data)).toBe(true);
    expect(b.state.sequences).toEqual(a.state.sequences);
    // The next comment gets a new id, never one of the restored ones.
    const next = b.addAgentComment(1, { body: 'dopo' });
    expect(a.comments(1).map((c) => c.id)).not.toContain(next.id);
  });

  it('when the WhatsApp number is saved and restored, then customers, their messages, what was sent, media and templates are the same', () => {
    const clock = new AdjustableClock();
    const a = createWhatsAppSandbox({ clock });
    a.state.customers.set('393331234567', { waId: '393331234567', name: 'Giulia', createdAt: 1 });
    const mediaId = a.addMedia(samplePicture(), 'image/png', { fileName: 'photo.png' });
    a.state.customerMessages.push({ wamid: 'wamid.1', waId: '393331234567', type: 'image', at: 2, mediaId, delivery: 'delivered' });
    a.outbox.lastInbound.set('393331234567', 2000);
    a.outbox.autoStatuses = false;
    a.outbox.record({ phoneNumberId: a.settings.phoneNumberId, recipient: '393331234567', type: 'text', body: { text: { body: '你好' } } });
    a.templates.setStatus('order_update', 'en_US', 'PAUSED');

    const b = createWhatsAppSandbox({ clock });
    restoreWhatsApp(b, roundTrip(whatsappSnapshotSchema, snapshotWhatsApp(a)));
    expect(b.state.customers.get('393331234567')).toEqual({ waId: '393331234567', name: 'Giulia', createdAt: 1 });
    expect(b.state.customerMessages).toEqual(a.state.customerMessages);
    expect(b.state.media.get(mediaId)?.bytes.equals(a.state.media.get(mediaId)!.bytes)).toBe(true);
    expect(b.outbox.sent).toEqual(a.outbox.sent);
    expect(b.outbox.lastInbound.get('393331234567')).toBe(2000);
    expect(b.templates.find('order_update', 'en_US')?.status).toBe('PAUSED');
    expect(b.templates.list().map((t) => t.id)).toEqual(a.templates.list().map((t) => t.id));
    a.outbox.close();
    b.outbox.close();
  });
});

describe('snapshot files', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-zd-snap-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const schema = z.object({ n: z.number() });

  it('when a snapshot is written, then only the final file exists and it reads back', () => {
    const file = path.join(dir, 'nested', 'x.json');
    writeJsonAtomic(file, { n: 1 });
    writeJsonAtomic(file, { n: 2 });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['x.json']);
    expect(readSnapshot(file, schema)).toEqual({ status: 'loaded', data: { n: 2 } });
    expect(readSnapshot(path.join(dir, 'missing.json'), schema)).toEqual({ status: 'missing' });
  });

  it('when a snapshot has the wrong shape, then it is moved aside and the log names the field', () => {
    const file = path.join(dir, 'x.json');
    fs.writeFileSync(file, JSON.stringify({ n: 'one' }));
    const error = jest.fn();
    const outcome = readSnapshot(file, schema, { info: jest.fn(), warn: jest.fn(), error });
    expect(outcome.status).toBe('corrupt');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync((outcome as { movedTo: string }).movedTo)).toBe(true);
    expect(String(error.mock.calls[0][1])).toMatch(/x\.json was not loaded because it does not have the expected shape \(n: Expected number/);
  });
});

describe('the adjustable clock', () => {
  it('when it starts from a saved offset and moves, then listeners hear the new offset', () => {
    const clock = new AdjustableClock(3_600_000);
    expect(clock.now() - Date.now()).toBeGreaterThanOrEqual(3_599_000);
    const heard: number[] = [];
    const stop = clock.onChange((o) => heard.push(o));
    clock.advance(1000);
    stop();
    clock.advance(1000);
    expect(heard).toEqual([3_601_000]);
    expect(clock.offset).toBe(3_602_000);
  });
});

describe('the console’s sample files and templates', () => {
  it('draws a real PNG and writes a PDF whose cross-reference offsets point at its objects', () => {
    expect(readPngSize(samplePicture(3))).toEqual({ width: 96, height: 96 });
    const pdf = sampleDocument(['Ricevuta', 'Grazie 🙏']).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    const xrefAt = Number(/startxref\n(\d+)/.exec(pdf)![1]);
    expect(pdf.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...pdf.slice(xrefAt).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((offset, i) => expect(pdf.slice(offset, offset + 8)).toBe(`${i + 1} 0 obj\n`.slice(0, 8)));
  });

  it('renders a template as the customer sees it, positional and named', () => {
    const wa = createWhatsAppSandbox();
    const positional = renderTemplate(wa.templates, {
      name: 'order_update',
      language: { code: 'it' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: '#77' }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Giulia' }, { type: 'text', text: '#77' }, { type: 'text', text: 'domani' }] },
      ],
    });
    expect(positional.header?.text).toBe('Ordine #77');
    expect(positional.body).toBe('Ciao Giulia, il tuo ordine #77 è stato spedito e dovrebbe arrivare il domani.');
    expect(positional.buttons).toEqual(['Traccia ordine', 'Parla con un operatore']);
    const named = renderTemplate(wa.templates, { name: 'spring_sale', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'discount', text: '30%' }, { type: 'text', parameter_name: 'first_name', text: 'Ana' }] }] });
    expect(named.body).toBe('Ana, enjoy 30% off everything until Sunday! 🌷');
    wa.outbox.close();
  });
});
