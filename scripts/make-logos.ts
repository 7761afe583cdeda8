/**
 * Draws the app's logos (a WhatsApp-green speech bubble with three white dots) into
 * app/assets/logo.png (320×320) and app/assets/logo-small.png (128×128), the sizes Zendesk's
 * package rules ask for. Run with `npx tsx scripts/make-logos.ts`; the PNGs are committed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from './png';

const GREEN = [0x25, 0xd3, 0x66];
const WHITE = [0xff, 0xff, 0xff];
const SAMPLES = 4; // 4×4 supersampling for smooth edges

type Paint = 'none' | 'green' | 'white';

function inTriangle(x: number, y: number, [ax, ay, bx, by, cx, cy]: number[]): boolean {
  const d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by);
  const d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy);
  const d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay);
  const hasNeg = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNeg && hasPos);
}

/** What covers the point (u, v) of the unit square. */
function paintAt(u: number, v: number): Paint {
  const inCircle = (cx: number, cy: number, r: number) => (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  for (const dx of [0.31, 0.5, 0.69]) if (inCircle(dx, 0.46, 0.062)) return 'white';
  if (inCircle(0.5, 0.46, 0.4)) return 'green';
  if (inTriangle(u, v, [0.2, 0.66, 0.1, 0.93, 0.42, 0.82])) return 'green';
  return 'none';
}

export function drawLogo(size: number): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const paint = paintAt((x + (sx + 0.5) / SAMPLES) / size, (y + (sy + 0.5) / SAMPLES) / size);
          if (paint === 'none') continue;
          const colour = paint === 'green' ? GREEN : WHITE;
          r += colour[0]; g += colour[1]; b += colour[2]; covered++;
        }
      }
      const i = (y * size + x) * 4;
      if (covered > 0) {
        rgba[i] = Math.round(r / covered);
        rgba[i + 1] = Math.round(g / covered);
        rgba[i + 2] = Math.round(b / covered);
        rgba[i + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
      }
    }
  }
  return rgba;
}

if (require.main === module) {
  const dir = join(__dirname, '..', 'app', 'assets');
  for (const [file, size] of [['logo.png', 320], ['logo-small.png', 128]] as const) {
    writeFileSync(join(dir, file), encodePng(size, size, drawLogo(size)));
    console.log(`wrote app/assets/${file} (${size}×${size})`);
  }
}
