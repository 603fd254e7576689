/**
 * @file "Label next": how unsure the model is about an image, as the mean over its pixels of the
 * softmax's entropy −Σ p·ln p (0 when certain, ln C when uniform); the least sure image first.
 */

/** Mean per-pixel entropy of [C, H, W] logits (`pixels` = H·W), softmax with the max subtracted. */
export function meanPixelEntropy(logits: Float32Array, classes: number, pixels: number): number {
  if (classes <= 0 || pixels <= 0 || logits.length !== classes * pixels) {
    throw new RangeError(`logits of length ${logits.length} are not ${classes} classes × ${pixels} pixels`);
  }
  let total = 0;
  for (let i = 0; i < pixels; i++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[c * pixels + i]);
    // with z = Σ e^(l−max): H = ln z − Σ e^(l−max)·(l−max) / z, no log of a tiny p
    let z = 0, weighted = 0;
    for (let c = 0; c < classes; c++) {
      const d = logits[c * pixels + i] - max;
      const e = Math.exp(d);
      z += e;
      weighted += e * d;
    }
    total += Math.log(z) - weighted / z;
  }
  return total / pixels;
}

/** A copy ordered by entropy, highest first; ties keep their order (Array.sort is stable). */
export function orderByEntropy<T extends { entropy: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.entropy - a.entropy);
}
