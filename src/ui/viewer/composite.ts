/**
 * @file The viewer's pictures as pure pixel functions (RGB image in, RGBA out), reusable by any
 * viewer: a class mask over the image at an overlay opacity, and an error map over the image.
 */
export type Rgb = readonly [number, number, number];

/** Class id 255: no label (ignored in training and evaluation). */
export const IGNORE = 255;

/** One channel of a colour laid over the image: opacity 0 → the image only, 1 → the colour fully opaque. */
export const blend = (image: number, color: number, opacity: number): number => Math.round(image * (1 - opacity) + color * opacity);

/** The image alone, as RGBA. */
export function paintImage(image: Uint8Array, out: Uint8ClampedArray = new Uint8ClampedArray((image.length / 3) * 4)): Uint8ClampedArray {
  for (let i = 0, n = image.length / 3; i < n; i++) out.set([image[3 * i], image[3 * i + 1], image[3 * i + 2], 255], 4 * i);
  return out;
}

/**
 * Each pixel's colour (`colorOf(i)`, undefined = leave the image) laid over the image at `opacity`.
 * The one loop behind masks and error maps.
 */
function overlay(image: Uint8Array, colorOf: (i: number) => Rgb | undefined, opacity: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  const rgba = paintImage(image, out);
  for (let i = 0, n = image.length / 3; i < n; i++) {
    const c = colorOf(i);
    if (c) for (let j = 0; j < 3; j++) rgba[4 * i + j] = blend(image[3 * i + j], c[j], opacity);
  }
  return rgba;
}

/** A class mask over the image: class k in `colors[k]` (white for an id past the list); ignore pixels show the image. */
export function paintMask(image: Uint8Array, ids: Uint8Array, colors: readonly Rgb[], opacity: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  return overlay(image, (i) => (ids[i] === IGNORE ? undefined : colors[ids[i]] ?? [255, 255, 255]), opacity, out);
}

/**
 * What a predicted pixel got wrong. With a background class (VOC's "background", the demo's):
 * `missed` — an object predicted as background (a false negative for the object);
 * `falseAlarm` — background predicted as an object (a false positive);
 * `wrongClass` — an object predicted as another object (without a background class, every error).
 * `ignore` — no label, or no prediction; `correct` — prediction equals the label.
 */
export type ErrorKind = 'ignore' | 'correct' | 'missed' | 'falseAlarm' | 'wrongClass';

export function errorKind(truth: number, predicted: number, background?: number): ErrorKind {
  if (truth === IGNORE || predicted === IGNORE) return 'ignore';
  if (truth === predicted) return 'correct';
  if (background !== undefined && predicted === background) return 'missed';
  if (background !== undefined && truth === background) return 'falseAlarm';
  return 'wrongClass';
}

/** Error colours (distinct from each other and from the demo's class colours; readable over orange objects and grey). */
export const ERROR_COLORS: Record<'missed' | 'falseAlarm' | 'wrongClass', Rgb> = {
  missed: [0, 190, 230],
  falseAlarm: [255, 225, 0],
  wrongClass: [220, 0, 200],
};
export const ERROR_LABELS: Record<keyof typeof ERROR_COLORS, string> = {
  missed: 'missed (object predicted as background)',
  falseAlarm: 'false alarm (background predicted as object)',
  wrongClass: 'wrong class',
};

/** The error kinds a dataset can show: missed/false alarm only when it has a background class. */
export const errorKindsFor = (background?: number): (keyof typeof ERROR_COLORS)[] =>
  background === undefined ? ['wrongClass'] : ['missed', 'falseAlarm', 'wrongClass'];

/** The index of a class named background (any case, VOC's `_background_` too), if any. */
export function backgroundIndex(names: readonly string[]): number | undefined {
  const i = names.findIndex((n) => /^_?(background|bg)_?$/i.test(n.trim()));
  return i < 0 ? undefined : i;
}

/** Errors over the image in ERROR_COLORS at `opacity`; correct and ignored pixels show the image. */
export function paintErrors(image: Uint8Array, truth: Uint8Array, predicted: Uint8Array, background: number | undefined, opacity: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  return overlay(image, (i) => {
    const k = errorKind(truth[i], predicted[i], background);
    return k === 'ignore' || k === 'correct' ? undefined : ERROR_COLORS[k];
  }, opacity, out);
}

/** Where the compared runs do not agree (one colour, distinct from the class and error colours). */
export const DISAGREE_COLOR: Rgb = [150, 30, 255];

/**
 * Per pixel, whether the runs' predictions agree: 1 where the runs that predict there (an
 * IGNORE prediction means "no prediction here") name two or more classes, 0 where they all name
 * the same one, IGNORE where fewer than two runs predict. `share` is the disagreeing fraction of
 * the pixels where at least two runs predict (0 when there are none).
 */
export function disagreement(predictions: readonly Uint8Array[]): { map: Uint8Array; share: number } {
  const n = predictions[0]?.length ?? 0;
  if (predictions.some((p) => p.length !== n)) throw new Error(`disagreement: predictions of ${predictions.map((p) => p.length).join(' / ')} pixels; they must be the same image`);
  const map = new Uint8Array(n).fill(IGNORE);
  let compared = 0, differing = 0;
  for (let i = 0; i < n; i++) {
    let first = IGNORE, voters = 0, differs = 0;
    for (const p of predictions) {
      if (p[i] === IGNORE) continue;
      if (voters++ === 0) first = p[i];
      else if (p[i] !== first) differs = 1;
    }
    if (voters < 2) continue;
    map[i] = differs;
    compared++;
    differing += differs;
  }
  return { map, share: compared ? differing / compared : 0 };
}

/** The disagreement map (from `disagreement`) over the image: disagreeing pixels in DISAGREE_COLOR. */
export function paintDisagreement(image: Uint8Array, map: Uint8Array, opacity: number, out?: Uint8ClampedArray): Uint8ClampedArray {
  return overlay(image, (i) => (map[i] === 1 ? DISAGREE_COLOR : undefined), opacity, out);
}
