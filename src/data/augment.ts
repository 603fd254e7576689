/**
 * @file The demo's training augmentation (mmseg-like; the benchmark's own is augment-benchmark.ts), on typed arrays: random scale
 * 0.5–2.0, random crop to the crop size (image padded with the mean colour, labels with 255),
 * horizontal flip, photometric jitter (brightness, contrast, saturation, hue). Images resize
 * bilinearly, labels by nearest neighbour. Then `(x/255 − mean)/std` into CHW float32.
 */
import type { Sample } from './dataset';
import { uniform, type Rng } from './random';

export interface Crop {
  image: Uint8Array; // RGB HWC, crop×crop
  mask: Uint8Array; // crop×crop
}

/**
 * Bilinear sampling taps along one axis for output positions `start … start+n−1` of a size
 * `scaled` resize of a size `size` axis (align_corners=False centres). Positions outside
 * `[0, scaled)` get i0 = −1 (padding).
 */
function bilinearTaps(size: number, scaled: number, start: number, n: number) {
  const i0 = new Int32Array(n), i1 = new Int32Array(n), w1 = new Float32Array(n);
  const k = size / scaled;
  for (let o = 0; o < n; o++) {
    const d = start + o;
    if (d < 0 || d >= scaled) { i0[o] = -1; continue; }
    const f = Math.max((d + 0.5) * k - 0.5, 0);
    const a = Math.min(Math.floor(f), size - 1);
    i0[o] = a; i1[o] = Math.min(a + 1, size - 1); w1[o] = f - a;
  }
  return { i0, i1, w1 };
}

/** Nearest-neighbour source index (pixel centres) for output positions, −1 outside. */
function nearestTaps(size: number, scaled: number, start: number, n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let o = 0; o < n; o++) {
    const d = start + o;
    idx[o] = d < 0 || d >= scaled ? -1 : Math.min(Math.floor(((d + 0.5) * size) / scaled), size - 1);
  }
  return idx;
}

/**
 * The `outH×outW` window at (top, left) of the RGB image resized bilinearly to scaledH×scaledW,
 * computed directly (never materialising the whole resized image, which at scale 2 can be
 * 16× the crop). Window pixels outside the resized image get `fill`.
 */
export function resampleRgb(
  src: Uint8Array, h: number, w: number, scaledH: number, scaledW: number,
  top: number, left: number, outH: number, outW: number, fill: readonly number[] = [0, 0, 0],
): Uint8Array {
  const out = new Uint8Array(outH * outW * 3);
  const ys = bilinearTaps(h, scaledH, top, outH), xs = bilinearTaps(w, scaledW, left, outW);
  for (let y = 0; y < outH; y++) {
    const y0 = ys.i0[y], row = y * outW * 3;
    if (y0 < 0) { for (let x = 0; x < outW; x++) out.set(fill, row + x * 3); continue; }
    const r0 = y0 * w * 3, r1 = ys.i1[y] * w * 3, wy = ys.w1[y];
    for (let x = 0; x < outW; x++) {
      const x0 = xs.i0[x], d = row + x * 3;
      if (x0 < 0) { out[d] = fill[0]; out[d + 1] = fill[1]; out[d + 2] = fill[2]; continue; }
      const c0 = x0 * 3, c1 = xs.i1[x] * 3, wx = xs.w1[x];
      for (let c = 0; c < 3; c++) {
        const t = src[r0 + c0 + c] + (src[r0 + c1 + c] - src[r0 + c0 + c]) * wx;
        const b = src[r1 + c0 + c] + (src[r1 + c1 + c] - src[r1 + c0 + c]) * wx;
        out[d + c] = Math.round(t + (b - t) * wy);
      }
    }
  }
  return out;
}

/** As `resampleRgb` for a label map, nearest neighbour (never mixes class ids); padding = 255. */
export function resampleLabels(
  src: Uint8Array, h: number, w: number, scaledH: number, scaledW: number, top: number, left: number, outH: number, outW: number,
): Uint8Array {
  const out = new Uint8Array(outH * outW).fill(255);
  const ys = nearestTaps(h, scaledH, top, outH), xs = nearestTaps(w, scaledW, left, outW);
  for (let y = 0; y < outH; y++) {
    if (ys[y] < 0) continue;
    const row = ys[y] * w;
    for (let x = 0; x < outW; x++) if (xs[x] >= 0) out[y * outW + x] = src[row + xs[x]];
  }
  return out;
}

