/**
 * @file Composite layers built from the primitive ops in `ops.ts` (they get their gradients
 * from the primitives). Reads like `torch.nn.functional`.
 */
import {
  add, cast, clip, div, equal, erf, exp, gather, gatherElements, gelu, gemm, log, matmul, mul, reduceMax, reduceMean, reduceSum,
  reshape, slice, softmax, sqrt, sub, tanh, transposeLast, where,
} from './ops';
import { GraphError, fmt } from './shape';
import { hostArray, type Tensor } from './tensor';

export { erf, gelu, softmax };

/** `F.linear`: x[..., in] · Wᵀ + b, with W [out, in] as in PyTorch. Runs as one Gemm. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const [out, inFeatures] = weight.shape;
  if (x.shape[x.rank - 1] !== inFeatures) {
    throw new GraphError(`linear: input ${fmt(x.shape)} does not match weight ${fmt(weight.shape)}`);
  }
  const rows = reshape(x, [-1, inFeatures]);
  const y = gemm(rows, weight, false, true, bias);
  return reshape(y, [...x.shape.slice(0, -1), out]);
}

/** `F.layer_norm` over the last axis; the variance is computed in two passes (stable). */
export function layerNorm(x: Tensor, weight: Tensor | undefined, bias: Tensor | undefined, eps = 1e-6): Tensor {
  const centered = sub(x, reduceMean(x, [-1], true));
  const variance = reduceMean(mul(centered, centered), [-1], true);
  // the backward keeps x − mean and σ (for the division's gradient); the normalised x (read by the
  // weight's gradient) and the affine output (read by the next layer's weight gradient) are rebuilt
  // from them there instead of kept too
  let y = x.graph.rematerialize(div(centered, sqrt(add(variance, eps))));
  if (weight) y = x.graph.rematerialize(mul(y, weight));
  if (bias) y = x.graph.rematerialize(add(y, bias));
  return y;
}

/** σ(x) = ½(1 + tanh(x/2)): stable for large |x| and only uses allow-listed ops. */
export const sigmoid = (x: Tensor) => mul(add(tanh(mul(x, 0.5)), 1), 0.5);

/** CLIP's QuickGELU: x·σ(1.702x). */
export const quickGelu = (x: Tensor) => mul(x, sigmoid(mul(x, 1.702)));

/** GELU's tanh approximation (PyTorch `approximate='tanh'`): ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export const geluTanh = (x: Tensor) =>
  mul(mul(x, 0.5), add(tanh(mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI))), 1));

/** Exact GELU written out with Erf: x·½(1 + erf(x/√2)). */
export const geluErf = (x: Tensor) => mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));

/** log-softmax as x − m − log Σ exp(x − m), with m = max(x) held constant (its gradient is 0). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const m = reduceMax(x, [axis], true, { stopGradient: true });
  const shifted = sub(x, m);
  return sub(shifted, log(reduceSum(exp(shifted), [axis], true)));
}

/** One-hot along a new axis `axis` as Equal + Cast (OneHot falls back to the CPU). Ids outside 0..C−1 give zeros. */
export function oneHot(labels: Tensor, numClasses: number, axis = -1, dtype: 'float32' | 'float64' = 'float32'): Tensor {
  const rank = labels.rank + 1;
  const ax = axis < 0 ? axis + rank : axis;
  const idsShape = new Array<number>(rank).fill(1);
  idsShape[ax] = numClasses;
  const ids = labels.graph.constant(hostArray('int32', Array.from({ length: numClasses }, (_, i) => i)), idsShape, 'int32');
  const expanded = reshape(labels, [...labels.shape.slice(0, ax), 1, ...labels.shape.slice(ax)]);
  return cast(equal(expanded, ids), dtype);
}

/**
 * Pixel-wise cross-entropy for logits [B, C, H, W] and int32 labels [B, H, W]: the mean over
 * labelled pixels; labels outside 0..C−1 (255 = ignore) contribute nothing. With class
 * weights w, Σ w_y·nll / Σ w_y (PyTorch's weighted mean).
 *
 * Per pixel nll = logsumexp(x) − x_y, with x_y picked by GatherElements: neither a one-hot
 * [B, C, H, W] nor the log-probabilities are ever formed (at 512 px and 150 classes each would be
 * 150 MB per image), and the gradient of the pick is one Where over a bool mask.
 */
export function crossEntropy(logits: Tensor, labels: Tensor, classWeights?: Float32Array | Float64Array): Tensor {
  return weightedMean([crossEntropyTerms(logits, labels, classWeights)]);
}

