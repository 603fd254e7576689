/**
 * @file The feature lens on one model: the eval graph's encoder-features output (compileEval with
 * `features: true`) for one image, coloured by PCA, and the cosine similarity of any patch to all
 * others. The same compiled graph that predicts; no separate encoder copy.
 */
import type { HostArray } from '../graph';
import type { Runner } from '../train/engine';
import { cosineSimilarity, patchNorms, patchPca, type PcaResult } from './features';

export interface FeatureLens {
  /** Patches per side (square crops). */
  grid: number;
  /** Feature width D. */
  dim: number;
  /** The image's patch features [N, D], row-major, N = grid². */
  features: Float32Array;
  pca: PcaResult;
  /** Cosine similarity of patch `index` (row-major in the grid) to every patch. */
  similarity(index: number): Float32Array;
}

/**
 * Runs the eval graph (compiled with `features: true`; onnxruntime refuses the fetch otherwise) on
 * a batch of normalised crops [B, 3, S, S], every parameter fed by name, and builds the lens for
 * image `index` of the batch.
 */
export async function featureLens(evalGraph: Runner, params: Record<string, HostArray>, images: Float32Array, index = 0): Promise<FeatureLens> {
  const { features: out } = await evalGraph.run({ ...params, image: images }, ['features']);
  const [batch, n, dim] = out.dims;
  if (!(index >= 0 && index < batch)) throw new Error(`feature lens: image ${index} is not in a batch of ${batch}`);
  const grid = Math.round(Math.sqrt(n));
  if (grid * grid !== n) throw new Error(`feature lens: ${n} patches do not make a square grid`);
  const features = (out.data as Float32Array).slice(index * n * dim, (index + 1) * n * dim);
  const norms = patchNorms(features, n, dim);
  return { grid, dim, features, pca: patchPca(features, n, dim), similarity: (i) => cosineSimilarity(features, n, dim, i, norms) };
}
