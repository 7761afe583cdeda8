/**
 * Splitting an agent's reply into WhatsApp text messages (at most 4,096 characters each): at
 * paragraph boundaries first, then at line breaks, then at sentence ends, then at spaces, and
 * only as a last resort inside a word. Nothing is lost: the parts joined back give the text,
 * apart from the whitespace at the cuts.
 */
export const WHATSAPP_TEXT_LIMIT = 4096;

const BOUNDARIES: RegExp[] = [/\n\s*\n/g, /\n/g, /(?<=[.!?。！？…])\s+/g, /\s+/g];

export function splitText(text: string, limit = WHATSAPP_TEXT_LIMIT): string[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  const parts: string[] = [];
  let rest = trimmed;
  while ([...rest].length > limit) {
    const cut = cutPoint(rest, limit);
    parts.push(rest.slice(0, cut.end).trimEnd());
    rest = rest.slice(cut.next).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Where to cut `text` so that the first part holds at most `limit` characters (code points). */
function cutPoint(text: string, limit: number): { end: number; next: number } {
  // The UTF-16 index of the `limit`-th code point, so emoji are never cut in half.
  const chars = [...text];
  const window = chars.slice(0, limit).join('');
  for (const boundary of BOUNDARIES) {
    let best: { end: number; next: number } | null = null;
    for (const m of window.matchAll(boundary)) {
      const end = m.index ?? 0;
      // A cut in the first fifth would make a tiny part: look for a coarser boundary instead.
      if (end >= window.length / 5) best = { end, next: end + m[0].length };
    }
    if (best) return best;
  }
  return { end: window.length, next: window.length };
}
