/**
 * Small valid files a console customer can send without downloading anything: a PNG picture
 * (drawn here, encoded with the project's own PNG encoder) and a one-page PDF. Real formats, so
 * the bridge, Zendesk's attachment viewer and a browser all open them.
 */
import { encodePng } from '../../../scripts/png';

/** A 96×96 picture: a sky-to-grass gradient with a sun whose colour changes with `seed`. */
export function samplePicture(seed = 0): Buffer {
  const size = 96;
  const rgba = new Uint8Array(size * size * 4);
  const hue = (seed * 47) % 360;
  const [sr, sg, sb] = hsl(hue, 0.9, 0.55);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const ground = y > size * 0.7;
      const inSun = (x - 64) ** 2 + (y - 30) ** 2 <= 14 ** 2;
      const [r, g, b] = inSun ? [sr, sg, sb] : ground ? [0x3a, 0x9d, 0x4a] : [0x8e + y, 0xc8 + Math.floor(y / 3), 0xf5];
      rgba[i] = Math.min(255, r);
      rgba[i + 1] = Math.min(255, g);
      rgba[i + 2] = Math.min(255, b);
      rgba[i + 3] = 255;
    }
  }
  return encodePng(size, size, rgba);
}

function hsl(h: number, s: number, l: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/**
 * A one-page PDF 1.4 with a title line, built object by object with a correct cross-reference
 * table (byte offsets), so strict readers accept it. `lines` are printed in Helvetica; characters
 * outside Latin-1 are replaced by `?` (the standard fonts have no other glyphs).
 */
export function sampleDocument(lines: string[]): Buffer {
  const escape = (text: string) => text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?').replace(/([\\()])/g, '\\$1');
  const content = ['BT', '/F1 16 Tf', '72 760 Td', ...lines.flatMap((line, i) => [...(i ? ['0 -24 Td'] : []), `(${escape(line)}) Tj`]), 'ET'].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let pdf = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