/** The two sums of a cross-entropy, Σ w_y·nll and Σ w_y, so that pieces of one image can be added up. */
export interface CrossEntropyTerms { nll: Tensor; weight: Tensor }

/** Σ nll / Σ weight over pieces; a batch with no labelled pixel has loss 0. */
export function weightedMean(terms: readonly CrossEntropyTerms[]): Tensor {
  const nll = terms.map((t) => t.nll).reduce((a, b) => add(a, b));
  const count = terms.map((t) => t.weight).reduce((a, b) => add(a, b));
  return div(nll, where(equal(count, 0), 1, count));
}

/** `crossEntropy`'s sums for logits [B, C, H, W] and labels [B, H, W] (see there). */
export function crossEntropyTerms(logits: Tensor, labels: Tensor, classWeights?: Float32Array | Float64Array): CrossEntropyTerms {
  const [b, c, h, w] = logits.shape;
  if (labels.dtype !== 'int32') throw new GraphError(`crossEntropy: labels must be int32, got ${labels.dtype}`);
  if (labels.rank !== 3 || labels.shape[0] !== b || labels.shape[1] !== h || labels.shape[2] !== w) {
    throw new GraphError(`crossEntropy: labels ${fmt(labels.shape)} do not match logits ${fmt(logits.shape)}`);
  }
  if (classWeights && classWeights.length !== c) throw new GraphError(`crossEntropy: ${classWeights.length} class weights for ${c} classes`);
  const g = logits.graph;
  const dtype = logits.dtype as 'float32' | 'float64';
  // labelled ⇔ clip(y, 0, C−1) = y, compared as floats (Clip and Equal run on the GPU for floats)
  const asFloat = reshape(cast(labels, dtype), [b, 1, h, w]);
  const labelled = equal(clip(asFloat, 0, c - 1), asFloat);
  const target = where(labelled, reshape(labels, [b, 1, h, w]), 0); // an in-range index everywhere
  // the pick is built first so that the backward (which walks in reverse) differentiates it last:
  // the full-size softmax-gradient temporaries are gone by then (3 instead of 4 alive at once)
  const picked = gatherElements(logits, target, 1);
  const m = reduceMax(logits, [1], true, { stopGradient: true });
  const logSumExp = add(m, log(reduceSum(exp(sub(logits, m)), [1], true)));
  const nll = sub(logSumExp, picked); // [B, 1, H, W]
  let weight = cast(labelled, dtype);
  if (classWeights) weight = mul(weight, gather(g.constant(hostArray(dtype, classWeights), [c], dtype), target, 0));
  return { nll: reduceSum(mul(nll, weight)), weight: reduceSum(weight) };
}

/**
 * Separable resize of the last two axes with constant matrices: Y = Rh · X · Rwᵀ.
 * `rh` is [outH, inH] and `rw` is [outW, inW], row-major (see src/model/resample.ts for the
 * bilinear/bicubic matrices that match torch's F.interpolate). Its gradient is Rhᵀ · dY · Rw.
 */
export function resize2d(x: Tensor, rh: ArrayLike<number>, outH: number, rw: ArrayLike<number>, outW: number): Tensor {
  const [inH, inW] = x.shape.slice(-2);
  if (rh.length !== outH * inH || rw.length !== outW * inW) {
    throw new GraphError(`resize2d: matrices ${rh.length}/${rw.length} values do not fit ${inH}×${inW} → ${outH}×${outW}`);
  }
  const dtype = x.dtype;
  const rhT = x.graph.constant(hostArray(dtype, rh), [outH, inH], dtype);
  const rwT = x.graph.constant(hostArray(dtype, transposeHost(rw, outW, inW)), [inW, outW], dtype);
  return matmul(matmul(rhT, x), rwT);
}

function transposeHost(m: ArrayLike<number>, rows: number, cols: number): number[] {
  const out = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

/** `torch.split` into equal chunks along an axis (as Slices, which every EP runs). */
export function split(x: Tensor, chunks: number, axis = -1): Tensor[] {
  const ax = axis < 0 ? axis + x.rank : axis;
  const size = x.shape[ax] / chunks;
  if (!Number.isInteger(size)) throw new GraphError(`split: axis ${axis} of ${fmt(x.shape)} does not split into ${chunks}`);
  return Array.from({ length: chunks }, (_, i) => slice(x, ax, i * size, (i + 1) * size));
}

/** Scaled dot-product attention over [B, heads, N, d]: softmax(q·kᵀ·scale)·v. */
export function attention(q: Tensor, k: Tensor, v: Tensor, scale = q.shape[q.rank - 1] ** -0.5): Tensor {
  const kT = transposeLast(k);
  return matmul(softmax(mul(matmul(q, kT), scale), -1), v);
}