/** Bilinear resize of an RGB HWC uint8 image (align_corners=False centres). */
export const resizeRgb = (src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array =>
  resampleRgb(src, h, w, oh, ow, 0, 0, oh, ow);

/** Nearest-neighbour resize of a label map. */
export const resizeNearest = (src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array =>
  resampleLabels(src, h, w, oh, ow, 0, 0, oh, ow);

export interface AugmentOptions {
  crop: number;
  /** Pixel mean in 0…1 (used as the padding colour). */
  mean: [number, number, number];
  /** Random scale range (default 0.5–2), relative to the base size below. */
  scale?: [number, number];
  /**
   * Base size: resize so the short side is this many pixels before the random scale (mmseg's
   * `scale=(…, 512)`); default: the image's own size. Set it when images are much larger than the crop.
   */
  baseShortSide?: number;
  flip?: boolean;
  photometric?: boolean;
}

/** One random training crop of `s` (the sample itself is not modified). */
export function augment(s: Sample, rng: Rng, o: AugmentOptions): Crop {
  const [lo, hi] = o.scale ?? [0.5, 2.0];
  const base = o.baseShortSide ? o.baseShortSide / Math.min(s.width, s.height) : 1;
  const scale = base * uniform(rng, lo, hi);
  const h = Math.max(1, Math.round(s.height * scale)), w = Math.max(1, Math.round(s.width * scale));
  const crop = o.crop;
  // a random window; when the image is smaller than the crop it lands at a random offset inside the padding
  const top = Math.floor(rng() * (Math.abs(h - crop) + 1)) * (h >= crop ? 1 : -1);
  const left = Math.floor(rng() * (Math.abs(w - crop) + 1)) * (w >= crop ? 1 : -1);
  const fill = o.mean.map((m) => Math.round(m * 255));
  const out: Crop = {
    image: resampleRgb(s.image, s.height, s.width, h, w, top, left, crop, crop, fill),
    mask: resampleLabels(s.mask, s.height, s.width, h, w, top, left, crop, crop),
  };
  if ((o.flip ?? true) && rng() < 0.5) flipHorizontal(out, crop);
  if (o.photometric ?? true) photometric(out.image, rng);
  return out;
}

/**
 * Without augmentation: an image equal to the crop is used as it is; any other size is resized
 * (short side → crop, bilinear; labels nearest) and centre-cropped, so nothing is padded.
 */
export function centerCrop(s: Sample, crop: number): Crop {
  if (s.width === crop && s.height === crop) return { image: s.image, mask: s.mask };
  const k = crop / Math.min(s.width, s.height);
  const h = Math.max(crop, Math.round(s.height * k)), w = Math.max(crop, Math.round(s.width * k));
  const top = Math.floor((h - crop) / 2), left = Math.floor((w - crop) / 2);
  return {
    image: resampleRgb(s.image, s.height, s.width, h, w, top, left, crop, crop),
    mask: resampleLabels(s.mask, s.height, s.width, h, w, top, left, crop, crop),
  };
}

export function flipHorizontal(c: Crop, crop: number): void {
  const { image, mask } = c;
  for (let y = 0; y < crop; y++) {
    for (let a = y * crop, b = a + crop - 1; a < b; a++, b--) {
      const m = mask[a]; mask[a] = mask[b]; mask[b] = m;
      for (let k = 0; k < 3; k++) {
        const v = image[a * 3 + k]; image[a * 3 + k] = image[b * 3 + k]; image[b * 3 + k] = v;
      }
    }
  }
}

/** mmseg PhotoMetricDistortion, each with p = ½: brightness ±32, contrast ×0.5–1.5, saturation ×0.5–1.5, hue ±18°. */
export function photometric(img: Uint8Array, rng: Rng): void {
  const brightness = rng() < 0.5 ? uniform(rng, -32, 32) : 0;
  const contrast = rng() < 0.5 ? uniform(rng, 0.5, 1.5) : 1;
  const saturation = rng() < 0.5 ? uniform(rng, 0.5, 1.5) : 1;
  const hue = rng() < 0.5 ? (uniform(rng, -18, 18) * Math.PI) / 180 : 0;
  if (!brightness && contrast === 1 && saturation === 1 && !hue) return;
  // hue: rotate the chroma plane of YIQ
  const cos = Math.cos(hue), sin = Math.sin(hue);
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let p = 0; p < img.length; p += 3) {
    let r = (img[p] + brightness) * contrast, g = (img[p + 1] + brightness) * contrast, b = (img[p + 2] + brightness) * contrast;
    const y = 0.299 * r + 0.587 * g + 0.114 * b;
    let i = (0.596 * r - 0.274 * g - 0.322 * b) * saturation;
    let q = (0.211 * r - 0.523 * g + 0.312 * b) * saturation;
    [i, q] = [i * cos - q * sin, i * sin + q * cos];
    r = y + 0.956 * i + 0.621 * q;
    g = y - 0.272 * i - 0.647 * q;
    b = y - 1.106 * i + 1.703 * q;
    img[p] = clamp(r); img[p + 1] = clamp(g); img[p + 2] = clamp(b);
  }
}

/** RGB HWC bytes → normalised CHW floats, written at `offset` of `out`. */
export function normalizeInto(out: Float32Array, offset: number, rgb: Uint8Array, pixels: number, mean: readonly number[], std: readonly number[]): void {
  for (let c = 0; c < 3; c++) {
    const m = mean[c], s = std[c], base = offset + c * pixels;
    for (let p = 0; p < pixels; p++) out[base + p] = (rgb[p * 3 + c] / 255 - m) / s;
  }
}
