/** The benchmark's torchvision-semantics augmentation, each step against hand-computed values of the torchvision formulas. */
import { describe, expect, it } from 'vitest';
import {
  adjustBrightness, adjustContrast, adjustHue, adjustSaturation, augmentBenchmark, colorJitter, hasSingleLabelValue, hsvToRgb,
  padAndCrop, resizeMaskNearest, resizeRgbAntialias, rgbToHsv, scaleJitterSize,
} from './augment-benchmark';

/** A scripted random stream; running past its end is a test error. */
const script = (...v: number[]) => {
  let i = 0;
  const r = () => {
    if (i >= v.length) throw new Error('scripted rng exhausted');
    return v[i++];
  };
  r.used = () => i;
  return r;
};
const px = (...v: number[]) => Uint8Array.from(v);

describe('colour jitter (torchvision v2 on uint8)', () => {
  it('brightness multiplies, clamps to 255 and truncates', () => {
    const img = px(200, 250, 101);
    adjustBrightness(img, 1.1);
    expect([...img]).toEqual([220, 255, 111]); // 220; 275 → 255; 111.1 → 111
    const dim = px(101);
    adjustBrightness(dim, 0.99);
    expect([...dim]).toEqual([99]); // 99.99 truncated, not rounded
  });

  it('contrast blends with the mean of the floored grayscale image', () => {
    // grey: ⌊0.2989·100 + 0.587·100 + 0.114·100⌋ = ⌊99.99⌋ = 99; ⌊0.2989·200⌋ = 59; mean 79
    const img = px(100, 100, 100, 200, 0, 0);
    adjustContrast(img, 0.5);
    expect([...img]).toEqual([89, 89, 89, 139, 39, 39]); // 50 + 39.5, 100 + 39.5, 0 + 39.5, truncated
  });

  it("saturation blends each pixel with its own floored grey value, clamped", () => {
    const img = px(200, 0, 0, 10, 20, 30);
    adjustSaturation(img, 1.5); // greys 59 and ⌊18.149⌋ = 18
    expect([...img]).toEqual([255, 0, 0, 6, 21, 36]); // 300 − 29.5 → 255; −29.5 → 0; 15 − 9, 30 − 9, 45 − 9
    const g = px(200, 0, 0);
    adjustSaturation(g, 0);
    expect([...g]).toEqual([59, 59, 59]);
  });

  it('hue shifts H in HSV (mod 1): red + ½ is cyan, greys stay', () => {
    const img = px(255, 0, 0, 90, 90, 90);
    adjustHue(img, 0.5);
    expect([...img]).toEqual([0, 255, 255, 90, 90, 90]); // back to uint8: 90/255·(256 − 1e-3) = 90.35 → 90
  });

  it('HSV conversions are inverse and match the textbook values', () => {
    rgbToHsv(1, 0.5, 0).forEach((v, i) => expect(v).toBeCloseTo([0.5 / 6, 1, 1][i], 12));
    expect(rgbToHsv(0, 0, 1)[0]).toBeCloseTo(4 / 6, 12);
    for (const rgb of [[0.2, 0.7, 0.1], [0.9, 0.1, 0.4], [0.3, 0.3, 0.8]] as [number, number, number][]) {
      hsvToRgb(...rgbToHsv(rgb[0], rgb[1], rgb[2])).forEach((v, i) => expect(v).toBeCloseTo(rgb[i], 12));
    }
  });

  it('order: brightness, then contrast and (saturation, hue) in an order drawn with p ½; each op with p ½', () => {
    const base = px(200, 40, 90, 10, 220, 130, 60, 60, 200);
    const apply = (...ops: ((x: Uint8Array) => void)[]) => { const x = base.slice(); ops.forEach((op) => op(x)); return [...x]; };
    // brightness skipped (0.9); contrast first (0.2); contrast on (0.1, u 0.8 → ×1.3); saturation on (0.3, u 0.1 → ×0.6); hue on (0.4, u 0.75 → +9/360)
    let img = base.slice();
    colorJitter(img, script(0.9, 0.2, 0.1, 0.8, 0.3, 0.1, 0.4, 0.75));
    const first = apply((x) => adjustContrast(x, 1.3), (x) => adjustSaturation(x, 0.6), (x) => adjustHue(x, 9 / 360));
    expect([...img]).toEqual(first);
    // brightness on (0.1, u 1 → ×(1 + 32/255)); saturation and hue first (0.7); saturation off (0.6); hue on (0.2, u 0.75); contrast on (0.3, u 0.8)
    img = base.slice();
    colorJitter(img, script(0.1, 1, 0.7, 0.6, 0.2, 0.75, 0.3, 0.8));
    const second = apply((x) => adjustBrightness(x, 1 + 32 / 255), (x) => adjustHue(x, 9 / 360), (x) => adjustContrast(x, 1.3));
    expect([...img]).toEqual(second);
    expect(apply((x) => adjustHue(x, 9 / 360), (x) => adjustContrast(x, 1.3))).not.toEqual(apply((x) => adjustContrast(x, 1.3), (x) => adjustHue(x, 9 / 360)));
  });
});

