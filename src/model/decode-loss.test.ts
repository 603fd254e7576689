/**
 * The decoder + loss in horizontal bands (`decodeLoss`): the value and float64 finite-difference
 * gradients of `crossEntropy(decode(…))`, and with recomputation the same gradients bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { Graph, crossEntropy, exportOnnx, grad, hostArray } from '../graph';
import { checkGraph } from '../graph/testing/gradcheck';
import { createNodeRunner } from '../runtime/node';
import { tinyVitConfig } from './demo';
import { decode, decodeLoss } from './vit';

const config = tinyVitConfig({ embedDim: 4, patchSize: 4, numClasses: 3 });
const CROP = 12; // a 3×3 patch grid upsampled to 12×12
const labels = Array.from({ length: 2 * CROP * CROP }, (_, i) => (i % 7 === 0 ? 255 : (i * 5) % 3));
const inputs = [
  { shape: [2, 9, 4] }, { shape: [3, 4] }, { shape: [3] },
  { shape: [2, CROP, CROP], dtype: 'int32' as const, values: labels },
];
const ROW_BYTES = 2 * 3 * CROP * 8; // float64 logits of one row for the whole batch

describe('decodeLoss in bands', () => {
  it('equals crossEntropy(decode(…)) in value and gradient with 4 bands (float64 finite differences)', async () => {
    const build = (bandBytes?: number) => ([f, w, b, l]: import('../graph').Tensor[]) => {
      const p = { 'seg_head.weight': w, 'seg_head.bias': b };
      return bandBytes ? decodeLoss(f, p, config, CROP, CROP, l, undefined, bandBytes) : crossEntropy(decode(f, p, config, CROP, CROP), l);
    };
    const whole = await checkGraph(inputs, build(), { sample: 12 });
    const banded = await checkGraph(inputs, build(3 * ROW_BYTES), { sample: 12 }); // 3 rows a band: 4 bands
    expect(banded.value[0]).toBeCloseTo(whole.value[0] as number, 12);
    banded.grads.forEach((g, i) => Array.from(g).forEach((v, j) => expect(v).toBeCloseTo(whole.grads[i][j] as number, 12)));
  });

  it('with recomputation, each band rebuilt in the backward gives the same gradients bit for bit', async () => {
    const run = async (recompute: boolean) => {
      const g = new Graph();
      const f = g.param('f', [2, 9, 4]), w = g.param('w', [3, 4]), b = g.param('b', [3]);
      const loss = decodeLoss(f, { 'seg_head.weight': w, 'seg_head.bias': b }, config, CROP, CROP, g.input('labels', [2, CROP, CROP], 'int32'), undefined, 3 * ROW_BYTES / 2);
      g.output('loss', loss);
      grad(loss, [f, w, b], { recompute }).forEach((t, i) => g.output(`g${i}`, t));
      const compiled = exportOnnx(g);
      const runner = await createNodeRunner(compiled);
      const feeds = {
        f: hostArray('float32', Array.from({ length: 72 }, (_, i) => Math.sin(i))), w: hostArray('float32', Array.from({ length: 12 }, (_, i) => Math.cos(i))),
        b: hostArray('float32', [0.1, -0.2, 0.3]), labels: hostArray('int32', labels),
      };
      const out = await runner.run(feeds);
      await runner.release();
      return { out, plan: compiled.manifest.plan };
    };
    const kept = await run(false), rebuilt = await run(true);
    for (const k of ['loss', 'g0', 'g1', 'g2']) expect(Array.from(rebuilt.out[k].data as Float32Array), k).toEqual(Array.from(kept.out[k].data as Float32Array));
    expect(rebuilt.plan.workspaceBytes).toBeLessThan(kept.plan.workspaceBytes);
  });
});
