/**
 * @file "Similar patches": the encoder's patch features (the feature lens's output, [N, D]) pick
 * every patch whose cosine similarity to the clicked one reaches a threshold; the selection is then
 * snapped to superpixels, whose outlines follow the photo's edges where the 16-px patch grid cannot.
 */
import { cosineSimilarity, patchNorms } from '../compare/features';

/**
 * 1 for each patch i with cosine(probe, i) ≥ threshold: the feature lens's own similarity
 * (src/compare), so what the lens shows at a threshold is what gets selected; a patch with a zero
 * feature has no direction and matches nothing (not even itself).
 */
export function similarPatches(features: Float32Array, dim: number, probe: number, threshold: number): Uint8Array {
  if (!Number.isInteger(dim) || dim <= 0 || features.length % dim !== 0) throw new RangeError(`features of length ${features.length} are not rows of ${dim}`);
  const n = features.length / dim;
  if (!Number.isInteger(probe) || probe < 0 || probe >= n) throw new RangeError(`patch ${probe} is outside the ${n} patches`);
  const norms = patchNorms(features, n, dim);
  const cosine = cosineSimilarity(features, n, dim, probe, norms);
  return Uint8Array.from(cosine, (c, i) => (norms[i] > 0 && norms[probe] > 0 && c >= threshold ? 1 : 0));
}

/**
 * Per pixel 1/0: a superpixel is selected when at least `minFraction` of its pixels lie in selected
 * patches. The gridH×gridW patches cover the width×height image evenly: pixel (x, y) belongs to
 * patch (⌊y·gridH/height⌋, ⌊x·gridW/width⌋).
 */
export function snapToRegions(patchSelected: Uint8Array, gridH: number, gridW: number, regions: Int32Array, width: number, height: number, minFraction = 0.5): Uint8Array {
  if (patchSelected.length !== gridH * gridW) throw new RangeError(`the selection holds ${patchSelected.length} patches, not ${gridH}×${gridW}`);
  if (regions.length !== width * height) throw new RangeError(`the region map holds ${regions.length} pixels, not ${width}×${height}`);
  let K = 0;
  for (let i = 0; i < regions.length; i++) K = Math.max(K, regions[i] + 1);
  const total = new Uint32Array(K), hit = new Uint32Array(K);
  const column = Int32Array.from({ length: width }, (_, x) => Math.floor((x * gridW) / width));
  for (let y = 0, i = 0; y < height; y++) {
    const row = Math.floor((y * gridH) / height) * gridW;
    for (let x = 0; x < width; x++, i++) {
      const k = regions[i];
      total[k]++;
      hit[k] += patchSelected[row + column[x]];
    }
  }
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) {
    const k = regions[i];
    if (hit[k] >= minFraction * total[k] && hit[k] > 0) out[i] = 1;
  }
  return out;
}
