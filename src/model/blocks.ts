/** @file How many transformer blocks a checkpoint holds, from its `blocks.N.*` keys. */

/**
 * The block count, refusing indices that do not run 0…N−1 without gaps: the depth is never taken
 * from the largest index (a key `blocks.99999999999.x` must not make a 10¹¹-block model).
 */
export function blockDepth(keys: Iterable<string>): number {
  const seen = new Set<string>();
  for (const k of keys) {
    const m = /^blocks\.(\d+)\./.exec(k);
    if (m) seen.add(m[1]);
  }
  const indices = [...seen].map(Number).sort((a, b) => a - b);
  const gap = indices.findIndex((n, i) => n !== i);
  if (gap >= 0) {
    const shown = indices.length > 6 ? [...indices.slice(0, 5), '…', indices.at(-1)] : indices;
    throw new Error(`block indices must run 0…N−1 without gaps, but the blocks are ${shown.join(', ')} (no block ${gap})`);
  }
  return indices.length;
}
