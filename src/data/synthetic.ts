/**
 * @file The synthetic demo dataset, deterministic by seed, in the generic layout (train/ and val/
 * with images/ and masks/, classes.json with display colours): one object per image — a disc, a
 * square, a triangle or stripes (three parallel bars), each with its own outline and size — on
 * a grey background. Every object has the same orange colour and speckle whatever its class, so
 * colour only tells object from background: a per-pixel colour classifier scores near chance on
 * the four shapes (synthetic.test.ts). Inside an object every 8×8 patch looks alike; the demo
 * ViT must gather the object's other patches — its outline and extent — through attention to name
 * it (src/train/learning.test.ts checks that it does, and that it cannot without attention).
 */
import { encodePng } from './image';
import { mulberry32, uniform, type Rng } from './random';
import { memorySource, type FileSource } from './source';

/** Class names and the colours masks are drawn in (not the colours in the images). */
export const DEMO_CLASSES: { name: string; color: [number, number, number] }[] = [
  { name: 'background', color: [40, 40, 40] },
  { name: 'disc', color: [220, 60, 60] },
  { name: 'square', color: [60, 200, 80] },
  { name: 'triangle', color: [70, 110, 230] },
  { name: 'stripes', color: [240, 200, 40] },
];

export interface DemoOptions {
  seed?: number;
  size?: number;
  train?: number;
  val?: number;
}

type Shape = (x: number, y: number) => boolean;

function shapeFor(cls: number, cx: number, cy: number, r: number, rng: Rng): Shape {
  switch (cls) {
    case 1: return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
    case 2: return (x, y) => Math.abs(x - cx) <= r * 0.85 && Math.abs(y - cy) <= r * 0.85;
    case 3: {
      const up = rng() < 0.5 ? 1 : -1; // pointing up or down
      return (x, y) => {
        const dy = (y - cy) * up;
        return dy <= r * 0.7 && dy >= -r && Math.abs(x - cx) <= ((dy + r) / 1.7) * 0.95;
      };
    }
    default: {
      // three parallel bars, horizontal or vertical, with gaps of background between them
      const vertical = rng() < 0.5;
      return (x, y) => {
        const [along, across] = vertical ? [y - cy, x - cx] : [x - cx, y - cy];
        const band = Math.floor((across + r) / (r * 0.4));
        return Math.abs(along) <= r && Math.abs(across) <= r && band % 2 === 0;
      };
    }
  }
}

/**
 * Radius range per shape (fraction of the image side), chosen so the areas do not overlap:
 * disc ≈ 4–7 %, square ≈ 10–15 %, triangle ≈ 20–26 %, stripes (bars only) ≈ 38–49 % of the image.
 */
const SIZES: [number, number][] = [[0.11, 0.15], [0.19, 0.23], [0.35, 0.4], [0.4, 0.45]];

/**
 * One image and its mask (class ids): one object of class `cls` (callers cycle through the
 * classes so every split holds all of them).
 */
export function demoSample(rng: Rng, size: number, cls = 1 + Math.floor(rng() * (DEMO_CLASSES.length - 1))): { image: Uint8Array; mask: Uint8Array } {
  const mask = new Uint8Array(size * size);
  const [lo, hi] = SIZES[cls - 1];
  const r = uniform(rng, size * lo, size * hi);
  const cx = uniform(rng, r, size - r), cy = uniform(rng, r, size - r);
  const inside = shapeFor(cls, cx, cy, r, rng);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (inside(x, y)) mask[y * size + x] = cls;
  // background: a grey with a gradient; objects: one orange for every class; both speckled alike
  const image = new Uint8Array(size * size * 3);
  const grey = uniform(rng, 80, 140), gx = uniform(rng, -0.5, 0.5), gy = uniform(rng, -0.5, 0.5);
  const orange = [215, 125, 50].map((v) => v * uniform(rng, 0.85, 1.1));
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const p = y * size + x;
    const base = mask[p] ? orange : [0, 1, 2].map(() => grey + gx * (x - size / 2) + gy * (y - size / 2));
    for (let c = 0; c < 3; c++) image[p * 3 + c] = clamp(base[c] * (1 + uniform(rng, -0.08, 0.08)));
  }
  return { image, mask };
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** The dataset as files: `{train,val}/{images,masks}/NNNN.png` and `classes.json`. */
export function makeDemoFiles(seed = 0, o: DemoOptions = {}): { path: string; bytes: Uint8Array }[] {
  const size = o.size ?? 64;
  const rng = mulberry32(seed * 7919 + 17);
  const files: { path: string; bytes: Uint8Array }[] = [{ path: 'classes.json', bytes: new TextEncoder().encode(JSON.stringify(DEMO_CLASSES, null, 1)) }];
  for (const [split, n] of [['train', o.train ?? 48], ['val', o.val ?? 16]] as const) {
    for (let i = 0; i < n; i++) {
      const s = demoSample(rng, size, 1 + (i % (DEMO_CLASSES.length - 1)));
      const stem = String(i).padStart(4, '0');
      files.push({ path: `${split}/images/${stem}.png`, bytes: encodePng(size, size, 3, s.image) });
      files.push({ path: `${split}/masks/${stem}.png`, bytes: encodePng(size, size, 1, s.mask) });
    }
  }
  return files;
}

export function demoSource(seed = 0, o: DemoOptions = {}): FileSource {
  return memorySource('demo', makeDemoFiles(seed, o));
}
