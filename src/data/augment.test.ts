import { describe, expect, it } from 'vitest';
import { augment, centerCrop, normalizeInto, photometric, resampleLabels, resizeNearest, resizeRgb, type Crop } from './augment';
import type { Sample } from './dataset';
import { keyedRng } from './random';

const COLORS = [[200, 20, 20], [20, 200, 20], [20, 20, 200], [220, 220, 30]];

/** Four rectangular class regions; the image colour encodes the class, so alignment is checkable. */
function blocks(w: number, h: number): Sample {
  const image = new Uint8Array(w * h * 3), mask = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const c = (y >= h * 0.4 ? 2 : 0) + (x >= w * 0.6 ? 1 : 0);
    mask[y * w + x] = c;
    image.set(COLORS[c], (y * w + x) * 3);
  }
  return { stem: 's', width: w, height: h, image, mask };
}

const MEAN: [number, number, number] = [0.5, 0.4, 0.3];
const FILL = MEAN.map((m) => Math.round(m * 255));

/** Every labelled pixel inside a uniform 3×3 label neighbourhood has exactly its class colour; every 255 has the fill colour. */
function checkAligned(c: Crop, crop: number): number {
  let checked = 0;
  for (let y = 0; y < crop; y++) for (let x = 0; x < crop; x++) {
    const p = y * crop + x, label = c.mask[p];
    const colour = Array.from(c.image.subarray(p * 3, p * 3 + 3));
    if (label === 255) {
      expect(colour).toEqual(FILL);
      continue;
    }
    let uniform = true;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const yy = Math.min(crop - 1, Math.max(0, y + dy)), xx = Math.min(crop - 1, Math.max(0, x + dx));
      if (c.mask[yy * crop + xx] !== label) uniform = false;
    }
    if (!uniform) continue;
    expect(colour).toEqual(COLORS[label]);
    checked++;
  }
  return checked;
}

