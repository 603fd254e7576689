/**
 * @file "Similar patches": the encoder's patch features (the feature lens's output, [N, D]) pick
 * every patch whose cosine similarity to the clicked one reaches a threshold; the selection is then
 * snapped to superpixels, whose outlines follow the photo's edges where the 16-px patch grid cannot.
 */

/** 1 for each patch i with cosine(probe, i) ≥ threshold; a patch with a zero feature matches nothing. */
export function similarPatches(features: Float32Array, dim: number, probe: number, threshold: number): Uint8Array {
  if (!Number.isInteger(dim) || dim <= 0 || features.length % dim !== 0) throw new RangeError(`features of length ${features.length} are not rows of ${dim}`);
  const n = features.length / dim;
  if (!Number.isInteger(probe) || probe < 0 || probe >= n) throw new RangeError(`patch ${probe} is outside the ${n} patches`);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0, o = i * dim; d < dim; d++) s += features[o + d] * features[o + d];
    norms[i] = Math.sqrt(s);
  }
  const out = new Uint8Array(n);
  const p = probe * dim;
  if (norms[probe] === 0) return out;
  for (let i = 0; i < n; i++) {
    if (norms[i] === 0) continue;
    let dot = 0;
    for (let d = 0, o = i * dim; d < dim; d++) dot += features[p + d] * features[o + d];
    if (dot / (norms[probe] * norms[i]) >= threshold) out[i] = 1;
  }
  return out;
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
