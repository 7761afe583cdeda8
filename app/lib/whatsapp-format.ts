/**
 * WhatsApp's text formatting, parsed into a tree the preview draws with real elements (never
 * HTML strings): *bold*, _italic_, ~strikethrough~ and ```monospace```.
 * https://faq.whatsapp.com/539178204879377 (Formatting your messages)
 *
 * As WhatsApp does: a marker opens only at the start or after a non-letter, must be followed by
 * a non-space, closes before a non-letter or the end, and does not span lines; monospace takes
 * its content literally. Anything else, emoji, Chinese or Arabic text included, stays as written.
 */
export type FormatNode =
  | { type: 'text'; text: string }
  | { type: 'bold' | 'italic' | 'strike'; children: FormatNode[] }
  | { type: 'mono'; text: string };

const MARKERS: { type: 'bold' | 'italic' | 'strike'; pattern: RegExp }[] = (
  [
    ['bold', '\\*'],
    ['italic', '_'],
    ['strike', '~'],
  ] as const
).map(([type, m]) => ({ type, pattern: new RegExp(`(?<![\\p{L}\\p{N}${m}])${m}(?=\\S)([^\\n]*?\\S)${m}(?![\\p{L}\\p{N}${m}])`, 'u') }));

const MONO = /```([\s\S]+?)```/;

export function parseWhatsAppFormat(text: string): FormatNode[] {
  let best: { index: number; length: number; node: FormatNode } | null = null;
  const mono = MONO.exec(text);
  if (mono) best = { index: mono.index, length: mono[0].length, node: { type: 'mono', text: mono[1] } };
  for (const { type, pattern } of MARKERS) {
    const match = pattern.exec(text);
    if (match && (!best || match.index < best.index)) {
      best = { index: match.index, length: match[0].length, node: { type, children: parseWhatsAppFormat(match[1]) } };
    }
  }
  if (!best) return text ? [{ type: 'text', text }] : [];
  const before = text.slice(0, best.index);
  return [...(before ? [{ type: 'text' as const, text: before }] : []), best.node, ...parseWhatsAppFormat(text.slice(best.index + best.length))];
}
