/**
 * @file COCO segmentations → pixels, as pycocotools computes them (cocodataset/cocoapi,
 * `common/maskApi.c`): RLE counts run down the columns, starting with background; a string is
 * pycocotools' compressed form (`rleFrString`); a polygon is rasterised by a line-for-line port of
 * `rleFrPoly`, so a mask here is the mask pycocotools makes. In effect a pixel is inside when its
 * centre (x + ½, y + ½) is inside the polygon (even–odd), centres on an edge counting for the
 * far edge only (lo < centre ≤ hi); pycocotools walks the outline at 5× resolution, so for centres
 * within about 0.1 px of a slanted edge its rounding decides. The polygons of one annotation are
 * united (pycocotools `merge`).
 */

/** Column-major RLE counts of a polygon `[x0, y0, x1, y1, …]` on an h×w image: pycocotools' `rleFrPoly`. */
export function polygonCounts(xy: readonly number[], height: number, width: number): number[] {
  const k = xy.length >> 1;
  if (k === 0) return [height * width];
  const scale = 5;
  const toInt = Math.trunc; // C's (int) cast
  // upsample and get discrete points densely along the entire boundary
  const x = new Array<number>(k + 1), y = new Array<number>(k + 1);
  for (let j = 0; j < k; j++) x[j] = toInt(scale * xy[2 * j] + 0.5);
  for (let j = 0; j < k; j++) y[j] = toInt(scale * xy[2 * j + 1] + 0.5);
  x[k] = x[0];
  y[k] = y[0];
  const u: number[] = [], v: number[] = [];
  for (let j = 0; j < k; j++) {
    let xs = x[j], xe = x[j + 1], ys = y[j], ye = y[j + 1];
    const dx = Math.abs(xe - xs), dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) [xs, xe, ys, ye] = [xe, xs, ye, ys];
    // a repeated vertex: C divides 0 by 0 here; its one point never starts a crossing either way
    const s = dx === 0 && dy === 0 ? 0 : dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u.push(t + xs);
        v.push(toInt(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v.push(t + ys);
        u.push(toInt(xs + s * t + 0.5));
      }
    }
  }
  // get points along the y-boundary and downsample
  const a: number[] = [];
  for (let j = 1; j < u.length; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / scale - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > width - 1) continue;
    let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
    yd = (yd + 0.5) / scale - 0.5;
    yd = Math.ceil(yd < 0 ? 0 : yd > height ? height : yd);
    a.push(xd * height + yd);
  }
  // compute the RLE encoding from the y-boundary points
  a.push(height * width);
  a.sort((p, q) => p - q);
  for (let j = a.length - 1; j > 0; j--) a[j] -= a[j - 1];
  const counts = [a[0]];
  for (let j = 1; j < a.length; ) {
    if (a[j] > 0) counts.push(a[j++]);
    else if (++j < a.length) counts[counts.length - 1] += a[j++];
  }
  return counts;
}

/** Sets `out[y·w + x] = 1` for every pixel of the polygon, as pycocotools rasterises it. */
export function fillPolygon(xy: readonly number[], width: number, height: number, out: Uint8Array): void {
  fillRle(polygonCounts(xy, height, width), width, height, out);
}

/**
 * pycocotools' compressed RLE string → counts (`rleFrString`): each count is a little-endian run
 * of 5-bit groups in characters offset by 48, bit 0x20 meaning "more follows" and bit 0x10 of the
 * last group the sign; from the fourth count on, each is stored as the difference from the count
 * two before it. Throws a plain Error with what is wrong; the caller names the file and annotation.
 */
export function countsFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0, k = 0, more = true;
    while (more) {
      if (p >= s.length) throw new Error(`the RLE string ends inside a count (at character ${p})`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new Error(`character ${JSON.stringify(s[p])} at ${p} is not part of pycocotools' RLE alphabet`);
      x += (c & 0x1f) * 2 ** (5 * k); // arithmetic, not <<: a count may need more than 32 bits while decoding
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign-extend: the C code ORs in -1 << 5k
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    if (x < 0) throw new Error(`the RLE string decodes to a negative run (count ${counts.length})`);
    counts.push(x);
  }
  return counts;
}

/** Sets `out[y·w + x] = 1` for the foreground runs of column-major `counts`; they must cover exactly h·w pixels. */
export function fillRle(counts: readonly number[], width: number, height: number, out: Uint8Array): void {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== width * height) throw new Error(`its RLE counts cover ${total} pixels, the image has ${width}×${height} = ${width * height}`);
  let at = 0;
  for (let i = 0; i < counts.length; i++) {
    if (i % 2 === 1) {
      for (let q = at; q < at + counts[i]; q++) {
        const x = Math.floor(q / height), y = q - x * height;
        out[y * width + x] = 1;
      }
    }
    at += counts[i];
  }
}
