/**
 * @file The feature lens, in numbers: PCA of one image's patch features (the first three
 * principal components as RGB) and the cosine similarity of one patch to every patch. Pure; the
 * features come from the eval graph's encoder-features output ([B, N, D], one image = [N, D]).
 *
 * PCA works on the smaller of the covariance XᵀX (D×D) and the Gram matrix XXᵀ (N×N) of the
 * centred features, and finds its top eigenvectors by block (subspace) iteration with a
 * Rayleigh–Ritz step: a few extra vectors in the block make it converge fast, and the small
 * projected problem is solved exactly by cyclic Jacobi rotations.
 */
import { mulberry32 } from '../data/random';

export interface PcaResult {
  /** How many components were found: min(3, N, D); missing RGB channels stay 0. */
  count: number;
  /** Unit principal axes in feature space, [count, D], row-major; the largest |entry| of each is positive; zero for an axis without variance. */
  components: Float64Array;
  /** Eigenvalues of the covariance (variance along each axis, divided by N), best first. */
  variances: number[];
  /** Share of the total variance along each axis. */
  explained: number[];
  /** Per patch, the projection on each axis min-max scaled to [0, 1] over the image: [N, 3]. A constant channel is 0. */
  rgb: Float32Array;
  /** Block iterations used; `converged` false when the iteration limit came first. */
  iterations: number;
  converged: boolean;
}

const COMPONENTS = 3;
/** Extra block vectors: convergence goes as (λ₍k+extra+1₎ / λ₍k₎)^iterations instead of (λ₍k+1₎ / λ₍k₎)^iterations. */
const EXTRA = 5;
const MAX_ITERATIONS = 1000;
const TOLERANCE = 1e-9;
/** Eigenvalues below this share of the total variance are zero up to rounding. */
const NO_VARIANCE = 1e-12;

/** PCA of `n` patch features of width `d` (row-major [n, d]). */
export function patchPca(features: ArrayLike<number>, n: number, d: number): PcaResult {
  if (!(n >= 1 && d >= 1) || features.length !== n * d) {
    throw new Error(`patchPca: features of length ${features.length} are not [${n}, ${d}] patches × channels`);
  }
  const x = centred(features, n, d);
  const gram = n < d; // the smaller matrix has the same nonzero eigenvalues
  const m = gram ? n : d;
  const mat = gram ? outer(x, n, d) : inner(x, n, d);
  const count = Math.min(COMPONENTS, n, d);
  const { values, vectors, iterations, converged } = topEigen(mat, m, count);
  let trace = 0;
  for (let i = 0; i < m; i++) trace += mat[i * m + i];

  const components = new Float64Array(count * d);
  const proj = new Float64Array(count * n);
  for (let c = 0; c < count; c++) {
    const axis = components.subarray(c * d, (c + 1) * d);
    const u = vectors.subarray(c * m, (c + 1) * m);
    // an axis with no variance (rank below 3) is rounding noise: left zero, its channel constant
    if (values[c] <= NO_VARIANCE * trace) continue;
    if (gram) {
      // v = Xᵀu / ‖Xᵀu‖ (= Xᵀu / √λ)
      for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) axis[k] += x[j * d + k] * u[j];
      const norm = length(axis);
      for (let k = 0; k < d; k++) axis[k] /= norm;
    } else axis.set(u);
    fixSign(axis);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[j * d + k] * axis[k];
      proj[c * n + j] = s;
    }
  }
  return {
    count, components, iterations, converged,
    variances: values.map((v) => v / n),
    explained: values.map((v) => (trace > 0 ? v / trace : 0)),
    rgb: minMaxRgb(proj, count, n),
  };
}

/** Each patch's Euclidean norm ([n]): computed once per feature map, not on every probe. */
export function patchNorms(features: ArrayLike<number>, n: number, d: number): Float64Array {
  if (features.length !== n * d) throw new Error(`patchNorms: features of length ${features.length} are not [${n}, ${d}]`);
  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += features[j * d + k] ** 2;
    norms[j] = Math.sqrt(s);
  }
  return norms;
}

/**
 * Cosine similarity of patch `index` to every patch ([n] in −1…1); a zero vector has no direction
 * and scores 0. `norms` (patchNorms of the same features) are used as given: a hover passes the
 * feature map's norms instead of recomputing all n of them.
 */
