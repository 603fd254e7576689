/**
 * @file The labelling workspace's calls on the worker's models, for photos that are in no dataset:
 * a run's proposal (its prediction, evaluated exactly as its validation images are, and the mean
 * pixel entropy of its softmax, for *Propose* and *Label next*), and a backbone's patch features
 * (the feature lens's encoder output, for *Similar patches*).
 */
import { normalizeInto, resizeRgb } from '../data/augment';
import type { CompiledGraph } from '../graph';
import { meanPixelEntropy } from '../label/entropy';
import { argmaxClasses, slidingLogits, type Windows } from '../train/evaluate';
import type { RGB } from '../train/session';
import type { PhotoFeatures, PhotoPixels, Proposal, TrainConfig } from './api';
import type { OwnedRunner } from './compute';
import { lensOnCrop, type Backbone } from './lens';
import type { Logits } from './predictor';

/** A model that predicts: a training run's engine or a saved run's runner, with how it reads pixels. */
export interface Proposer {
  logits: Logits;
  config: Pick<TrainConfig, 'crop' | 'batch'>;
  norm: { mean: RGB; std: RGB };
  /** The evaluation windows its validation used (the model file's record, else its run's rules). */
  windows: Windows;
  numClasses: number;
}

function checkPhoto(photo: PhotoPixels): number {
  const pixels = photo.width * photo.height;
  if (!(pixels > 0) || photo.rgb.length !== 3 * pixels) throw new Error(`the photo holds ${photo.rgb.length} bytes, not ${photo.width}×${photo.height} RGB pixels`);
  return pixels;
}

export async function propose(photo: PhotoPixels, p: Proposer): Promise<Proposal> {
  const pixels = checkPhoto(photo);
  const chw = new Float32Array(3 * pixels);
  normalizeInto(chw, 0, photo.rgb, pixels, p.norm.mean, p.norm.std);
  // no ground truth: every pixel unlabelled (the windows do not read it)
  const label = new Uint8Array(pixels).fill(255);
  const scores = await slidingLogits({ chw, height: photo.height, width: photo.width, label }, p.config.crop, p.config.batch, p.numClasses, p.logits, p.windows);
  return {
    width: photo.width, height: photo.height, classes: p.numClasses,
    prediction: argmaxClasses(scores, p.numClasses, pixels),
    entropy: meanPixelEntropy(scores, p.numClasses, pixels),
  };
}

/** The photo resized to the backbone's square crop (the whole photo, not a centre crop: every patch maps back onto it). */
export async function photoFeatures(photo: PhotoPixels, b: Backbone, createRunner: (g: CompiledGraph) => Promise<OwnedRunner>): Promise<PhotoFeatures> {
  checkPhoto(photo);
  const rgb = resizeRgb(photo.rgb, photo.height, photo.width, b.crop, b.crop);
  const lens = await lensOnCrop(b, rgb, createRunner);
  return { grid: lens.grid, dim: lens.dim, features: lens.features, label: lens.label };
}
