/**
 * @file SLIC superpixels (Achanta et al., "SLIC Superpixels Compared to State-of-the-art Superpixel
 * Methods", TPAMI 2012): k-means in (L, a, b, x, y) where each centre only searches a 2S×2S window,
 * distance² = Δlab² + (m/S)²·Δxy². Centres start on an S-grid, moved to the lowest gradient in
 * their 3×3 neighbourhood (off edges and noise); afterwards small or split fragments are merged
 * into the neighbour nearest in colour so that every id is one 4-connected region (the fill tool
 * relies on that).
 * Ids are 0…K−1 in scan order of their first pixel.
 */

export interface SlicOptions {
  /** Grid step S in pixels; default √(w·h/200), about 200 superpixels. */
  regionSize?: number;
  /** m: higher is more compact (squarer), lower follows colour more; default 10. */
  compactness?: number;
  /** k-means rounds; default 10 (the paper's). */
  iterations?: number;
}

/** sRGB byte → linear light, once per value. */
const LINEAR = Float32Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/** CIELAB (D65) of every pixel, three planes. */
export function rgbaToLab(rgba: Uint8ClampedArray | Uint8Array, pixels: number): [Float32Array, Float32Array, Float32Array] {
  const L = new Float32Array(pixels), A = new Float32Array(pixels), B = new Float32Array(pixels);
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  for (let i = 0; i < pixels; i++) {
    const r = LINEAR[rgba[4 * i]], g = LINEAR[rgba[4 * i + 1]], b = LINEAR[rgba[4 * i + 2]];
    const fx = f((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047);
    const fy = f(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
    const fz = f((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883);
    L[i] = 116 * fy - 16;
    A[i] = 500 * (fx - fy);
    B[i] = 200 * (fy - fz);
  }
  return [L, A, B];
}

export function slic(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, opts: SlicOptions = {}): Int32Array {
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) throw new RangeError(`image size ${width}×${height} is not a positive whole number of pixels`);
  if (rgba.length !== 4 * n) throw new RangeError(`expected ${width}×${height} RGBA pixels (${4 * n} bytes), got ${rgba.length} bytes`);
  const S = Math.max(1, Math.round(opts.regionSize ?? Math.sqrt(n / 200)));
  const m = opts.compactness ?? 10;
  const iterations = opts.iterations ?? 10;
  const [L, A, B] = rgbaToLab(rgba, n);

  // centres: a grid with spacing S, offset by S/2, each moved to its 3×3 neighbourhood's lowest gradient
  const cols = Math.max(1, Math.round(width / S)), rows = Math.max(1, Math.round(height / S));
  const K = cols * rows;
  const cL = new Float64Array(K), cA = new Float64Array(K), cB = new Float64Array(K), cX = new Float64Array(K), cY = new Float64Array(K);
  const gradient = (x: number, y: number) => {
    const i = y * width + x;
    const xl = x > 0 ? i - 1 : i, xr = x < width - 1 ? i + 1 : i, yu = y > 0 ? i - width : i, yd = y < height - 1 ? i + width : i;
    return (L[xr] - L[xl]) ** 2 + (A[xr] - A[xl]) ** 2 + (B[xr] - B[xl]) ** 2 + (L[yd] - L[yu]) ** 2 + (A[yd] - A[yu]) ** 2 + (B[yd] - B[yu]) ** 2;
  };
  for (let r = 0, k = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++, k++) {
      const gx = Math.min(width - 1, Math.floor(((c + 0.5) * width) / cols)), gy = Math.min(height - 1, Math.floor(((r + 0.5) * height) / rows));
      let bx = gx, by = gy, best = Infinity;
      for (let y = Math.max(0, gy - 1); y <= Math.min(height - 1, gy + 1); y++) {
        for (let x = Math.max(0, gx - 1); x <= Math.min(width - 1, gx + 1); x++) {
          const g = gradient(x, y);
          if (g < best) { best = g; bx = x; by = y; }
        }
      }
      const i = by * width + bx;
      cL[k] = L[i]; cA[k] = A[i]; cB[k] = B[i]; cX[k] = bx; cY[k] = by;
    }
  }

  const labels = new Int32Array(n).fill(-1);
  const distance = new Float32Array(n);
  const spatial = (m / S) ** 2;
  const sum = new Float64Array(K * 5), count = new Float64Array(K);
  for (let it = 0; it < iterations; it++) {
    distance.fill(Infinity);
    for (let k = 0; k < K; k++) {
      const xa = Math.max(0, Math.floor(cX[k] - S)), xb = Math.min(width, Math.ceil(cX[k] + S) + 1);
      const ya = Math.max(0, Math.floor(cY[k] - S)), yb = Math.min(height, Math.ceil(cY[k] + S) + 1);
      const l = cL[k], a = cA[k], b = cB[k], cx = cX[k], cy = cY[k];
      for (let y = ya; y < yb; y++) {
        const dyy = spatial * (y - cy) * (y - cy);
        for (let x = xa, i = y * width + xa; x < xb; x++, i++) {
          const dl = L[i] - l, da = A[i] - a, db = B[i] - b, dx = x - cx;
          const d = dl * dl + da * da + db * db + spatial * dx * dx + dyy;
          if (d < distance[i]) { distance[i] = d; labels[i] = k; }
        }
      }
    }
    sum.fill(0);
    count.fill(0);
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++, i++) {
        const k = labels[i];
        // in no window yet (centres start ≤ 1.5·S apart and move ≤ 1 px, so only when S < 4): no
        // centre's mean; the connectivity pass gives it to a neighbour
        if (k < 0) continue;
        sum[5 * k] += L[i]; sum[5 * k + 1] += A[i]; sum[5 * k + 2] += B[i]; sum[5 * k + 3] += x; sum[5 * k + 4] += y;
        count[k]++;
      }
    }
    for (let k = 0; k < K; k++) {
      if (!count[k]) continue; // a centre that lost all its pixels stays where it was
      cL[k] = sum[5 * k] / count[k]; cA[k] = sum[5 * k + 1] / count[k]; cB[k] = sum[5 * k + 2] / count[k];
      cX[k] = sum[5 * k + 3] / count[k]; cY[k] = sum[5 * k + 4] / count[k];
    }
  }
  return enforceConnectivity(labels, width, height, Math.max(1, Math.floor((S * S) / 4)), [L, A, B]);
}