export function cosineSimilarity(features: ArrayLike<number>, n: number, d: number, index: number, norms = patchNorms(features, n, d)): Float32Array {
  if (features.length !== n * d) throw new Error(`cosineSimilarity: features of length ${features.length} are not [${n}, ${d}]`);
  if (!Number.isInteger(index) || index < 0 || index >= n) throw new Error(`cosineSimilarity: patch ${index} is not one of the ${n} patches`);
  if (norms.length !== n) throw new Error(`cosineSimilarity: ${norms.length} norms for ${n} patches`);
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += features[index * d + k] * features[j * d + k];
    const den = norms[index] * norms[j];
    out[j] = den > 0 ? dot / den : 0;
  }
  return out;
}

function centred(f: ArrayLike<number>, n: number, d: number): Float64Array {
  const x = Float64Array.from(f as ArrayLike<number>);
  for (let k = 0; k < d; k++) {
    let mean = 0;
    for (let j = 0; j < n; j++) mean += x[j * d + k];
    mean /= n;
    for (let j = 0; j < n; j++) x[j * d + k] -= mean;
  }
  return x;
}

/** XᵀX, [d, d]. */
function inner(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let j = 0; j < n; j++) {
    const row = x.subarray(j * d, (j + 1) * d);
    for (let a = 0; a < d; a++) {
      const ra = row[a];
      if (ra === 0) continue;
      for (let b = a; b < d; b++) out[a * d + b] += ra * row[b];
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) out[a * d + b] = out[b * d + a];
  return out;
}

/** XXᵀ, [n, n]. */
function outer(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[a * d + k] * x[b * d + k];
      out[a * n + b] = out[b * n + a] = s;
    }
  }
  return out;
}

/** The largest |entry| made positive (the first such entry on a tie): the same axis always gets the same sign. */
function fixSign(v: Float64Array): void {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (Math.abs(v[k]) > Math.abs(v[best])) best = k;
  if (v[best] < 0) for (let k = 0; k < v.length; k++) v[k] = -v[k];
}

function minMaxRgb(proj: Float64Array, count: number, n: number): Float32Array {
  const rgb = new Float32Array(n * COMPONENTS);
  for (let c = 0; c < count; c++) {
    const p = proj.subarray(c * n, (c + 1) * n);
    let lo = Infinity, hi = -Infinity;
    for (const v of p) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    if (hi > lo) for (let j = 0; j < n; j++) rgb[j * COMPONENTS + c] = (p[j] - lo) / (hi - lo);
  }
  return rgb;
}

/**
 * The `k` largest eigenpairs of a symmetric positive semi-definite m×m matrix: orthogonal
 * iteration on a block of p = min(m, k + EXTRA) vectors, each step followed by Rayleigh–Ritz.
 * With p = m the first Ritz step is already exact. Eigenvectors: [k, m] row-major.
 */
function topEigen(a: Float64Array, m: number, k: number) {
  const p = Math.min(m, k + EXTRA);
  const random = mulberry32(0x5eed);
  let q = orthonormal(Float64Array.from({ length: m * p }, () => random() - 0.5), m, p); // [m, p] column-major
  let scale = 0;
  for (let i = 0; i < m; i++) scale = Math.max(scale, a[i * m + i]);
  for (let it = 1; ; it++) {
    const z = multiply(a, q, m, p);
    const t = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) t[i * p + j] = dot(q, i, z, j, m);
    const { values, vectors } = jacobi(t, p);
    const order = [...values.keys()].sort((i, j) => values[j] - values[i]);
    const ritz = new Float64Array(m * p), az = new Float64Array(m * p);
    order.forEach((src, dst) => {
      for (let r = 0; r < m; r++) {
        let y = 0, w = 0;
        for (let c = 0; c < p; c++) [y, w] = [y + q[c * m + r] * vectors[src * p + c], w + z[c * m + r] * vectors[src * p + c]];
        ritz[dst * m + r] = y;
        az[dst * m + r] = w;
      }
    });
    // residual ‖A y − θ y‖ of each wanted Ritz pair, relative to the matrix's scale
    let worst = 0;
    for (let c = 0; c < k; c++) {
      const theta = values[order[c]];
      let r2 = 0;
      for (let r = 0; r < m; r++) r2 += (az[c * m + r] - theta * ritz[c * m + r]) ** 2;
      worst = Math.max(worst, Math.sqrt(r2));
    }
    const converged = p === m || worst <= TOLERANCE * Math.max(scale, Number.MIN_VALUE);
    if (converged || it >= MAX_ITERATIONS) {
      return { values: order.slice(0, k).map((i) => Math.max(0, values[i])), vectors: ritz.slice(0, k * m), iterations: it, converged };
    }
    q = orthonormal(az, m, p);
  }
}

