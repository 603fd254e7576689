/** The compiled ViT segmenter against an independent forward, and its whole train-step gradients. */
import { describe, expect, it } from 'vitest';
import { Graph, exportOnnx } from '../graph';
import { checkGraph, rng } from '../graph/testing/gradcheck';
import { createNodeRunner } from '../runtime/node';
import { makeTinyVit, tinyVitConfig, type TinyVitOptions } from './demo';
import type { HostTensor } from './safetensors';
import { float64Activation, roughWeights } from './testing/float64';
import { referenceSegmenter } from './testing/reference-vit';
import { decodeLoss, parameterShapes, posEmbed, segmentationLoss, segmenter, type VitConfig } from './vit';

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

  /** How many bands `decodeLoss` splits the loss into: each band is one recomputable segment of the graph. */
  function bandsOf(c: VitConfig, batch: number, crop: number, bandBytes?: number): number {
    const g = new Graph();
    const grid = crop / c.patchSize;
    const p = { 'seg_head.weight': g.param('seg_head.weight', [c.numClasses, 4]), 'seg_head.bias': g.param('seg_head.bias', [c.numClasses]) };
    decodeLoss(g.param('f', [batch, grid * grid, 4]), p, c, crop, crop, g.input('labels', [batch, crop, crop], 'int32'), undefined, bandBytes);
    return g.segments.length;
  }

  it('the loss is split into the fewest bands that divide the crop with each band under its byte budget', () => {
    const c = tinyVitConfig({ embedDim: 4, patchSize: 4, numClasses: 3 });
    const row = 2 * 3 * 12 * 4; // float32 logits of one row of a 12-px crop: batch 2, 3 classes
    expect(bandsOf(c, 2, 12, 12 * row)).toBe(1); // the whole map fits
    expect(bandsOf(c, 2, 12, 12 * row - 1)).toBe(2); // one byte less: two bands of 6 rows
    expect(bandsOf(c, 2, 12, 3 * row)).toBe(4); // exactly 3 rows a band
    expect(bandsOf(c, 2, 12, 2.5 * row)).toBe(6); // 5 bands of 2.4 rows would fit, but bands are whole rows: 6 of 2
    expect(bandsOf(c, 2, 12, row - 1)).toBe(12); // not even one row fits: one band per row
    expect(bandsOf(c, 1, 12, 3 * row)).toBe(2); // half the batch: half the bytes per row
    // the default budget (32 MiB) at the paper's step: 512 px, 150 classes, batch 1 → 300 KiB a row, 109 rows at most: 8 bands of 64
    expect(bandsOf({ ...c, patchSize: 16, numClasses: 150 }, 1, 512)).toBe(8);
  });
});
