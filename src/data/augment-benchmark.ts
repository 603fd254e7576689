/**
 * @file The benchmark's training augmentation (tue-mps/benchmark-vfm-ss, datasets/transforms.py
 * `Transforms.forward`), with torchvision v2 semantics on uint8 RGB HWC images: colour jitter
 * on the full image → horizontal flip → `ScaleJitter` relative to the crop (antialiased) → pad
 * bottom/right (image 0, label 255) → `RandomCrop`, redrawn while the crop has no labelled
 * pixel. The demo's own (mmseg-like) augmentation stays in augment.ts. Random draws come from
 * our seeded generator, so the *distribution* is the benchmark's, not torch's exact stream.
 */
import { bilinearMatrix } from '../model/resample';
import type { Crop } from './augment';
import type { Sample } from './dataset';
import { uniform, type Rng } from './random';

/** uint8 cast after a float op in torchvision (`.clamp_(0, 255).to(uint8)`): clamp, then truncate. */
const toByte = (v: number) => Math.trunc(v < 0 ? 0 : v > 255 ? 255 : v);

/** F.adjust_brightness (v2, uint8): v·f, clamped. */
export function adjustBrightness(img: Uint8Array, f: number): void {
  for (let i = 0; i < img.length; i++) img[i] = toByte(img[i] * f);
}

/** torchvision's grayscale (0.2989 R + 0.587 G + 0.114 B), floored as for uint8 images. */
const grey = (img: Uint8Array, p: number) => Math.floor(0.2989 * img[p] + 0.587 * img[p + 1] + 0.114 * img[p + 2]);

/** F.adjust_contrast (v2, uint8): blend with the mean of the floored grayscale image: v·f + mean·(1 − f). */
export function adjustContrast(img: Uint8Array, f: number): void {
  let sum = 0;
  for (let p = 0; p < img.length; p += 3) sum += grey(img, p);
  const mean = sum / (img.length / 3);
  for (let i = 0; i < img.length; i++) img[i] = toByte(img[i] * f + mean * (1 - f));
}

/** F.adjust_saturation (v2, uint8): blend each pixel with its own floored grayscale value. */
export function adjustSaturation(img: Uint8Array, f: number): void {
  for (let p = 0; p < img.length; p += 3) {
    const g = grey(img, p);
    for (let c = 0; c < 3; c++) img[p + c] = toByte(img[p + c] * f + g * (1 - f));
  }
}

/** torchvision `_rgb_to_hsv` for one pixel in 0…1. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b), minc = Math.min(r, g, b);
  const eq = maxc === minc, range = maxc - minc;
  const s = range / (eq ? 1 : maxc);
  const d = eq ? 1 : range;
  const rc = (maxc - r) / d, gc = (maxc - g) / d, bc = (maxc - b) / d;
  const h = maxc === r ? bc - gc : maxc === g ? 2 + rc - bc : 4 + gc - rc;
  return [(((h / 6 + 1) % 1) + 1) % 1, s, maxc];
}

/** torchvision `_hsv_to_rgb` for one pixel. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const h6 = h * 6, i = Math.floor(h6), f = h6 - i;
  const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
  const p = clamp01((1 - s) * v), q = clamp01((1 - s * f) * v), t = clamp01((s * f + 1 - s) * v);
  const k = ((i % 6) + 6) % 6;
  return [[v, q, p, p, t, v][k], [t, v, v, q, p, p][k], [p, p, t, v, v, q][k]];
}

/** F.adjust_hue (v2, uint8): to 0…1, shift H by f (mod 1) in HSV, back with x·(255 + 1 − 1e-3), truncated. */
export function adjustHue(img: Uint8Array, f: number): void {
  for (let p = 0; p < img.length; p += 3) {
    const [h, s, v] = rgbToHsv(img[p] / 255, img[p + 1] / 255, img[p + 2] / 255);
    const rgb = hsvToRgb((((h + f) % 1) + 1) % 1, s, v);
    for (let c = 0; c < 3; c++) img[p + c] = Math.trunc(rgb[c] * (256 - 1e-3));
  }
}

/**
 * transforms.py `color_jitter`: brightness ×U(1 ± 32/255) with p ½; then, in an order chosen
 * with p ½, contrast ×U(0.5, 1.5) with p ½ and (saturation ×U(0.5, 1.5) with p ½, hue
 * +U(±18/360) with p ½). Each op clamps its result to 0…255.
 */
export function colorJitter(img: Uint8Array, rng: Rng): void {
  const factor = (spread: number, centre = 1) => uniform(rng, centre - spread, centre + spread);
  if (rng() < 0.5) adjustBrightness(img, factor(32 / 255));
  const contrast = () => { if (rng() < 0.5) adjustContrast(img, factor(0.5)); };
  const saturationAndHue = () => {
    if (rng() < 0.5) adjustSaturation(img, factor(0.5));
    if (rng() < 0.5) adjustHue(img, factor(18 / 360, 0));
  };
  if (rng() < 0.5) { contrast(); saturationAndHue(); } else { saturationAndHue(); contrast(); }
}

/** T.ScaleJitter(target_size=(S, S), scale_range): r = min(S/H, S/W)·U(lo, hi); sizes int(H·r), int(W·r). */
export function scaleJitterSize(height: number, width: number, crop: number, scale: number): { height: number; width: number } {
  const r = Math.min(crop / height, crop / width) * scale;
  return { height: Math.max(1, Math.trunc(height * r)), width: Math.max(1, Math.trunc(width * r)) };
}

