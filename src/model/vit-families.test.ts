/**
 * The families that are timm ViTs with flags (DeiT III / MAE, DINOv2, CLIP, CLIP-QuickGELU,
 * SigLIP): a tiny checkpoint with each family's key names and token conventions loads (patch 14
 * resampled to 16 where needed), its forward matches the independent implementation, and its
 * train-step gradients match finite differences.
 */
import { describe, expect, it } from 'vitest';
import { Graph, exportOnnx } from '../graph';
import { checkGraph, rng } from '../graph/testing/gradcheck';
import { createNodeRunner } from '../runtime/node';
import { loadModel } from './checkpoint';
import { detectFamily } from './families';
import { makeTinyVit, type TinyVitOptions } from './demo';
import type { FamilyName } from './presets';
import { float64Activation, roughWeights } from './testing/float64';
import { referenceSegmenter } from './testing/reference-vit';
import { segmentationLoss, segmenter } from './vit';

const CROP = 32;
const CASES: [FamilyName, TinyVitOptions, (m: Map<string, { shape: number[]; data: Float32Array }>) => void][] = [
  ['vit', { layerScale: true, noEmbedClass: true, patchSize: 16, grid: 2 }, () => {}], // DeiT III layout
  ['dinov2', { layerScale: true, regTokens: 4, noEmbedClass: true, patchSize: 14, grid: 3 }, (m) => m.set('mask_token', { shape: [1, 32], data: new Float32Array(32) })],
  ['clip', { preNorm: true, patchBias: false, patchSize: 16, grid: 2 }, () => {}],
  ['clip-quickgelu', { preNorm: true, patchBias: false, patchSize: 16, grid: 2 }, () => {}],
  ['siglip', { classToken: false, patchSize: 16, grid: 2 }, (m) => {
    m.set('attn_pool.latent', { shape: [1, 1, 32], data: new Float32Array(32) });
    m.set('attn_pool.q.weight', { shape: [32, 32], data: new Float32Array(1024) });
  }],
];

function checkpoint(opts: TinyVitOptions, extra: (m: Map<string, { shape: number[]; data: Float32Array }>) => void) {
  const m = makeTinyVit({ embedDim: 32, depth: 2, numClasses: 3, seed: 4, ...opts });
  const r = rng(11);
  for (const t of m.values()) for (let i = 0; i < t.data.length; i++) t.data[i] += (r() - 0.5) * 0.2;
  extra(m);
  return m;
}

describe('ViT families', () => {
  for (const [family, opts, extra] of CASES) {
    it(`${family}: loads at patch 16, forward matches the reference, gradients match finite differences`, async () => {
      const ckpt = checkpoint(opts, extra);
      expect(detectFamily(ckpt.keys())).toBe(family === 'clip-quickgelu' ? 'clip' : family);
      const { config, weights, notices } = loadModel(ckpt, `${family}.safetensors`, { numClasses: 3, crop: CROP, family, patchSize: 16 });
      expect(config.patchSize).toBe(16);
      if (opts.patchSize === 14) expect(notices.join(' ')).toMatch(/resampled from 14×14 to 16×16/);
      expect(config.act).toBe({ vit: 'gelu', dinov2: 'gelu', clip: 'gelu', 'clip-quickgelu': 'quickgelu', siglip: 'gelu' }[family as string]);
      expect(config.normEps).toBe(family.startsWith('clip') ? 1e-5 : 1e-6);

      const g = new Graph();
      const params = Object.fromEntries([...weights].map(([k, t]) => [k, g.param(k, t.shape)]));
      g.output('logits', segmenter(g.input('image', [1, 3, CROP, CROP]), params, config));
      const image = Float32Array.from({ length: 3 * CROP * CROP }, (_, i) => Math.sin(i * 0.21));
      const out = await (await createNodeRunner(exportOnnx(g))).run({ image, ...Object.fromEntries([...weights].map(([k, t]) => [k, t.data])) });
      const ref = referenceSegmenter(weights, config, image, CROP).flat(2);
      const got = out.logits.data as Float32Array;
      ref.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(2e-4 * (1 + Math.abs(v))));

      const rough = roughWeights(weights);
      const names = [...rough.keys()];
      const labels = Array.from({ length: CROP * CROP }, (_, i) => (i % 17 === 0 ? 255 : i % 3));
      await checkGraph(
        [{ shape: [1, 3, CROP, CROP], values: Array.from(image), fixed: true }, { shape: [1, CROP, CROP], dtype: 'int32', values: labels },
          ...names.map((n) => ({ shape: rough.get(n)!.shape, values: Array.from(rough.get(n)!.data) }))],
        ([img, lab, ...ps]) => segmentationLoss(img, lab, Object.fromEntries(names.map((n, i) => [n, ps[i]])), float64Activation(config)),
        { sample: 3, directions: true },
      );
    }, 120_000);
  }

  it('a checkpoint that does not fit names the unexpected keys', () => {
    const eva = checkpoint({ grid: 2, patchSize: 16 }, (m) => m.set('blocks.0.attn.q_bias', { shape: [32], data: new Float32Array(32) }));
    expect(() => loadModel(eva, 'eva.safetensors', { numClasses: 3, crop: CROP, family: 'vit' })).toThrow(/eva\.safetensors: unexpected keys .*blocks\.0\.attn\.q_bias/);
  });
});
