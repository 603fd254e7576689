/**
 * Recomputation per transformer block (`--recompute blocks`): the same loss and gradients as the
 * graph that keeps every activation, a smaller memory plan, and rebuilt blocks that onnxruntime
 * cannot merge back into the forward pass.
 */
import { describe, expect, it } from 'vitest';
import { Graph, exportOnnx, grad, type CompiledGraph } from '../graph';
import { makeTinyVit, tinyVitConfig, type TinyVitOptions } from '../model/demo';
import { ModelProto } from '../graph/onnx-schema';
import { familySegmentationLoss } from '../model/families';
import { createNodeRunner } from '../runtime/node';
import { compileTrainStep, compileWithRecompute, parseRecompute, stepPeakBytes, type Recompute } from './graphs';

const CROP = 32, BATCH = 2;

function tinyVit(opts: TinyVitOptions) {
  const weights = makeTinyVit({ ...opts, patchSize: 8, grid: CROP / 8, numClasses: 3, seed: 5 });
  const config = { ...tinyVitConfig({ ...opts, patchSize: 8, numClasses: 3 }), heads: 2 };
  return { weights, config };
}

/** One train step of `graph` on a fixed batch. */
async function runGraph(graph: CompiledGraph, weights: ReturnType<typeof makeTinyVit>) {
  const runner = await createNodeRunner(graph);
  const image = Float32Array.from({ length: BATCH * 3 * CROP * CROP }, (_, i) => Math.sin(i * 0.37));
  const labels = Int32Array.from({ length: BATCH * CROP * CROP }, (_, i) => (i % 13 === 0 ? 255 : (i * 7) % 3));
  const out = await runner.run({ ...Object.fromEntries([...weights].map(([k, t]) => [k, t.data])), image, labels });
  await runner.release();
  return out;
}

async function step(opts: TinyVitOptions, recompute: 'none' | 'blocks', family: 'vit' = 'vit') {
  const { weights, config } = tinyVit(opts);
  const graph = compileTrainStep(config, new Map([...weights].map(([k, t]) => [k, t.shape])), { batch: BATCH, crop: CROP }, 'none', undefined, family, recompute);
  return { graph, out: await runGraph(graph, weights) };
}