/** Bilinear resize with antialias (torchvision `resize(antialias=True)`) of RGB HWC bytes, rounded. */
export function resizeRgbAntialias(src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array {
  const rh = bilinearMatrix(h, oh, true), rw = bilinearMatrix(w, ow, true);
  const taps = (m: Float64Array, n: number, o: number) => {
    let lo = 0, hi = n;
    while (lo < n && m[o * n + lo] === 0) lo++;
    while (hi > lo && m[o * n + hi - 1] === 0) hi--;
    return [lo, hi];
  };
  const tmp = new Float64Array(h * ow * 3); // horizontal pass first, as torch does
  for (let x = 0; x < ow; x++) {
    const [lo, hi] = taps(rw, w, x);
    for (let y = 0; y < h; y++) for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let k = lo; k < hi; k++) s += rw[x * w + k] * src[(y * w + k) * 3 + c];
      tmp[(y * ow + x) * 3 + c] = s;
    }
  }
  const out = new Uint8Array(oh * ow * 3);
  for (let y = 0; y < oh; y++) {
    const [lo, hi] = taps(rh, h, y);
    for (let i = 0; i < ow * 3; i++) {
      let s = 0;
      for (let k = lo; k < hi; k++) s += rh[y * h + k] * tmp[k * ow * 3 + i];
      out[y * ow * 3 + i] = Math.min(255, Math.max(0, Math.round(s)));
    }
  }
  return out;
}

/** Masks resize with mode "nearest" (torch's legacy nearest: source index ⌊o·in/out⌋, not the pixel centre). */
export function resizeMaskNearest(src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array {
  const out = new Uint8Array(oh * ow);
  const sy = h / oh, sx = w / ow;
  for (let y = 0; y < oh; y++) {
    const row = Math.min(Math.floor(y * sy), h - 1) * w;
    for (let x = 0; x < ow; x++) out[y * ow + x] = src[row + Math.min(Math.floor(x * sx), w - 1)];
  }
  return out;
}

/** The most redraws before a crop without any labelled pixel is reported (the benchmark recurses forever). */
const MAX_REDRAWS = 1000;

/**
 * transforms.py `pad` + `crop`: pad bottom/right to at least S×S (image 0, label 255 — the
 * benchmark pads its binary class masks with 0, i.e. no class, which becomes ignore), then a
 * uniform S×S window (`RandomCrop`: top ∈ 0…H−S), redrawn while it holds no labelled pixel.
 */
export function padAndCrop(image: Uint8Array, mask: Uint8Array, h: number, w: number, crop: number, rng: Rng, name = 'the image'): Crop {
  const ph = Math.max(h, crop), pw = Math.max(w, crop);
  for (let attempt = 0; attempt < MAX_REDRAWS; attempt++) {
    const top = Math.floor(rng() * (ph - crop + 1)), left = Math.floor(rng() * (pw - crop + 1));
    const out: Crop = { image: new Uint8Array(crop * crop * 3), mask: new Uint8Array(crop * crop).fill(255) };
    let labelled = false;
    for (let y = 0; y < crop && top + y < h; y++) {
      for (let x = 0; x < crop && left + x < w; x++) {
        const s = (top + y) * w + left + x, d = y * crop + x;
        out.image.set(image.subarray(s * 3, s * 3 + 3), d * 3);
        out.mask[d] = mask[s];
        if (mask[s] !== 255) labelled = true;
      }
    }
    if (labelled) return out;
  }
  throw new RangeError(`${name}: no ${crop}×${crop} crop with a labelled pixel in ${MAX_REDRAWS} draws (is its mask all 255?)`);
}

/** One training crop with the benchmark's augmentation (`Transforms.forward`); the sample is not modified. */
export function augmentBenchmark(s: Sample, rng: Rng, o: { crop: number; scale?: [number, number] }): Crop {
  const image = s.image.slice(), mask = s.mask.slice();
  colorJitter(image, rng);
  if (rng() < 0.5) flipInPlace(image, mask, s.height, s.width);
  const [lo, hi] = o.scale ?? [0.5, 2.0];
  const size = scaleJitterSize(s.height, s.width, o.crop, uniform(rng, lo, hi));
  const scaled = resizeRgbAntialias(image, s.height, s.width, size.height, size.width);
  const scaledMask = resizeMaskNearest(mask, s.height, s.width, size.height, size.width);
  return padAndCrop(scaled, scaledMask, size.height, size.width, o.crop, rng, s.stem);
}

function flipInPlace(image: Uint8Array, mask: Uint8Array, h: number, w: number): void {
  for (let y = 0; y < h; y++) {
    for (let a = y * w, b = a + w - 1; a < b; a++, b--) {
      [mask[a], mask[b]] = [mask[b], mask[a]];
      for (let c = 0; c < 3; c++) [image[a * 3 + c], image[b * 3 + c]] = [image[b * 3 + c], image[a * 3 + c]];
    }
  }
}

/** datasets/dataset.py drops images whose label map has one value (`min_val == max_val`). */
export function hasSingleLabelValue(mask: Uint8Array): boolean {
  for (let i = 1; i < mask.length; i++) if (mask[i] !== mask[0]) return false;
  return true;
}