describe('scale jitter, pad and crop', () => {
  it('ScaleJitter scales relative to the crop: r = min(S/H, S/W)·U(0.5, 2), sizes truncated', () => {
    expect(scaleJitterSize(512, 683, 512, 1.5)).toEqual({ height: Math.trunc(512 * 1.5 * 512 / 683), width: Math.trunc(683 * 1.5 * 512 / 683) });
    // Cityscapes 1024×2048 at crop 1024: 0.25–1× the native size (not 0.5–2×)
    expect(scaleJitterSize(1024, 2048, 1024, 0.5)).toEqual({ height: 256, width: 512 });
    expect(scaleJitterSize(1024, 2048, 1024, 2)).toEqual({ height: 1024, width: 2048 });
  });

  it('masks resize with torch "nearest" (⌊o·in/out⌋); images with the antialiased triangle filter', () => {
    expect([...resizeMaskNearest(px(1, 2, 3, 4), 1, 4, 1, 2)]).toEqual([1, 3]);
    expect([...resizeMaskNearest(px(7, 8, 9), 1, 3, 1, 5)]).toEqual([7, 7, 8, 8, 9]);
    // halving 1×8 → 1×4: taps 1/8, 3/8, 3/8, 1/8 (renormalised at the borders)
    const row = [0, 80, 160, 240, 40, 120, 200, 20];
    const rgb = Uint8Array.from(row.flatMap((v) => [v, v, v]));
    const out = resizeRgbAntialias(rgb, 1, 8, 1, 4);
    const expected = [(0.375 * 0 + 0.375 * 80 + 0.125 * 160) / 0.875, 0.125 * 80 + 0.375 * 160 + 0.375 * 240 + 0.125 * 40,
      0.125 * 240 + 0.375 * 40 + 0.375 * 120 + 0.125 * 200, (0.125 * 120 + 0.375 * 200 + 0.375 * 20) / 0.875].map(Math.round);
    expect([...out].filter((_, i) => i % 3 === 0)).toEqual(expected);
  });

  it('pads bottom/right with 0 (image) and 255 (label)', () => {
    const image = Uint8Array.from({ length: 2 * 3 * 3 }, (_, i) => i + 1), mask = px(0, 1, 2, 3, 4, 5);
    const c = padAndCrop(image, mask, 2, 3, 4, script(0.99, 0.99)); // a 4×4 window of a 4×4 padded image: offset 0 whatever the draw
    expect([...c.mask]).toEqual([0, 1, 2, 255, 3, 4, 5, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
    expect([...c.image.subarray(0, 12)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0]);
    expect([...c.image.subarray(24)].every((v) => v === 0)).toBe(true);
  });

  it('redraws a crop with no labelled pixel; reports an image where none exists', () => {
    const mask = px(255, 255, 255, 7);
    const rng = script(0, 0, 0.9, 0.9);
    expect([...padAndCrop(px(...Array(12).fill(1)), mask, 2, 2, 1, rng).mask]).toEqual([7]);
    expect(rng.used()).toBe(4);
    expect(() => padAndCrop(new Uint8Array(12), new Uint8Array(4).fill(255), 2, 2, 1, Math.random, 'img_01')).toThrow(/^img_01: no 1×1 crop with a labelled pixel/);
  });

  it('a whole benchmark crop: the crop size, labels from the image or 255, never a crop without labels', () => {
    const h = 20, w = 30;
    const s = { stem: 'x', height: h, width: w, image: Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 37) % 256), mask: Uint8Array.from({ length: h * w }, (_, i) => (i % w < 3 ? 1 : 255)) };
    let r = 1;
    const rng = () => (r = (r * 16807) % 2147483647) / 2147483647;
    for (let k = 0; k < 20; k++) {
      const c = augmentBenchmark(s, rng, { crop: 16 });
      expect(c.image.length).toBe(16 * 16 * 3);
      expect(c.mask.some((v) => v === 1)).toBe(true);
      expect(c.mask.every((v) => v === 1 || v === 255)).toBe(true);
    }
  });

  it('Transforms.forward order: colour jitter on the full image, horizontal flip (x → W−1−x), ScaleJitter, pad, crop — one stream', () => {
    const h = 12, w = 18, crop = 8;
    const s = { stem: 'x', height: h, width: w, image: Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 53) % 256), mask: Uint8Array.from({ length: h * w }, (_, i) => (i % w) % 4) };
    const lcg = (seed: number) => { let r = seed; return () => (r = (r * 16807) % 2147483647) / 2147483647; };
    let flipped = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const got = augmentBenchmark(s, lcg(seed), { crop });
      // the same steps by hand, from an identical stream
      const rng = lcg(seed);
      const image = s.image.slice();
      colorJitter(image, rng);
      let img = image, mask = s.mask;
      if (rng() < 0.5) {
        flipped++;
        img = new Uint8Array(image.length); mask = new Uint8Array(s.mask.length);
        for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
          const from = y * w + (w - 1 - x), to = y * w + x; // torchvision hflip: column x takes column W−1−x
          mask[to] = s.mask[from];
          for (let c = 0; c < 3; c++) img[to * 3 + c] = image[from * 3 + c];
        }
      }
      const size = scaleJitterSize(h, w, crop, 0.5 + 1.5 * rng());
      const want = padAndCrop(resizeRgbAntialias(img, h, w, size.height, size.width), resizeMaskNearest(mask, h, w, size.height, size.width), size.height, size.width, crop, rng);
      expect(got).toEqual(want);
    }
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(12);
  });

  it('the single-value label filter (datasets/dataset.py: min == max)', () => {
    expect(hasSingleLabelValue(px(3, 3, 3))).toBe(true);
    expect(hasSingleLabelValue(px(255, 255))).toBe(true);
    expect(hasSingleLabelValue(px(3, 255))).toBe(false);
  });
});
