/** The compiled ViT segmenter against an independent forward, and its whole train-step gradients. */
import { describe, expect, it } from 'vitest';
import { Graph, exportOnnx } from '../graph';
import { checkGraph, rng } from '../graph/testing/gradcheck';
import { createNodeRunner } from '../runtime/node';
import { makeTinyVit, tinyVitConfig, type TinyVitOptions } from './demo';
import type { HostTensor } from './safetensors';
import { float64Activation, roughWeights } from './testing/float64';
import { referenceSegmenter } from './testing/reference-vit';
import { parameterShapes, posEmbed, segmentationLoss, segmenter, type VitConfig } from './vit';

const CROP = 16;

async function compiledLogits(weights: Map<string, HostTensor>, config: VitConfig, image: Float32Array): Promise<Float32Array> {
  const g = new Graph();
  const params = Object.fromEntries([...weights].map(([k, t]) => [k, g.param(k, t.shape)]));
  const x = g.input('image', [1, 3, CROP, CROP]);
  g.output('logits', segmenter(x, params, config));
  const runner = await createNodeRunner(exportOnnx(g));
  const out = await runner.run({ image, ...Object.fromEntries([...weights].map(([k, t]) => [k, t.data])) });
  return out.logits.data as Float32Array;
}

const randomImage = (seed: number) => {
  const r = rng(seed);
  return Float32Array.from({ length: 3 * CROP * CROP }, () => r() * 2 - 1);
};

/** Weights with non-trivial norms and biases, so every parameter matters. */
function perturbed(o: TinyVitOptions & { numClasses: number }): Map<string, HostTensor> {
  const w = makeTinyVit({ embedDim: 16, depth: 2, patchSize: 4, grid: CROP / 4, ...o });
  const r = rng(99);
  for (const t of w.values()) for (let i = 0; i < t.data.length; i++) t.data[i] += (r() - 0.5) * 0.2;
  return w;
}

const VARIANTS: [string, TinyVitOptions, Partial<VitConfig>][] = [
  ['cls token, pos_embed with prefix', {}, {}],
  ['no_embed_class + 2 register tokens + layer scale', { noEmbedClass: true, regTokens: 2, layerScale: true }, {}],
  ['QuickGELU, pre-norm-free, 2 heads', {}, { act: 'quickgelu', heads: 2 }],
];

describe('ViT segmenter', () => {
  for (const [name, opts, overrides] of VARIANTS) {
    it(`forward matches the independent implementation: ${name}`, async () => {
      const weights = perturbed({ ...opts, numClasses: 3 });
      const config = { ...tinyVitConfig({ embedDim: 16, depth: 2, patchSize: 4, numClasses: 3, ...opts }), ...overrides };
      const image = randomImage(3);
      const got = await compiledLogits(weights, config, image);
      const ref = referenceSegmenter(weights, config, image, CROP).flat(2);
      expect(got.length).toBe(ref.length);
      ref.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(2e-4 * (1 + Math.abs(v))));
    });
  }

  it('whole train-step gradients (every parameter tensor) match finite differences in float64', async () => {
    const weights = roughWeights(perturbed({ numClasses: 3, layerScale: true, regTokens: 1 }));
    const config = float64Activation(tinyVitConfig({ embedDim: 16, depth: 2, patchSize: 4, numClasses: 3, layerScale: true, regTokens: 1 }));
    const names = [...weights.keys()];
    const r = rng(5);
    const labels = Array.from({ length: 2 * CROP * CROP }, (_, i) => (i % 13 === 0 ? 255 : Math.floor(r() * 3)));
    const image = Array.from(randomImage(8)).concat(Array.from(randomImage(9)));
    await checkGraph(
      [
        { shape: [2, 3, CROP, CROP], values: image, fixed: true },
        { shape: [2, CROP, CROP], dtype: 'int32', values: labels },
        ...names.map((n) => ({ shape: weights.get(n)!.shape, values: Array.from(weights.get(n)!.data) })),
      ],
      ([img, lab, ...ps]) => segmentationLoss(img, lab, Object.fromEntries(names.map((n, i) => [n, ps[i]])), config),
      { sample: 6, directions: true },
    );
  }, 120_000);

  it('a config without position embeddings or qkv biases declares and uses none', () => {
    const c: VitConfig = { ...tinyVitConfig({ embedDim: 16, depth: 1, patchSize: 4, numClasses: 3 }), posEmbed: 'none', qkvBias: false };
    const shapes = parameterShapes(c, [2, 2]);
    expect(shapes.has('pos_embed')).toBe(false);
    expect(shapes.has('blocks.0.attn.qkv.bias')).toBe(false);
    expect(shapes.get('blocks.0.attn.qkv.weight')).toEqual([48, 16]);
    const g = new Graph();
    const tokens = posEmbed(g.input('x', [1, 4, 16]), { cls_token: g.param('cls_token', [1, 1, 16]) }, c);
    expect(tokens.shape).toEqual([1, 5, 16]);
  });
});
