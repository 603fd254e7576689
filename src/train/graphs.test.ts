/** Freeze modes decide what trains, and frozen parameters cost no backward work; accumulation averages micro-batches. */
import { describe, expect, it } from 'vitest';
import { makeTinyVit, tinyVitConfig } from '../model/demo';
import { createNodeRunner } from '../runtime/node';
import { HostEngine } from './engine';
import { compileEval, compileFeatureExtractor, compileProbeStep, compileTrainStep, isTrainable, parseFreeze } from './graphs';
import { trainLoop } from './loop';

const weights = () => makeTinyVit({ embedDim: 16, depth: 3, patchSize: 4, grid: 4, numClasses: 3, seed: 2 });
const config = tinyVitConfig({ embedDim: 16, depth: 3, patchSize: 4, numClasses: 3 });
const shapes = new Map([...weights()].map(([k, t]) => [k, t.shape]));

describe('freeze modes', () => {
  it('none / encoder / last:K select the trainable parameters', () => {
    const names = [...shapes.keys()];
    const trainable = (mode: string) => names.filter((n) => isTrainable(n, parseFreeze(mode, 3), 3));
    expect(trainable('none')).toEqual(names);
    expect(trainable('encoder')).toEqual(['seg_head.weight', 'seg_head.bias']);
    const last1 = trainable('last:1');
    expect(last1.every((n) => n.startsWith('blocks.2.') || n.startsWith('norm.') || n.startsWith('seg_head.'))).toBe(true);
    expect(last1).toContain('blocks.2.attn.qkv.weight');
    expect(last1).toContain('norm.weight');
    expect(isTrainable('blocks.2.attn.qkv.weight', 'last:0', 3)).toBe(false);
    expect(() => parseFreeze('last:7', 3)).toThrow('--freeze must be none, encoder or last:K with 1 ≤ K ≤ 3; got "last:7"');
    expect(() => parseFreeze('last:0', 3)).toThrow('1 ≤ K ≤ 3');
    expect(() => parseFreeze('half', 3)).toThrow('--freeze must be');
  });

  it('a frozen encoder makes the train step much smaller (pruned backward), with gradients only for trainable tensors', () => {
    const full = compileTrainStep(config, shapes, { batch: 1, crop: 16 }, 'none');
    const probe = compileTrainStep(config, shapes, { batch: 1, crop: 16 }, 'encoder');
    const last = compileTrainStep(config, shapes, { batch: 1, crop: 16 }, 'last:1');
    expect(probe.manifest.outputs.map((o) => o.name)).toEqual(['loss', 'grad.seg_head.weight', 'grad.seg_head.bias']);
    expect(probe.manifest.nodeCount).toBeLessThan(full.manifest.nodeCount * 0.6);
    expect(probe.manifest.nodeCount).toBeLessThan(last.manifest.nodeCount);
    expect(last.manifest.nodeCount).toBeLessThan(full.manifest.nodeCount);
  });
});

describe('linear probe on cached features', () => {
  it('extractor + probe step give the loss and decoder gradients of the full step with a frozen encoder', async () => {
    const w = weights(), crop = 16, batch = 2;
    const feeds = Object.fromEntries([...w].map(([k, t]) => [k, t.data]));
    const image = Float32Array.from({ length: batch * 3 * crop * crop }, (_, i) => Math.cos(i * 0.13));
    const labels = Int32Array.from({ length: batch * crop * crop }, (_, i) => (i % 11 === 0 ? 255 : i % 3));
    const full = await (await createNodeRunner(compileTrainStep(config, shapes, { batch, crop }, 'encoder'))).run({ ...feeds, image, labels });
    const features = (await (await createNodeRunner(compileFeatureExtractor(config, shapes, { batch, crop }))).run({ ...feeds, image })).features;
    expect(features.dims).toEqual([batch, (crop / 4) ** 2, 16]);
    const probe = await (await createNodeRunner(compileProbeStep(config, { batch, crop }))).run({ ...feeds, features: features.data as Float32Array, labels });
    expect(probe.loss.data[0]).toBeCloseTo(full.loss.data[0] as number, 6);
    for (const k of ['grad.seg_head.weight', 'grad.seg_head.bias']) {
      (probe[k].data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo((full[k].data as Float32Array)[i], 6));
    }
  });
});

describe('gradient accumulation', () => {
  it('two micro-batches of B and one update equal one batch of 2B (no ignored pixels)', async () => {
    const crop = 16, b = 2;
    const images = Float32Array.from({ length: 2 * b * 3 * crop * crop }, (_, i) => Math.sin(i * 0.37));
    const labels = Int32Array.from({ length: 2 * b * crop * crop }, (_, i) => (i * 7) % 3);
    const make = async (batch: number) => {
      const w = weights();
      const train = compileTrainStep(config, shapes, { batch, crop }, 'none');
      const engine = new HostEngine(await createNodeRunner(train), await createNodeRunner(compileEval(config, shapes, { batch, crop })), w, [...w.keys()], { lrHead: 1e-2, lrEncoder: 1e-3, weightDecay: 0.05 });
      return { engine, w };
    };
    const micro = await make(b);
    const cut = (arr: Float32Array | Int32Array, k: number) => arr.subarray((k * arr.length) / 2, ((k + 1) * arr.length) / 2);
    const losses: number[] = [];
    await trainLoop(micro.engine, { steps: 1, accum: 2, lrHead: 1e-2, lrEncoder: 1e-3, schedule: 'constant', evalEvery: 0 }, {
      batch: async (i) => ({ images: cut(images, i) as Float32Array, labels: cut(labels, i) as Int32Array }),
      evaluate: async (step) => ({ step, mIoU: 0, perClassIoU: [] }),
      onStep: (m) => { losses.push(m.loss); },
    });
    const whole = await make(2 * b);
    const wholeLoss = await whole.engine.accumulate(images, labels);
    await whole.engine.update({ head: 1e-2, encoder: 1e-3 });
    expect(losses[0]).toBeCloseTo(wholeLoss, 5);
    for (const [k, t] of micro.w) {
      const other = whole.w.get(k)!.data;
      t.data.forEach((v, i) => expect(Math.abs(v - other[i])).toBeLessThan(2e-5));
    }
  });
});