describe('augment', () => {
  it('is reproducible: same key, same crop; another key, another crop', () => {
    const s = blocks(40, 30);
    const a = augment(s, keyedRng(7, 3, 1), { crop: 24, mean: MEAN });
    const b = augment(s, keyedRng(7, 3, 1), { crop: 24, mean: MEAN });
    const c = augment(s, keyedRng(7, 3, 2), { crop: 24, mean: MEAN });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(a.image).toHaveLength(24 * 24 * 3);
    expect(a.mask).toHaveLength(24 * 24);
  });

  it('keeps labels aligned with the image through scale, crop and flip', () => {
    const s = blocks(40, 30);
    const before = s.image.slice();
    let checked = 0, flipped = 0;
    for (let seed = 0; seed < 40; seed++) {
      const c = augment(s, keyedRng(seed), { crop: 24, mean: MEAN, photometric: false });
      checked += checkAligned(c, 24);
      // class 0 is top-left and class 1 top-right in the source: a flip swaps them in the crop
      const row = Array.from(c.mask.subarray(0, 24)).filter((v) => v !== 255);
      if (row.length && row[0] === 1 && row[row.length - 1] === 0) flipped++;
    }
    expect(checked).toBeGreaterThan(40 * 24 * 24 * 0.5);
    expect(flipped).toBeGreaterThan(0);
    expect(s.image).toEqual(before); // the cached sample is never modified
  });

  it('pads with the mean colour and label 255 when the scaled image is smaller than the crop', () => {
    const s = blocks(10, 8);
    for (let seed = 0; seed < 10; seed++) {
      const c = augment(s, keyedRng(seed), { crop: 32, mean: MEAN, photometric: false, scale: [0.5, 1] });
      const pad = c.mask.filter((v) => v === 255).length;
      expect(pad).toBeGreaterThanOrEqual(32 * 32 - 10 * 8);
      checkAligned(c, 32);
    }
  });

  it('photometric jitter changes colours only, deterministically', () => {
    const s = blocks(16, 16);
    const a = s.image.slice(), b = s.image.slice();
    let changed = false;
    for (let seed = 0; seed < 5 && !changed; seed++) {
      photometric(a, keyedRng(seed));
      photometric(b, keyedRng(seed));
      changed = a.some((v, i) => v !== s.image[i]);
    }
    expect(changed).toBe(true);
    expect(a).toEqual(b);
  });

  it('photometric jitter follows the mmseg formulas (explicit numbers, draws scripted)', () => {
    // the draws, in order: brightness on?, its value; contrast on?, value; saturation on?, value; hue on?, value
    const scripted = (...draws: number[]) => () => {
      const d = draws.shift();
      if (d === undefined) throw new Error('photometric drew more than scripted');
      return d;
    };
    // brightness −32 + 64·0.75 = +16, contrast 0.5 + 0.25 = 0.75, saturation 0.5 + 0.9 = 1.4, hue −18 + 36·0.75 = +9°;
    // expected values from the YIQ formulas evaluated independently (Python float64, then rounded and clamped)
    const img = Uint8Array.from([200, 100, 50, 10, 240, 128]);
    photometric(img, scripted(0, 0.75, 0, 0.25, 0, 0.9, 0, 0.75));
    expect(Array.from(img)).toEqual([191, 72, 50, 0, 222, 56]);
    // brightness alone: +16 through the YIQ round trip (215.98, 116.05, 65.84)
    const bright = Uint8Array.from([200, 100, 50]);
    photometric(bright, scripted(0, 0.75, 0.5, 0.5, 0.5));
    expect(Array.from(bright)).toEqual([216, 116, 66]);
    // each jitter alone (the others drawn off): contrast 0.75, saturation 1.4, hue +9°; and the clamp at 255
    const alone = (draws: number[], px: number[]) => {
      const im = Uint8Array.from(px);
      photometric(im, scripted(...draws));
      return Array.from(im);
    };
    expect(alone([0.5, 0, 0.25, 0.5, 0.5], [200, 100, 50])).toEqual([150, 75, 37]);
    expect(alone([0.5, 0.5, 0, 0.9, 0.5], [200, 100, 50])).toEqual([230, 90, 20]);
    expect(alone([0.5, 0.5, 0.5, 0, 0.75], [200, 100, 50])).toEqual([206, 93, 72]);
    expect(alone([0, 0.75, 0.5, 0.5, 0.5], [250, 250, 250])).toEqual([255, 255, 255]);
    // nothing drawn on: the image is untouched (no YIQ round trip either)
    const same = Uint8Array.from([200, 100, 50]);
    photometric(same, scripted(0.5, 0.5, 0.5, 0.5));
    expect(Array.from(same)).toEqual([200, 100, 50]);
  });

  it('places the window anywhere inside a larger image, the whole image inside the crop when smaller', () => {
    // labels encode the column (x) and row (y), so a crop's first label tells where its window starts
    const grid = (w: number, h: number, f: (x: number, y: number) => number): Sample => ({
      stem: 'g', width: w, height: h, image: new Uint8Array(w * h * 3), mask: Uint8Array.from({ length: w * h }, (_, i) => f(i % w, Math.floor(i / w))),
    });
    const byX = grid(40, 40, (x) => x), byY = grid(40, 40, (_, y) => y);
    const o = { crop: 24, mean: MEAN, scale: [1, 1] as [number, number], flip: false, photometric: false };
    const lefts = new Set<number>(), tops = new Set<number>();
    for (let seed = 0; seed < 12; seed++) {
      lefts.add(augment(byX, keyedRng(seed), o).mask[0]);
      tops.add(augment(byY, keyedRng(seed), o).mask[0]);
    }
    for (const v of [...lefts, ...tops]) expect(v).toBeLessThanOrEqual(40 - 24);
    expect(lefts.size).toBeGreaterThan(3);
    expect(tops.size).toBeGreaterThan(3);
    // smaller than the crop: every source pixel lands in the crop, at a random offset
    const small = grid(10, 8, () => 1);
    for (let seed = 0; seed < 10; seed++) {
      const c = augment(small, keyedRng(seed), { ...o, crop: 16 });
      expect(c.mask.filter((v) => v === 1).length).toBe(10 * 8);
    }
  });

  it('flips about half the crops by default, none with flip: false; jitters colours by default', () => {
    const s: Sample = { stem: 'r', width: 24, height: 24, image: new Uint8Array(24 * 24 * 3).fill(100), mask: Uint8Array.from({ length: 24 * 24 }, (_, i) => i % 24) };
    const o = { crop: 24, mean: MEAN, scale: [1, 1] as [number, number], photometric: false };
    const flips = (flip?: boolean) => Array.from({ length: 20 }, (_, seed) => augment(s, keyedRng(seed), { ...o, flip }).mask[0] === 23).filter(Boolean).length;
    expect(flips()).toBeGreaterThan(3);
    expect(flips()).toBeLessThan(17);
    expect(flips(false)).toBe(0);
    const jittered = Array.from({ length: 5 }, (_, seed) => augment(s, keyedRng(seed), { crop: 24, mean: MEAN, scale: [1, 1] }).image.some((v) => v !== 100));
    expect(jittered).toContain(true);
  });

  it('scales relative to a base short side when given', () => {
    const s = blocks(400, 300); // crop 24 from a 300-px short side would see one class; base 24 sees all four
    const seen = new Set<number>();
    for (let seed = 0; seed < 10; seed++) {
      const c = augment(s, keyedRng(seed), { crop: 24, mean: MEAN, photometric: false, baseShortSide: 24, scale: [1, 1] });
      c.mask.forEach((v) => seen.add(v));
      expect(c.mask.includes(255)).toBe(false);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });
});

describe('resampling', () => {
  it('bilinear keeps flat images flat and matches resize-then-crop', () => {
    const flat = new Uint8Array(5 * 7 * 3).fill(77);
    expect(resizeRgb(flat, 5, 7, 11, 3).every((v) => v === 77)).toBe(true);
    const ramp = Uint8Array.from({ length: 2 * 4 * 3 }, (_, i) => Math.floor(i / 3) % 4 * 60); // x = 0,60,120,180
    const up = resizeRgb(ramp, 2, 4, 2, 8);
    expect(Array.from({ length: 8 }, (_, x) => up[x * 3])).toEqual([0, 15, 45, 75, 105, 135, 165, 180]); // align_corners=False
    // vertically too, on every channel: rows 0 and 100 → 0, 25, 75, 100
    const rows = Uint8Array.from([0, 0, 0, 100, 100, 100]);
    expect(Array.from(resizeRgb(rows, 2, 1, 4, 1))).toEqual([0, 0, 0, 25, 25, 25, 75, 75, 75, 100, 100, 100]);
    // both directions at once: 2×2 [[0, 40], [80, 120]] → 4×4 (first channel), bottom row interpolated along x too
    const square = Uint8Array.from([0, 40, 80, 120].flatMap((v) => [v, v, v]));
    const up4 = resizeRgb(square, 2, 2, 4, 4);
    expect(Array.from({ length: 16 }, (_, i) => up4[i * 3])).toEqual([0, 10, 30, 40, 20, 30, 50, 60, 60, 70, 90, 100, 80, 90, 110, 120]);
  });

  it('nearest keeps class ids and the window equals a crop of the full resize', () => {
    const labels = Uint8Array.from({ length: 6 * 6 }, (_, i) => i % 5);
    const full = resizeNearest(labels, 6, 6, 13, 9);
    expect(new Set(full)).toEqual(new Set([0, 1, 2, 3, 4]));
    const win = resampleLabels(labels, 6, 6, 13, 9, 4, 2, 5, 5);
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) expect(win[y * 5 + x]).toBe(full[(y + 4) * 9 + x + 2]);
    expect(resampleLabels(labels, 6, 6, 6, 6, -1, 0, 2, 2)[0]).toBe(255); // outside = ignore
  });
});

