/**
 * @file Benchmark-style evaluation: resize the image so its short side equals the crop, slide
 * crop-sized windows with overlap, average the logits where windows overlap, resize the logits
 * back to the label's size, arg-max, and add to a dataset-level confusion matrix.
 */
import { resizeChannels } from '../model/resample';
import { ConfusionMatrix } from './metrics';

export interface Window {
  top: number;
  left: number;
}

/** Window offsets covering a h×w image with crop-sized windows, stride ⌈2/3·crop⌉, the last flush with the edge. */
export function slidingWindows(h: number, w: number, crop: number, stride = Math.ceil((crop * 2) / 3)): Window[] {
  const starts = (size: number) => {
    if (size <= crop) return [0];
    const out: number[] = [];
    for (let s = 0; s + crop < size; s += stride) out.push(s);
    out.push(size - crop);
    return out;
  };
  return starts(h).flatMap((top) => starts(w).map((left) => ({ top, left })));
}

/** The size after resizing so that the short side equals `crop` (the benchmark's eval transform). */
export function shortSideSize(h: number, w: number, crop: number): [number, number] {
  const s = crop / Math.min(h, w);
  return [Math.max(crop, Math.round(h * s)), Math.max(crop, Math.round(w * s))];
}

export interface EvalImage {
  /** Normalised CHW float image. */
  chw: Float32Array;
  height: number;
  width: number;
  label: Uint8Array;
}

/** Runs the eval graph on batches of crops: [B, 3, S, S] → [B, C, S, S]. */
export type LogitsFn = (crops: Float32Array) => Promise<Float32Array>;

/** Per-pixel class scores [C, H, W] of one image at its own resolution. */
export async function slidingLogits(img: EvalImage, crop: number, batch: number, numClasses: number, logitsOf: LogitsFn): Promise<Float32Array> {
  const [rh, rw] = shortSideSize(img.height, img.width, crop);
  const resized = rh === img.height && rw === img.width ? img.chw : resizeChannels(img.chw, 3, img.height, img.width, rh, rw, 'bilinear');
  const windows = slidingWindows(rh, rw, crop);
  const sum = new Float32Array(numClasses * rh * rw);
  const count = new Float32Array(rh * rw);
  const plane = crop * crop;
  for (let b = 0; b < windows.length; b += batch) {
    const chunk = windows.slice(b, b + batch);
    const crops = new Float32Array(batch * 3 * plane); // unused slots stay zero
    chunk.forEach((win, i) => {
      for (let c = 0; c < 3; c++) for (let y = 0; y < crop; y++) {
        const src = (c * rh + win.top + y) * rw + win.left;
        crops.set(resized.subarray(src, src + crop), ((i * 3 + c) * crop + y) * crop);
      }
    });
    const logits = await logitsOf(crops);
    chunk.forEach((win, i) => {
      for (let y = 0; y < crop; y++) for (let x = 0; x < crop; x++) {
        const p = (win.top + y) * rw + win.left + x;
        count[p]++;
        for (let c = 0; c < numClasses; c++) sum[c * rh * rw + p] += logits[((i * numClasses + c) * crop + y) * crop + x];
      }
    });
  }
  for (let c = 0; c < numClasses; c++) for (let p = 0; p < rh * rw; p++) sum[c * rh * rw + p] /= count[p];
  return rh === img.height && rw === img.width ? sum : resizeChannels(sum, numClasses, rh, rw, img.height, img.width, 'bilinear');
}

export function argmaxClasses(scores: Float32Array, numClasses: number, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (scores[c * pixels + p] > scores[best * pixels + p]) best = c;
    out[p] = best;
  }
  return out;
}

export interface EvalResult {
  mIoU: number;
  perClassIoU: (number | null)[];
  pixelAccuracy: number;
  confusion: number[][];
}

export async function evaluateImages(
  images: AsyncIterable<EvalImage> | Iterable<EvalImage>,
  opts: { crop: number; batch: number; numClasses: number; logits: LogitsFn; onImage?: (done: number) => void },
): Promise<EvalResult> {
  const cm = new ConfusionMatrix(opts.numClasses);
  let done = 0;
  for await (const img of images) {
    const scores = await slidingLogits(img, opts.crop, opts.batch, opts.numClasses, opts.logits);
    cm.add(argmaxClasses(scores, opts.numClasses, img.height * img.width), img.label);
    opts.onImage?.(++done);
  }
  return { mIoU: cm.meanIoU(), perClassIoU: cm.iou(), pixelAccuracy: cm.pixelAccuracy(), confusion: cm.toJSON() };
}