/** A · Q for column-major Q [m, p]; the result is column-major too. */
function multiply(a: Float64Array, q: Float64Array, m: number, p: number): Float64Array {
  const out = new Float64Array(m * p);
  for (let c = 0; c < p; c++) {
    for (let r = 0; r < m; r++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += a[r * m + i] * q[c * m + i];
      out[c * m + r] = s;
    }
  }
  return out;
}

function length(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

const dot = (x: Float64Array, i: number, y: Float64Array, j: number, m: number) => {
  let s = 0;
  for (let r = 0; r < m; r++) s += x[i * m + r] * y[j * m + r];
  return s;
};

/**
 * Modified Gram–Schmidt on the columns of a column-major [m, p] block (p ≤ m). A column that
 * collapses (the matrix's rank is below p) is replaced by the unit vector that keeps most length.
 */
function orthonormal(v: Float64Array, m: number, p: number): Float64Array {
  const q = Float64Array.from(v);
  const project = (c: number, col: Float64Array) => {
    for (let prev = 0; prev < c; prev++) {
      let s = 0;
      for (let r = 0; r < m; r++) s += q[prev * m + r] * col[r];
      for (let r = 0; r < m; r++) col[r] -= s * q[prev * m + r];
    }
    return length(col);
  };
  let size = 0;
  for (let c = 0; c < p; c++) size = Math.max(size, length(q.subarray(c * m, (c + 1) * m)));
  for (let c = 0; c < p; c++) {
    let col = q.slice(c * m, (c + 1) * m);
    let norm = project(c, col);
    if (!(norm > 1e-10 * size)) {
      let best = { norm: -1, col };
      for (let e = 0; e < m; e++) {
        const unit = new Float64Array(m);
        unit[e] = 1;
        const left = project(c, unit);
        if (left > best.norm) best = { norm: left, col: unit };
      }
      [col, norm] = [best.col, best.norm];
    }
    for (let r = 0; r < m; r++) q[c * m + r] = col[r] / norm;
  }
  return q;
}

/** Eigen-decomposition of a small symmetric p×p matrix by cyclic Jacobi rotations; eigenvectors column-major. */
function jacobi(t: Float64Array, p: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(t);
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, total = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) (i === j ? (total += a[i * p + j] ** 2) : (off += a[i * p + j] ** 2));
    if (off <= 1e-30 * (total + off) || off === 0) break;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j];
        if (aij === 0) continue;
        // the rotation that zeroes a[i][j]: tan 2φ = 2a_ij / (a_jj − a_ii)
        const tau = (a[j * p + j] - a[i * p + i]) / (2 * aij);
        const tn = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + tn * tn), s = tn * c;
        for (let r = 0; r < p; r++) {
          const [ari, arj] = [a[r * p + i], a[r * p + j]];
          a[r * p + i] = c * ari - s * arj;
          a[r * p + j] = s * ari + c * arj;
        }
        for (let r = 0; r < p; r++) {
          const [air, ajr] = [a[i * p + r], a[j * p + r]];
          a[i * p + r] = c * air - s * ajr;
          a[j * p + r] = s * air + c * ajr;
        }
        for (let r = 0; r < p; r++) {
          const [vri, vrj] = [v[i * p + r], v[j * p + r]];
          v[i * p + r] = c * vri - s * vrj;
          v[j * p + r] = s * vri + c * vrj;
        }
      }
    }
  }
  return { values: Array.from({ length: p }, (_, i) => a[i * p + i]), vectors: v };
}
