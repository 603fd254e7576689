/**
 * @file The synthetic demo dataset: textured shapes on varied backgrounds, deterministic by seed,
 * in the generic layout (train/ and val/ with images/ and masks/, classes.json with colours).
 * Each class has its own colour family, shape and texture, so the tiny demo ViT learns it to a
 * high mIoU in a few hundred steps — offline, in the browser and in `vfm-lab make-demo`.
 */
import { encodePng } from './image';
import { mulberry32, uniform, type Rng } from './random';
import { memorySource, type FileSource } from './source';

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
    default: return (x, y) => Math.abs(x - cx) <= r && Math.abs(y - cy) <= r * 0.6;
  }
}

/**
 * One image and its mask (class ids). `first` is the class of the first object, so callers can
 * cycle through the classes and every split holds all of them.
 */
export function demoSample(rng: Rng, size: number, first = 1 + Math.floor(rng() * (DEMO_CLASSES.length - 1))): { image: Uint8Array; mask: Uint8Array } {
  const image = new Uint8Array(size * size * 3);
  const mask = new Uint8Array(size * size);
  // background: a low-saturation grey with a gradient, a faint wave texture and noise, different
  // every image; kept away from the saturated object colours so colour alone is a strong cue
  const grey = uniform(rng, 70, 150);
  const tint = [uniform(rng, -15, 15), uniform(rng, -15, 15), uniform(rng, -15, 15)];
  const gx = uniform(rng, -0.6, 0.6), gy = uniform(rng, -0.6, 0.6), freq = uniform(rng, 0.15, 0.5), phase = rng() * 6.28;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const shade = gx * (x - size / 2) + gy * (y - size / 2) + 8 * Math.sin(freq * (x + 0.5 * y) + phase);
    for (let c = 0; c < 3; c++) image[(y * size + x) * 3 + c] = clamp(grey + tint[c] + shade + uniform(rng, -8, 8));
  }
  const objects = 1 + Math.floor(rng() * 3);
  for (let k = 0; k < objects; k++) {
    const cls = k === 0 ? first : 1 + Math.floor(rng() * (DEMO_CLASSES.length - 1));
    const r = uniform(rng, size * 0.12, size * 0.24);
    const cx = uniform(rng, r, size - r), cy = uniform(rng, r, size - r);
    const inside = shapeFor(cls, cx, cy, r, rng);
    const tone = DEMO_CLASSES[cls].color.map((v) => v * uniform(rng, 0.85, 1.1));
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
      if (!inside(x, y)) continue;
      // class textures: stripes for class 4, a soft speckle for the others
      const texture = cls === 4 ? (Math.floor((x + y) / 3) % 2 ? 0.6 : 1) : 1 + uniform(rng, -0.08, 0.08);
      for (let c = 0; c < 3; c++) image[(y * size + x) * 3 + c] = clamp(tone[c] * texture);
      mask[y * size + x] = cls;
    }
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
