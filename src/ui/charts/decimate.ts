/**
 * @file Thinning a long line for drawing without changing how it looks: recharts draws every point
 * as SVG on every update, but a plot `w` pixels wide shows at most ~`w` distinct x positions. The
 * points between the first and the last are cut into buckets by index (about one per pixel column)
 * and each bucket keeps, for every drawn value, its lowest and its highest point — so spikes and
 * dips survive, unlike taking every k-th point. Pure, unit-tested.
 */

/** How many points a line may keep for a plot `widthPx` wide: two per pixel column (a min and a max). */
export const pointBudget = (widthPx: number): number => Math.max(64, 2 * Math.ceil(widthPx));

/** Bucket `b` of `count` over the inner indices 1 … n−2: [start, end). */
export function bucketRange(n: number, count: number, b: number): [number, number] {
  return [1 + Math.floor((b * (n - 2)) / count), 1 + Math.floor(((b + 1) * (n - 2)) / count)];
}

/**
 * At most `max` points of `points`, in order: the first, the last, and per bucket the points that
 * hold the minimum and the maximum of each of `keys` (the earliest on ties; a bucket without a
 * finite value keeps its first point, so a gap still shows). A line of `max` points or fewer is
 * returned as it is (the same array).
 */
export function minMaxDecimate<T>(points: readonly T[], keys: readonly (keyof T)[], max: number): readonly T[] {
  const n = points.length;
  if (n <= max) return points;
  const perBucket = 2 * keys.length;
  const count = Math.max(1, Math.floor((max - 2) / perBucket));
  const out: T[] = [points[0]];
  for (let b = 0; b < count; b++) {
    const [start, end] = bucketRange(n, count, b);
    const keep = new Set<number>();
    for (const key of keys) {
      let lo = -1, hi = -1;
      for (let i = start; i < end; i++) {
        const v = points[i][key] as number;
        if (!Number.isFinite(v)) continue;
        if (lo < 0 || v < (points[lo][key] as number)) lo = i;
        if (hi < 0 || v > (points[hi][key] as number)) hi = i;
      }
      if (lo >= 0) keep.add(lo).add(hi);
    }
    if (!keep.size && start < end) keep.add(start);
    for (const i of [...keep].sort((a, b) => a - b)) out.push(points[i]);
  }
  out.push(points[n - 1]);
  return out;
}
