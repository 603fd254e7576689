/**
 * The lens's input comes from the eval graph itself: compiled with `features: true` it returns the
 * same logits as without, plus the patch features the linear probe's extractor computes; PCA and
 * similarity run on them (onnxruntime-node).
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { createNodeRunner } from '../runtime/node';
import { compileEval, compileFeatureExtractor } from '../train/graphs';
import { prepareRun } from '../train/session';
import { featureLens } from './lens';

describe('feature lens on the eval graph', () => {
  it('exposes patch features [B, N, D] next to unchanged logits, and PCA and similarity run on them', async () => {
    // a DINOv2-like tiny backbone: register tokens and layer scale, so "prefix tokens dropped" matters
    const tensors = makeTinyVit({ ...DEMO_MODEL, seed: 5, regTokens: 2, layerScale: true, numClasses: 5 });
    const { model } = prepareRun(tensors, 'tiny.safetensors', 5, { crop: 64, batch: 2, freeze: 'none', seed: 0 });
    const shapes = new Map([...model.weights].map(([k, t]) => [k, t.shape]));
    const step = { batch: 2, crop: 64 };
    const withFeatures = compileEval(model.config, shapes, step, 'dinov2', { features: true });
    expect(withFeatures.manifest.outputs.map((o) => [o.name, o.shape])).toEqual([['logits', [2, 5, 64, 64]], ['features', [2, 64, 64]]]);

    const params = Object.fromEntries([...model.weights].map(([k, t]) => [k, t.data]));
    const rand = mulberry32(9);
    const image = Float32Array.from({ length: 2 * 3 * 64 * 64 }, () => rand() * 4 - 2);
    const [lensRunner, plain, extractor] = await Promise.all([
      createNodeRunner(withFeatures), createNodeRunner(compileEval(model.config, shapes, step, 'dinov2')),
      createNodeRunner(compileFeatureExtractor(model.config, shapes, step, 'dinov2')),
    ]);
    try {
      const both = await lensRunner.run({ ...params, image });
      const logits = (await plain.run({ ...params, image }, ['logits'])).logits.data as Float32Array;
      const probe = (await extractor.run({ ...Object.fromEntries(Object.entries(params).filter(([k]) => !k.startsWith('seg_head.'))), image }, ['features'])).features.data as Float32Array;
      const close = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
      expect(close(both.logits.data as Float32Array, logits)).toBeLessThan(1e-5);
      expect(close(both.features.data as Float32Array, probe)).toBeLessThan(1e-5);

      const [a, b] = [await featureLens(lensRunner, params, image, 0), await featureLens(lensRunner, params, image, 1)];
      expect([a.grid, a.dim, a.features.length]).toEqual([8, 64, 64 * 64]);
      expect(a.features).toEqual((both.features.data as Float32Array).slice(0, 64 * 64));
      expect(b.features).toEqual((both.features.data as Float32Array).slice(64 * 64));
      expect(a.pca.count).toBe(3);
      expect(a.pca.converged).toBe(true);
      for (let c = 0; c < 3; c++) {
        const channel = Array.from({ length: 64 }, (_, j) => a.pca.rgb[j * 3 + c]);
        expect([Math.min(...channel), Math.max(...channel)]).toEqual([0, 1]);
      }
      const s = a.similarity(10);
      expect(s).toHaveLength(64);
      expect(s[10]).toBeCloseTo(1, 5);
      await expect(featureLens(lensRunner, params, image, 2)).rejects.toThrow(/image 2 is not in a batch of 2/);
      await expect(featureLens(plain, params, image)).rejects.toThrow(/features/);
    } finally {
      await Promise.all([lensRunner.release(), plain.release(), extractor.release()]);
    }
  });
});
