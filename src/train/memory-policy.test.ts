/**
 * The memory policy's choice: fast when its plan fits comfortably in the memory available, lean
 * when it does not, from the compiled step's plan (both ways), and the costs against a direct sum
 * of the step's buffers.
 */
import { describe, expect, it } from 'vitest';
import { makeTinyVit, tinyVitConfig } from '../model/demo';
import { compileTrainStep, type Recompute } from './graphs';
import { COMFORTABLE_SHARE, MEMORY_CONFIGS, chooseMemory, compileWithMemoryPolicy, configCost, parseMemory } from './memory-policy';

const config = tinyVitConfig({ embedDim: 16, depth: 2, patchSize: 4, numClasses: 3 });
const weights = makeTinyVit({ embedDim: 16, depth: 2, patchSize: 4, grid: 4, numClasses: 3, seed: 1 });
const shapes = new Map([...weights].map(([k, t]) => [k, t.shape]));
const compile = (r: Recompute, rebuild: boolean) => compileTrainStep(config, shapes, { batch: 2, crop: 16 }, 'none', undefined, 'vit', r, rebuild);
const GIB = 2 ** 30;

describe('chooseMemory', () => {
  it('auto takes fast when its cost is within the comfortable share of the memory available, lean when it is over', () => {
    const costs = { fast: 3 * GIB, lean: 2 * GIB };
    const fits = chooseMemory('auto', costs, 3 * GIB / COMFORTABLE_SHARE);
    expect(fits.mode).toBe('fast');
    expect(fits.config).toEqual(MEMORY_CONFIGS.fast);
    expect(fits.reason).toBe('memory fast: its plan fits in 50 % of the 6.00 GiB free (fast ≈ 3.00 GiB, lean ≈ 2.00 GiB)');
    const over = chooseMemory('auto', costs, 3 * GIB / COMFORTABLE_SHARE - 1, 'wasm heap');
    expect(over.mode).toBe('lean');
    expect(over.config).toEqual(MEMORY_CONFIGS.lean);
    expect(over.reason).toBe('memory lean: the fast plan does not fit in 50 % of the 6.00 GiB wasm heap (fast ≈ 3.00 GiB, lean ≈ 2.00 GiB)');
  });

  it('an explicit fast or lean is kept whatever the memory, and says so', () => {
    expect(chooseMemory('fast', { fast: 10 * GIB }, GIB).mode).toBe('fast');
    expect(chooseMemory('lean', { lean: GIB }, 100 * GIB).reason).toBe('memory lean, as asked (lean ≈ 1.00 GiB)');
    expect(chooseMemory('fast', { fast: GIB - 2 ** 20 }, 100 * GIB).reason).toBe('memory fast, as asked (fast ≈ 1023.0 MiB)'); // below 1 GiB: MiB
  });

  it('the two configurations differ in every knob (fast: arena, no patterns, nothing rebuilt, no forced GC), and a bad name is refused naming the option', () => {
    for (const k of Object.keys(MEMORY_CONFIGS.fast) as (keyof typeof MEMORY_CONFIGS.fast)[]) expect(MEMORY_CONFIGS.fast[k]).not.toBe(MEMORY_CONFIGS.lean[k]);
    expect(MEMORY_CONFIGS.fast).toEqual({ cpuArena: true, memPattern: false, rebuildValues: false, collectGarbage: false });
    expect(parseMemory('auto')).toBe('auto');
    expect(() => parseMemory('quick')).toThrow('--memory must be fast, lean or auto; got "quick"');
  });
});

describe('configCost', () => {
  it('is the plan plus AdamW moments (lean), plus a second workspace and the gradients\' copy (fast), summed directly', () => {
    const step = compile('none', false).manifest;
    const paramBytes = [...weights.values()].reduce((s, t) => s + 4 * t.data.length, 0); // every parameter trains
    const lean = step.plan.peakBytes + 2 * paramBytes;
    expect(configCost('lean', step)).toBe(lean);
    expect(configCost('fast', step)).toBe(lean + step.plan.workspaceBytes + paramBytes);
  });
});

describe('compileWithMemoryPolicy (auto) against the compiled plan', () => {
  const fastStep = compile('none', false);
  const leanStep = compile('none', true);
  const fastCost = configCost('fast', fastStep.manifest);

  it('the fast step keeps what the lean one rebuilds: more kept, fewer nodes', () => {
    expect(fastStep.manifest.nodeCount).toBeLessThan(leanStep.manifest.nodeCount);
  });

  it('fast when the fast plan fits in the comfortable share: its graph has no rebuilt values', () => {
    const r = compileWithMemoryPolicy(compile, 'auto', 'auto', fastCost / COMFORTABLE_SHARE);
    expect(r.choice.mode).toBe('fast');
    expect(r.graph.manifest.nodeCount).toBe(fastStep.manifest.nodeCount);
    expect(r.choice.costs).toEqual({ fast: fastCost, lean: configCost('lean', leanStep.manifest) });
  });

  it('lean one byte below: the graph rebuilds values (and recompute auto keeps the activations it has room for)', () => {
    const r = compileWithMemoryPolicy(compile, 'auto', 'auto', fastCost / COMFORTABLE_SHARE - 1);
    expect(r.choice.mode).toBe('lean');
    expect(r.graph.manifest.nodeCount).toBe(leanStep.manifest.nodeCount);
    expect(r.notice).toBeUndefined();
  });

  it('lean with too little for the kept activations too: blocks are recomputed as well', () => {
    const r = compileWithMemoryPolicy(compile, 'auto', 'auto', 1);
    expect(r.choice.mode).toBe('lean');
    expect(r.graph.manifest.nodeCount).toBe(compile('blocks', true).manifest.nodeCount);
    expect(r.notice).toMatch(/^recomputing block activations/);
  });
});
