/**
 * @file The labelling workspace as data: classes (class 0 "background" by default), the images
 * (their size and chosen split) and the split seed. Masks live beside it, one per image, as
 * width·height bytes: a class id, or 255 for unlabelled (ignored by training).
 */
import { mulberry32 } from '../data/random';

export type RGB = [number, number, number];

export interface LabelClass {
  name: string;
  color: RGB;
}

export type SplitChoice = 'train' | 'val' | 'auto';

export interface LabelImage {
  id: string;
  name: string;
  width: number;
  height: number;
  /** 'auto' lets `chooseSplit` decide; 'train' / 'val' is the user's override. */
  split: SplitChoice;
}

export interface LabelWorkspace {
  classes: LabelClass[];
  images: LabelImage[];
  seed: number;
}

export const UNLABELLED = 255;

/** Most classes a mask can hold: ids 0…254, since 255 means unlabelled. */
export const MAX_CLASSES = 255;

/** The fraction of the images held out for validation. */
export const VAL_FRACTION = 0.2;

export function defaultWorkspace(): LabelWorkspace {
  return { classes: [{ name: 'background', color: [0, 0, 0] }], images: [], seed: 0 };
}

/** True when at least one pixel carries a class. */
export const isLabelled = (mask: Uint8Array) => mask.some((v) => v !== UNLABELLED);

/** How many masks have at least one labelled pixel ("N of M labelled"). */
export function labelledCount(masks: Iterable<Uint8Array | undefined>): number {
  let n = 0;
  for (const m of masks) if (m && isLabelled(m)) n++;
  return n;
}

/**
 * Train or val for every image: overrides stand; the 'auto' images are shuffled by `seed`
 * (mulberry32, as src/data's seeded split) and the first ones go to val until 20 % of all images
 * (rounded, at least one when there are two or more) are val, always leaving one for training.
 */
export function chooseSplit(images: readonly LabelImage[], seed: number): Map<string, 'train' | 'val'> {
  const out = new Map<string, 'train' | 'val'>();
  const auto: LabelImage[] = [];
  let val = 0;
  for (const img of images) {
    if (img.split === 'auto') auto.push(img);
    else out.set(img.id, img.split);
    if (img.split === 'val') val++;
  }
  const n = images.length;
  const wantVal = n >= 2 ? Math.max(1, Math.round(VAL_FRACTION * n)) : 0;
  // sorted by id first, so the split depends on the images, not on the order they were added in
  const order = [...auto].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rand = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const img of order) {
    // n − val > 1: after this one goes to val, some image is still not val
    const toVal = val < wantVal && n - val > 1;
    out.set(img.id, toVal ? 'val' : 'train');
    if (toVal) val++;
  }
  return out;
}

/** "Fill the rest with background": every unlabelled pixel becomes class 0; returns how many did. */
export function fillBackground(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === UNLABELLED) { mask[i] = 0; n++; }
  }
  return n;
}

/** A new image's mask: all unlabelled. */
export const emptyMask = (image: Pick<LabelImage, 'width' | 'height'>) => new Uint8Array(image.width * image.height).fill(UNLABELLED);
