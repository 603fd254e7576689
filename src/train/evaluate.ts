/**
 * @file Benchmark-style evaluation: resize the image so its short side equals the crop, slide
 * crop-sized windows with overlap (geometry in src/data/window.ts), average the logits where
 * windows overlap, resize the logits back to the label's size, arg-max, and add to a
 * dataset-level confusion matrix.
 */
import { LogitAccumulator, extractWindow, longSideWindowPlan, slidingWindowPlan } from '../data/window';
import { resizeChannels } from '../model/resample';
import { ConfusionMatrix, type MIoUDefinition } from './metrics';
import type { RecipeRules, WindowLayout } from './recipe';

/**
 * How an image is windowed: the layout, and the short-side resize before it — antialiased (the
 * benchmark's torchvision `resize` on a tensor) or plain bilinear (the demo's).
 */
export interface Windows {
  layout: WindowLayout;
  resize: 'antialias' | 'bilinear';
}

/**
 * The evaluation procedure of a run, recorded in its model file (metadata `evaluation`, with the
 * file's crop, mean and std) and its run record: `vfm-lab predict`, the viewer and cross-dataset
 * evaluation repeat it, so a prediction is what the evaluation scored.
 */
export interface EvalProcedure extends Windows {
  crop: number;
  mean: [number, number, number];
  std: [number, number, number];
  miou: MIoUDefinition;
}

/** A recipe's windows: the benchmark pairs long-side windows with the antialiased resize. */
export function windowsOf(rules: Pick<RecipeRules, 'windowLayout'>): Windows {
  return { layout: rules.windowLayout, resize: rules.windowLayout === 'long-side' ? 'antialias' : 'bilinear' };
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

/**
 * Per-pixel class scores [C, H, W] of one image at its own resolution. `long-side` is the
 * benchmark's evaluation: the image resized with antialias (torchvision `resize` on a tensor),
 * its windows along the long side, and the averaged logits resized back bilinearly without
 * antialias (`F.interpolate`, training/lightning_module.py `revert_window_logits_semantic`).
 * The benchmark resizes uint8 pixels before normalising; resizing is linear, so resizing the
 * normalised image differs only by that uint8 rounding.
 */
export async function slidingLogits(
  img: EvalImage, crop: number, batch: number, numClasses: number, logitsOf: LogitsFn, windows: Windows = { layout: 'grid-2/3', resize: 'bilinear' },
): Promise<Float32Array> {
  const plan = windows.layout === 'long-side' ? longSideWindowPlan(img.height, img.width, crop) : slidingWindowPlan(img.height, img.width, crop);
  const { height: rh, width: rw } = plan;
  const same = rh === img.height && rw === img.width;
  const resized = same ? img.chw : resizeChannels(img.chw, 3, img.height, img.width, rh, rw, 'bilinear', windows.resize === 'antialias');
  const acc = new LogitAccumulator(numClasses, rh, rw, crop);
  for (let b = 0; b < plan.windows.length; b += batch) {
    const chunk = plan.windows.slice(b, b + batch);
    const crops = new Float32Array(batch * 3 * crop * crop); // unused slots stay zero
    chunk.forEach((win, i) => extractWindow(resized, 3, rh, rw, win, crop, crops, i * 3 * crop * crop));
    const logits = await logitsOf(crops);
    chunk.forEach((win, i) => acc.add(win, logits, i * numClasses * crop * crop));
  }
  const scores = acc.average();
  return same ? scores : resizeChannels(scores, numClasses, rh, rw, img.height, img.width, 'bilinear');
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
  /** The mean the procedure names (`mIoUDefinition`); `mIoUs` holds both definitions. */
  mIoU: number;
  mIoUDefinition: MIoUDefinition;
  mIoUs: Record<MIoUDefinition, number>;
  /** null: a class in neither the labels nor the predictions (it counts 0 in the all-classes mean). */
  perClassIoU: (number | null)[];
  pixelAccuracy: number;
  confusion: number[][];
}

export async function evaluateImages(
  images: AsyncIterable<EvalImage> | Iterable<EvalImage>,
  opts: { crop: number; batch: number; numClasses: number; logits: LogitsFn; windows?: Windows; miou?: MIoUDefinition; onImage?: (done: number) => void },
): Promise<EvalResult> {
  const cm = new ConfusionMatrix(opts.numClasses);
  let done = 0;
  for await (const img of images) {
    const scores = await slidingLogits(img, opts.crop, opts.batch, opts.numClasses, opts.logits, opts.windows);
    cm.add(argmaxClasses(scores, opts.numClasses, img.height * img.width), img.label);
    opts.onImage?.(++done);
  }
  const definition = opts.miou ?? 'present-classes';
  const mIoUs = cm.meanIoUs();
  return { mIoU: mIoUs[definition], mIoUDefinition: definition, mIoUs, perClassIoU: cm.iou(), pixelAccuracy: cm.pixelAccuracy(), confusion: cm.toJSON() };
}
