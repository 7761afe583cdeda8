import { splitText } from '../../../bridge-server/sync/outbound-split';
import { nextState } from '../../../bridge-server/sync/outbound-statuses';
import { mediaKindOf } from '../../../bridge-server/sync/outbound-deps';
import { graphErrorAction } from '../../../bridge-server/whatsapp/error-codes';

describe('outbound rules', () => {
  it('when a text is longer than the limit, then it is cut at sentence ends and nothing is lost', () => {
    const text = 'Uno due tre. '.repeat(50).trim();
    const parts = splitText(text, 100);
    for (const p of parts) expect([...p].length).toBeLessThanOrEqual(100);
    for (const p of parts) expect(p.endsWith('.')).toBe(true);
    expect(parts.join(' ')).toBe(text);
  });

  it('when a text has no boundary, then it is cut hard, never inside an emoji', () => {
    const parts = splitText('😀'.repeat(250), 100);
    expect(parts.map((p) => [...p].length)).toEqual([100, 100, 50]);
    expect(parts.join('')).toBe('😀'.repeat(250));
  });

  it.each([
    ['accepted', 'delivered', 'delivered'],
    ['delivered', 'sent', 'delivered'],
    ['read', 'delivered', 'read'],
    ['read', 'failed', 'read'],
    ['sent', 'failed', 'failed'],
    ['failed', 'read', 'failed'],
    ['delivered', 'delivered', 'delivered'],
  ])('when a message is %s and %s arrives, then it is %s', (from, status, to) => {
    expect(nextState(from, status)).toBe(to);
  });

  it('when an attachment is sent, then its WhatsApp type follows its type and size', () => {
    expect(mediaKindOf('image/jpeg', 1000)).toBe('image');
    expect(mediaKindOf('image/jpeg', 8 * 1024 * 1024)).toBe('document');
    expect(mediaKindOf('video/mp4', 1000)).toBe('video');
    expect(mediaKindOf('audio/ogg', 1000)).toBe('audio');
    expect(mediaKindOf('application/pdf', 1000)).toBe('document');
    expect(mediaKindOf('application/zip', 200 * 1024 * 1024)).toBeNull();
  });

  it('when Graph answers with a code, then the table says retry or tell', () => {
    expect(graphErrorAction(130429)).toBe('retry');
    expect(graphErrorAction(131056)).toBe('retry');
    expect(graphErrorAction(131047)).toBe('tell-agent');
    expect(graphErrorAction(131026)).toBe('tell-agent');
    expect(graphErrorAction(190)).toBe('tell-admin');
  });
});