describe('recompute blocks', () => {
  for (const opts of [{ embedDim: 32, depth: 3 }, { embedDim: 32, depth: 2, layerScale: true, regTokens: 2 }] as TinyVitOptions[]) {
    it(`gives gradients identical to the graph that keeps activations (${JSON.stringify(opts)})`, async () => {
      const kept = await step(opts, 'none');
      const rebuilt = await step(opts, 'blocks');
      expect(Object.keys(rebuilt.out).sort()).toEqual(Object.keys(kept.out).sort());
      for (const [name, t] of Object.entries(kept.out)) {
        expect(Array.from(rebuilt.out[name].data as Float32Array), name).toEqual(Array.from(t.data as Float32Array));
      }
      // the rebuilt blocks are real nodes of the exported graph, and the plan keeps less alive
      expect(rebuilt.graph.manifest.nodeCount).toBeGreaterThan(kept.graph.manifest.nodeCount);
      expect(rebuilt.graph.manifest.plan.workspaceBytes).toBeLessThan(kept.graph.manifest.plan.workspaceBytes);
    });
  }

  it('keeps only block inputs: the plan of a deep model shrinks with depth', async () => {
    const plan = (depth: number, r: 'none' | 'blocks') => {
      const weights = makeTinyVit({ embedDim: 64, depth, patchSize: 8, grid: 8, numClasses: 3 });
      const config = tinyVitConfig({ embedDim: 64, depth, patchSize: 8, numClasses: 3 });
      return compileTrainStep(config, new Map([...weights].map(([k, t]) => [k, t.shape])), { batch: 1, crop: 64 }, 'none', undefined, 'vit', r).manifest.plan.workspaceBytes;
    };
    // kept activations grow by a whole block per block; with recomputation only by the block's input —
    // in onnxruntime's order too, because each block's gate reads the previous block's weight gradients
    const perBlockKept = plan(4, 'none') - plan(3, 'none');
    const perBlockRebuilt = plan(4, 'blocks') - plan(3, 'blocks');
    expect(perBlockRebuilt).toBeLessThan(perBlockKept / 5);
  });

  it('keeping activations, GELU and LayerNorm outputs are rebuilt for the weight gradients that read them: identical gradients, less kept', async () => {
    const opts: TinyVitOptions = { embedDim: 32, depth: 3 };
    const { graph: rebuilt, out: b } = await step(opts, 'none');
    // the same step with the rebuilding switched off (compileTrainStep always rebuilds)
    const { weights, config } = tinyVit(opts);
    const g = new Graph();
    const params = Object.fromEntries([...weights].map(([k, t]) => [k, g.param(k, t.shape)]));
    const loss = familySegmentationLoss('vit', g.input('image', [BATCH, 3, CROP, CROP]), g.input('labels', [BATCH, CROP, CROP], 'int32'), params, config);
    g.output('loss', loss);
    const trainable = Object.values(params);
    grad(loss, trainable, { rematerialize: false }).forEach((gr, i) => g.output(`grad.${trainable[i].name}`, gr));
    const kept = exportOnnx(g, 'train_step');
    const a = await runGraph(kept, weights);
    for (const [name, t] of Object.entries(a)) expect(Array.from(b[name].data as Float32Array), name).toEqual(Array.from(t.data as Float32Array));
    // one rebuilt GELU per block, and the plan keeps less alive
    expect(rebuilt.manifest.opCounts.Gelu).toBe(2 * kept.manifest.opCounts.Gelu);
    expect(rebuilt.manifest.plan.workspaceBytes).toBeLessThan(0.9 * kept.manifest.plan.workspaceBytes);
    // each copy reads gated inputs (x + 0·g₀), not the forward's own: else onnxruntime's CSE merges it back
    const nodes = (ModelProto.toObject(ModelProto.decode(rebuilt.onnx)) as { graph: { node: { opType: string; input: string[] }[] } }).graph.node;
    const gelus = nodes.filter((n) => n.opType === 'Gelu');
    expect(new Set(gelus.map((n) => n.input[0])).size).toBe(gelus.length);
    // LayerNorm's rebuilt normalised x is a Div of x − mean by σ
    const divs = nodes.filter((n) => n.opType === 'Div');
    expect(divs.length).toBeGreaterThan(kept.manifest.opCounts.Div);
    expect(new Set(divs.map((n) => n.input.join())).size).toBe(divs.length);
  });

  it('names a bad --recompute value', () => {
    expect(parseRecompute('blocks')).toBe('blocks');
    expect(() => parseRecompute('layers')).toThrow('--recompute must be none, blocks or auto; got "layers"');
  });

  it("'auto' recomputes only when the step does not fit the budget, and says so", () => {
    const weights = makeTinyVit({ embedDim: 32, depth: 3, patchSize: 8, grid: 4, numClasses: 3 });
    const config = tinyVitConfig({ embedDim: 32, depth: 3, patchSize: 8, numClasses: 3 });
    const compile = (r: Recompute) => compileTrainStep(config, new Map([...weights].map(([k, t]) => [k, t.shape])), { batch: 2, crop: 32 }, 'none', undefined, 'vit', r);
    const kept = stepPeakBytes(compile('none').manifest), rebuilt = stepPeakBytes(compile('blocks').manifest);
    expect(rebuilt).toBeLessThan(kept);
    expect(compileWithRecompute(compile, 'auto', kept).notice).toBeUndefined();
    const squeezed = compileWithRecompute(compile, 'auto', kept - 1);
    expect(stepPeakBytes(squeezed.graph.manifest)).toBe(rebuilt);
    expect(squeezed.notice).toMatch(/^recomputing block activations in the backward pass: the step needs [\d.]+ GiB keeping them/);
    expect(compileWithRecompute(compile, 'none', 0).notice).toBeUndefined();
  });
});
