/**
 * Template ids in the simulated WABA stay unique across `npm start` runs: after a snapshot is
 * restored, a template created in the new run gets an id after the highest restored one, never
 * the id of a template that already exists.
 */
import { z } from 'zod';
import { AdjustableClock } from '../../../bridge-server/lib/clock';
import { createWhatsAppSandbox, SandboxTemplates } from '../../../bridge-server/sandbox/whatsapp';
import { restoreWhatsApp, snapshotWhatsApp, whatsappSnapshotSchema } from '../../../bridge-server/sandbox/whatsapp/snapshot';

const roundTrip = <T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T => schema.parse(JSON.parse(JSON.stringify(value)));
const body = (text: string) => [{ type: 'BODY' as const, text }];

describe('simulated template ids', () => {
  it('when templates created in an earlier run are restored, then a template created now gets a new id and replaces none', () => {
    const clock = new AdjustableClock();
    const first = createWhatsAppSandbox({ clock });
    const created = ['notice_a', 'notice_b', 'notice_c'].map((name) => first.templates.upsert({ name, language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: body(name) }));
    const highest = Math.max(...first.templates.list().map((t) => Number(t.id)));

    const second = createWhatsAppSandbox({ clock });
    restoreWhatsApp(second, roundTrip(whatsappSnapshotSchema, snapshotWhatsApp(first)));
    const fresh = second.templates.upsert({ name: 'notice_d', language: 'en_US', status: 'APPROVED', category: 'UTILITY', components: body('Avviso 📣') });

    expect(Number(fresh.id)).toBe(highest + 1);
    const ids = second.templates.list().map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(first.templates.list().length + 1);
    for (const t of created) expect(second.templates.find(t.name, t.language)?.id).toBe(t.id);
    first.outbox.close();
    second.outbox.close();
  });

  it('when a template is added with an explicit id, then the next new one comes after it', () => {
    const templates = new SandboxTemplates('waba', () => 0, []);
    templates.upsert({ id: '900000000000500', name: 'imported', language: 'it', status: 'APPROVED', category: 'UTILITY', components: body('Ciao') });
    expect(templates.upsert({ name: 'next', language: 'it', status: 'APPROVED', category: 'UTILITY', components: body('Dopo') }).id).toBe('900000000000501');
    expect(templates.nextTemplateId).toBe('900000000000502');
  });
});
