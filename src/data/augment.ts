/**
 * @file Training augmentation as in the benchmark (mmseg-style), on typed arrays: random scale
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

/** Bilinear resize of an RGB HWC uint8 image (align_corners=False centres). */
export function resizeRgb(src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array {
  const out = new Uint8Array(oh * ow * 3);
  const sy = h / oh, sx = w / ow;
  for (let y = 0; y < oh; y++) {
    const fy = Math.max((y + 0.5) * sy - 0.5, 0);
    const y0 = Math.min(Math.floor(fy), h - 1), y1 = Math.min(y0 + 1, h - 1), wy = fy - y0;
    for (let x = 0; x < ow; x++) {
      const fx = Math.max((x + 0.5) * sx - 0.5, 0);
      const x0 = Math.min(Math.floor(fx), w - 1), x1 = Math.min(x0 + 1, w - 1), wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top = src[(y0 * w + x0) * 3 + c] * (1 - wx) + src[(y0 * w + x1) * 3 + c] * wx;
        const bottom = src[(y1 * w + x0) * 3 + c] * (1 - wx) + src[(y1 * w + x1) * 3 + c] * wx;
        out[(y * ow + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return out;
}

/** Nearest-neighbour resize of a label map (never mixes class ids). */
export function resizeNearest(src: Uint8Array, h: number, w: number, oh: number, ow: number): Uint8Array {
  const out = new Uint8Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const sy = Math.min(Math.floor(((y + 0.5) * h) / oh), h - 1);
    for (let x = 0; x < ow; x++) out[y * ow + x] = src[sy * w + Math.min(Math.floor(((x + 0.5) * w) / ow), w - 1)];
  }
  return out;
}

/** Copies a crop×crop window at (top, left), which may reach outside the image: padding = mean colour / 255. */
function cropAt(img: Uint8Array, mask: Uint8Array, h: number, w: number, top: number, left: number, crop: number, fill: [number, number, number]): Crop {
  const image = new Uint8Array(crop * crop * 3);
  const labels = new Uint8Array(crop * crop).fill(255);
  for (let p = 0; p < crop * crop; p++) image.set(fill, p * 3);
  for (let y = 0; y < crop; y++) {
    const sy = top + y;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < crop; x++) {
      const sx = left + x;
      if (sx < 0 || sx >= w) continue;
      const s = sy * w + sx, d = y * crop + x;
      labels[d] = mask[s];
      image[d * 3] = img[s * 3]; image[d * 3 + 1] = img[s * 3 + 1]; image[d * 3 + 2] = img[s * 3 + 2];
    }
  }
  return { image, mask: labels };
}

export interface AugmentOptions {
  crop: number;
  /** Pixel mean in 0…1 (used as the padding colour). */
  mean: [number, number, number];
  scale?: [number, number];
  flip?: boolean;
  photometric?: boolean;
}

export function augment(s: Sample, rng: Rng, o: AugmentOptions): Crop {
  const [lo, hi] = o.scale ?? [0.5, 2.0];
  const scale = uniform(rng, lo, hi);
  const h = Math.max(1, Math.round(s.height * scale)), w = Math.max(1, Math.round(s.width * scale));
  const img = resizeRgb(s.image, s.height, s.width, h, w);
  const mask = resizeNearest(s.mask, s.height, s.width, h, w);
  // a random window; when the image is smaller than the crop it lands at a random offset inside the padding
  const top = Math.floor(rng() * (Math.abs(h - o.crop) + 1)) * (h >= o.crop ? 1 : -1);
  const left = Math.floor(rng() * (Math.abs(w - o.crop) + 1)) * (w >= o.crop ? 1 : -1);
  const fill = o.mean.map((m) => Math.round(m * 255)) as [number, number, number];
  const out = cropAt(img, mask, h, w, top, left, o.crop, fill);
  if ((o.flip ?? true) && rng() < 0.5) flipHorizontal(out, o.crop);
  if (o.photometric ?? true) photometric(out.image, rng);
  return out;
}

/** Without augmentation: as is when the image equals the crop; otherwise short side → crop, centre crop. */
export function centerCrop(s: Sample, crop: number): Crop {
  if (s.width === crop && s.height === crop) return { image: s.image, mask: s.mask };
  const k = crop / Math.min(s.width, s.height);
  const h = Math.max(crop, Math.round(s.height * k)), w = Math.max(crop, Math.round(s.width * k));
  const img = resizeRgb(s.image, s.height, s.width, h, w);
  const mask = resizeNearest(s.mask, s.height, s.width, h, w);
  return cropAt(img, mask, h, w, Math.floor((h - crop) / 2), Math.floor((w - crop) / 2), crop, [0, 0, 0]);
}

export function flipHorizontal(c: Crop, crop: number): void {
  for (let y = 0; y < crop; y++) for (let x = 0; x < crop / 2; x++) {
    const a = y * crop + x, b = y * crop + crop - 1 - x;
    [c.mask[a], c.mask[b]] = [c.mask[b], c.mask[a]];
    for (let k = 0; k < 3; k++) [c.image[a * 3 + k], c.image[b * 3 + k]] = [c.image[b * 3 + k], c.image[a * 3 + k]];
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