/**
 * Relabels the 4-connected components of `labels` 0…K−1 in scan order of their first pixel. A
 * component smaller than `minSize` (noise, a sliver cut off by a neighbour's window) joins the
 * adjacent component whose mean colour is nearest in `lab` (without `lab`: the largest adjacent
 * one). The reference code joins the neighbour numbered just before, which at a colour edge is as
 * often across the edge as not; the nearest colour keeps outlines on edges. A merge joins touching
 * pieces, so every id stays one 4-connected region.
 */
export function enforceConnectivity(labels: Int32Array, width: number, height: number, minSize: number, lab?: [Float32Array, Float32Array, Float32Array]): Int32Array {
  const n = width * height;
  // pass 1: components, their pixels stored contiguously (pixels[start[c] … start[c] + size[c]))
  const comp = new Int32Array(n).fill(-1);
  const pixels = new Int32Array(n);
  const start: number[] = [], size: number[] = [];
  let filled = 0;
  for (let s = 0; s < n; s++) {
    if (comp[s] >= 0) continue;
    const c = start.length, old = labels[s], first = filled;
    comp[s] = c;
    pixels[filled++] = s;
    for (let q = first; q < filled; q++) {
      const i = pixels[q], x = i % width;
      // written out, not a closure per pixel: this loop visits every pixel of the image
      if (x > 0 && comp[i - 1] < 0 && labels[i - 1] === old) { comp[i - 1] = c; pixels[filled++] = i - 1; }
      if (x < width - 1 && comp[i + 1] < 0 && labels[i + 1] === old) { comp[i + 1] = c; pixels[filled++] = i + 1; }
      if (i >= width && comp[i - width] < 0 && labels[i - width] === old) { comp[i - width] = c; pixels[filled++] = i - width; }
      if (i + width < n && comp[i + width] < 0 && labels[i + width] === old) { comp[i + width] = c; pixels[filled++] = i + width; }
    }
    start.push(first);
    size.push(filled - first);
  }
  // pass 2: small components join a neighbour (union–find over components, running colour sums)
  const K = start.length;
  const parent = Int32Array.from({ length: K }, (_, c) => c);
  const root = (c: number): number => {
    while (parent[c] !== c) c = parent[c] = parent[parent[c]];
    return c;
  };
  const sums = new Float64Array(3 * K);
  if (lab) {
    for (let ch = 0; ch < 3; ch++) {
      const plane = lab[ch];
      for (let i = 0; i < n; i++) sums[3 * comp[i] + ch] += plane[i];
    }
  }
  const total = [...size];
  // each root's members as a linked list (nextMember, last): a group's neighbours are those of all its
  // pieces — pieces that joined it may enclose its own pixels entirely
  const nextMember = new Int32Array(K).fill(-1), last = Int32Array.from({ length: K }, (_, c) => c);
  for (let c = 0; c < K; c++) {
    if (root(c) !== c || total[c] >= minSize) continue; // already joined, or grown by others joining it
    let best = -1, bestScore = Infinity;
    for (let m = c; m >= 0; m = nextMember[m]) {
      for (let q = start[m]; q < start[m] + size[m]; q++) {
        const i = pixels[q], x = i % width;
        for (const j of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i >= width ? i - width : -1, i + width < n ? i + width : -1]) {
          if (j < 0) continue;
          const r = root(comp[j]);
          if (r === c) continue;
          let score = -total[r];
          if (lab) {
            score = 0;
            for (let ch = 0; ch < 3; ch++) score += (sums[3 * r + ch] / total[r] - sums[3 * c + ch] / total[c]) ** 2;
          }
          if (score < bestScore) { bestScore = score; best = r; }
        }
      }
    }
    if (best < 0) continue; // the whole image: it stays
    parent[c] = best;
    total[best] += total[c];
    for (let ch = 0; ch < 3; ch++) sums[3 * best + ch] += sums[3 * c + ch];
    nextMember[last[best]] = c;
    last[best] = last[c];
  }
  // pass 3: ids in scan order
  const id = new Int32Array(K).fill(-1);
  const out = new Int32Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const r = root(comp[i]);
    if (id[r] < 0) id[r] = next++;
    out[i] = id[r];
  }
  return out;
}

/** 1 where a pixel's right or bottom neighbour has another id: a one-pixel outline of the regions. */
export function regionEdges(regions: Int32Array, width: number, height: number): Uint8Array {
  if (regions.length !== width * height) throw new RangeError(`the region map holds ${regions.length} pixels, not ${width}×${height}`);
  const edges = new Uint8Array(width * height);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      if ((x < width - 1 && regions[i + 1] !== regions[i]) || (y < height - 1 && regions[i + width] !== regions[i])) edges[i] = 1;
    }
  }
  return edges;
}
