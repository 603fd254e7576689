/** EVA-02 and SAM checkpoints train through the same path as every model (prepareRun → engine → loop). */
import { describe, expect, it } from 'vitest';
import { rng } from '../graph/testing/gradcheck';
import { family, type Eva02Config, type SamConfig } from '../model/families';
import type { HostTensor } from '../model/safetensors';
import { tinyVitConfig } from '../model/demo';
import { createNodeRunner } from '../runtime/node';
import { HostEngine } from './engine';
import { trainLoop } from './loop';
import { metadataOf, parseMetadata, prepareRun } from './session';

const base = tinyVitConfig({ embedDim: 16, depth: 2, patchSize: 8, numClasses: 3 });
const eva: Eva02Config = { ...base, heads: 2, mlpHidden: 24, qkvFused: false, attnInnerNorm: true, mlpInnerNorm: true, finalNorm: 'norm', ropeRefGrid: [16, 16], ropeTemperature: 10000 };
const sam: SamConfig = { ...base, heads: 2, clsTokens: 0, posEmbed: 'patch-only', normEps: 1e-5, windowSize: 2, globalBlocks: [1], relPos: true, relPosLength: { global: 7, window: 3 } };

function checkpoint(shapes: Map<string, number[]>): Map<string, HostTensor> {
  const r = rng(3);
  return new Map([...shapes].filter(([k]) => !k.startsWith('seg_head.')).map(([k, shape]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const norm = /norm/.test(k) && k.endsWith('.weight');
    return [k, { shape, data: Float32Array.from({ length: n }, () => (norm ? 1 : (r() - 0.5) * 0.1)) }];
  }));
}

describe('EVA-02 and SAM train like every model', () => {
  for (const [name, config] of [['eva02', eva], ['sam', sam]] as const) {
    it(`${name}: loads, compiles, and a few steps lower the loss on a fixed batch`, async () => {
      const crop = 32;
      const ckpt = checkpoint(family(name).parameterShapes(config as never, [crop / 8, crop / 8]));
      const run = prepareRun(ckpt, `${name}.safetensors`, 3, { crop, batch: 2, freeze: 'none', seed: 0, family: name, heads: 2 });
      const engine = new HostEngine(await createNodeRunner(run.trainGraph), await createNodeRunner(run.evalGraph), run.model.weights, run.trainable, { lrHead: 1e-2, lrEncoder: 1e-3, weightDecay: 0 });
      const images = Float32Array.from({ length: 2 * 3 * crop * crop }, (_, i) => Math.sin(i * 0.05));
      const labels = Int32Array.from({ length: 2 * crop * crop }, (_, i) => (i % crop < crop / 2 ? 0 : 1));
      const losses: number[] = [];
      await trainLoop(engine, { steps: 12, accum: 1, lrHead: 1e-2, lrEncoder: 1e-3, schedule: 'constant', evalEvery: 0 }, {
        batch: async () => ({ images, labels }),
        evaluate: async (step) => ({ step, mIoU: 0, perClassIoU: [] }),
        onStep: (m) => { losses.push(m.loss); },
      });
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses.at(-1)).toBeLessThan(losses[0] * 0.9);
      expect((await engine.logits(images)).length).toBe(2 * 3 * crop * crop);
    }, 60_000);
  }

  it('a saved SAM model records its attention window, and reloading it at the same crop keeps it', () => {
    const ckpt = checkpoint(family('sam').parameterShapes(sam as never, [8, 8])); // trained at a 64 crop, window 2
    const run = prepareRun(ckpt, 'sam.safetensors', 3, { crop: 32, batch: 1, freeze: 'encoder', seed: 0, family: 'sam', heads: 2 });
    expect((run.model.config as SamConfig).windowSize).toBe(1); // 2 × 4/8, as the benchmark scales it
    const meta = parseMetadata(metadataOf(run.model, [], 32, [0, 0, 0], [1, 1, 1], 'sam'))!;
    expect(meta.windowSize).toBe(1);
    // the saved weights have pos_embed on the 4×4 grid; without the record the tables would say 2
    const saved = new Map(run.model.weights);
    const again = prepareRun(saved, 'saved.safetensors', 3, { crop: 32, batch: 1, freeze: 'encoder', seed: 0, family: 'sam', heads: meta.heads, windowSize: meta.windowSize });
    expect((again.model.config as SamConfig).windowSize).toBe(1);
    expect(parseMetadata(metadataOf(prepareRun(checkpoint(family('eva02').parameterShapes(eva as never, [4, 4])), 'e', 3, { crop: 32, batch: 1, freeze: 'encoder', seed: 0, family: 'eva02', heads: 2 }).model, [], 32, [0, 0, 0], [1, 1, 1], 'eva02'))!.windowSize).toBeUndefined();
  });
});