describe('without augmentation', () => {
  it('uses a crop-sized image as it is', () => {
    const s = blocks(16, 16);
    const c = centerCrop(s, 16);
    expect(c.image).toBe(s.image);
    expect(c.mask).toBe(s.mask);
  });

  it('resizes the short side to the crop and centre-crops other sizes (no padding)', () => {
    const c = centerCrop(blocks(40, 20), 16);
    expect(c.image).toHaveLength(16 * 16 * 3);
    expect(c.mask.includes(255)).toBe(false);
    expect(new Set(c.mask)).toEqual(new Set([0, 1, 2, 3]));
    const small = centerCrop(blocks(6, 9), 16);
    expect(small.mask).toHaveLength(256);
    expect(small.mask.includes(255)).toBe(false);
    // one side already equal to the crop is not enough to use the image as it is
    expect(centerCrop(blocks(16, 30), 16).mask).toHaveLength(256);
    expect(centerCrop(blocks(30, 16), 16).mask).toHaveLength(256);
  });

  it('takes the centre of the long side, unsquashed', () => {
    // 48 wide, 24 high, crop 24: columns 12…35 of thirds 0|1|2 → 4, 16 and 4 columns per row
    const s: Sample = { stem: 't', width: 48, height: 24, image: new Uint8Array(48 * 24 * 3), mask: Uint8Array.from({ length: 48 * 24 }, (_, i) => Math.floor((i % 48) / 16)) };
    const row = Array.from(centerCrop(s, 24).mask.subarray(0, 24));
    expect([0, 1, 2].map((k) => row.filter((v) => v === k).length)).toEqual([4, 16, 4]);
    // the same layout at twice the size: resized by ½ first (short side 48 → 24), then centre-cropped
    const big: Sample = { stem: 'b', width: 96, height: 48, image: new Uint8Array(96 * 48 * 3), mask: Uint8Array.from({ length: 96 * 48 }, (_, i) => Math.floor((i % 96) / 32)) };
    const bigRow = Array.from(centerCrop(big, 24).mask.subarray(0, 24));
    expect([0, 1, 2].map((k) => bigRow.filter((v) => v === k).length)).toEqual([4, 16, 4]);
    const tall: Sample = { ...s, width: 24, height: 48, mask: Uint8Array.from({ length: 48 * 24 }, (_, i) => Math.floor(Math.floor(i / 24) / 16)) };
    const col = Array.from({ length: 24 }, (_, y) => centerCrop(tall, 24).mask[y * 24]);
    expect([0, 1, 2].map((k) => col.filter((v) => v === k).length)).toEqual([4, 16, 4]);
    const bigTall: Sample = { stem: 'bt', width: 48, height: 96, image: new Uint8Array(48 * 96 * 3), mask: Uint8Array.from({ length: 48 * 96 }, (_, i) => Math.floor(Math.floor(i / 48) / 32)) };
    const bigCol = Array.from({ length: 24 }, (_, y) => centerCrop(bigTall, 24).mask[y * 24]);
    expect([0, 1, 2].map((k) => bigCol.filter((v) => v === k).length)).toEqual([4, 16, 4]);
  });
});

describe('normalizeInto', () => {
  it('writes (x/255 − mean)/std as CHW at the offset', () => {
    const out = new Float32Array(2 + 2 * 3 + 2).fill(9); // and nothing past its 3·pixels values
    normalizeInto(out, 2, new Uint8Array([255, 0, 51, 0, 255, 102]), 2, [0.5, 0.5, 0], [0.5, 0.25, 1]);
    expect(Array.from(out)).toEqual([9, 9, 1, -1, -2, 2, 0.2, 0.4, 9, 9].map((v) => Math.fround(v)));
  });
});
