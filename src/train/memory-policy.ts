/**
 * @file The memory policy: speed and memory are one decision, taken from the step's plan, never a
 * global trade of one for the other. Two configurations of the same train step:
 *   fast — onnxruntime's CPU arena, every value the backward pass reads kept (no rebuilt GELU /
 *          LayerNorm outputs), no forced garbage collection; no memory patterns: beside the arena
 *          they kept a second workspace (ViT-B/16 512 px step: peak RSS 4974 → 3420 MiB without
 *          them, one run each, load 16–22) for no CPU time measurable at ViT-S/16 224 px;
 *   lean — no arena (each intermediate goes back to the system when freed), those values rebuilt
 *          in the backward pass, and the runtime's large output copies collected after each step
 *          (the configuration every run had before the policy).
 * `auto` takes fast when its plan fits comfortably in the memory available, lean only when it does
 * not — as `--recompute auto` decides whether to keep block activations. Pure: no Node, no DOM.
 */
import type { CompiledGraph } from '../graph';
import { compileWithRecompute, stepPeakBytes, type Recompute } from './graphs';

export type MemoryMode = 'fast' | 'lean';
export type MemoryRequest = MemoryMode | 'auto';

/** What each configuration sets, for the runtimes (src/runtime/node.ts, src/worker/ort-web.ts) and the compiler. */
export interface MemoryConfig {
  /** onnxruntime's CPU arena (node CPU EP, web wasm EP): no malloc/free per tensor, but it keeps its peak. */
  cpuArena: boolean;
  /** onnxruntime's memory patterns: after the first run, one block per run laid out from its plan. */
  memPattern: boolean;
  /** Rebuild the values marked with `graph.rematerialize` in the backward pass instead of keeping them. */
  rebuildValues: boolean;
  /** Collect the runtime's JS copies of large outputs after each step (onnxruntime-node only). */
  collectGarbage: boolean;
}

export const MEMORY_CONFIGS: Record<MemoryMode, MemoryConfig> = {
  fast: { cpuArena: true, memPattern: false, rebuildValues: false, collectGarbage: false },
  // memory patterns stay on in lean (onnxruntime's default, as before the policy): without the
  // arena they are one block per run, laid out at the plan's peak, freed after it
  lean: { cpuArena: false, memPattern: true, rebuildValues: true, collectGarbage: true },
};

export function parseMemory(mode: string): MemoryRequest {
  if (mode === 'fast' || mode === 'lean' || mode === 'auto') return mode;
  throw new Error(`--memory must be fast, lean or auto; got "${mode}"`);
}

/**
 * "Fits comfortably": the fast plan takes at most this share of the memory available, leaving the
 * rest to the dataset, the eval session, the OS and the plan's own approximations.
 */
export const COMFORTABLE_SHARE = 0.5;

const gradBytes = (m: CompiledGraph['manifest']) =>
  m.outputs.filter((o) => o.name.startsWith('grad.')).reduce((s, o) => s + 4 * o.shape.reduce((a, b) => a * b, 1), 0);

/**
 * What a configuration is expected to hold at its peak: the step's plan (weights, gradients,
 * AdamW moments, activations), plus
 *  - fast: the arena grows by doubling, so it may hold up to twice the plan's workspace; and the
 *    runtime's JS copy of the gradients waits for V8's next collection instead of a forced one;
 *  - lean: nothing more (the copy is collected once the workspace is freed, so it reuses it).
 */
export function configCost(mode: MemoryMode, m: CompiledGraph['manifest']): number {
  const plan = stepPeakBytes(m);
  return mode === 'fast' ? plan + m.plan.workspaceBytes + gradBytes(m) : plan;
}

export interface MemoryChoice {
  mode: MemoryMode;
  config: MemoryConfig;
  /** The configurations' expected peaks: both under auto, the one asked for otherwise. */
  costs: Partial<Record<MemoryMode, number>>;
  /** One line for the user: which configuration and why. */
  reason: string;
}

/** GiB from 1 GiB up, else MiB (a demo model's step is a few MiB). */
const gib = (b: number) => (b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(1)} MiB`);
const share = `${Math.round(COMFORTABLE_SHARE * 100)} %`;

/**
 * The decision alone, from the costs and the memory available (pure arithmetic, so tests can set
 * either side of the line): fast when its cost is at most COMFORTABLE_SHARE of `availableBytes`.
 * `where` names that memory in the reason ("free", "wasm heap").
 */
export function chooseMemory(request: MemoryRequest, costs: Partial<Record<MemoryMode, number>>, availableBytes: number, where = 'free'): MemoryChoice {
  const costsText = (Object.keys(costs) as MemoryMode[]).map((m) => `${m} ≈ ${gib(costs[m]!)}`).join(', ');
  if (request !== 'auto') return { mode: request, config: MEMORY_CONFIGS[request], costs, reason: `memory ${request}, as asked (${costsText})` };
  if (costs.fast === undefined) throw new Error('memory auto needs the fast configuration\'s cost');
  const mode: MemoryMode = costs.fast <= COMFORTABLE_SHARE * availableBytes ? 'fast' : 'lean';
  const reason = mode === 'fast'
    ? `memory fast: its plan fits in ${share} of the ${gib(availableBytes)} ${where} (${costsText})`
    : `memory lean: the fast plan does not fit in ${share} of the ${gib(availableBytes)} ${where} (${costsText})`;
  return { mode, config: MEMORY_CONFIGS[mode], costs, reason };
}

/**
 * The train step under the policy: compiles the configuration(s) it needs and picks. `compile`
 * builds the step with or without block recomputation and rebuilt values; `--recompute auto`
 * then decides inside the chosen configuration, against the same memory.
 */
export function compileWithMemoryPolicy(
  compile: (recompute: Recompute, rebuildValues: boolean) => CompiledGraph,
  request: MemoryRequest, recompute: Recompute | 'auto', availableBytes = Infinity, where = 'free',
): { graph: CompiledGraph; choice: MemoryChoice; notice?: string } {
  const inMode = (mode: MemoryMode) => compileWithRecompute((r) => compile(r, MEMORY_CONFIGS[mode].rebuildValues), recompute, availableBytes);
  if (request !== 'auto') {
    const step = inMode(request);
    return { ...step, choice: chooseMemory(request, { [request]: configCost(request, step.graph.manifest) }, availableBytes, where) };
  }
  // both plans are compiled, so the line printed names what each would cost
  const fast = compile(recompute === 'blocks' ? 'blocks' : 'none', MEMORY_CONFIGS.fast.rebuildValues);
  const lean = inMode('lean');
  const choice = chooseMemory('auto', { fast: configCost('fast', fast.manifest), lean: configCost('lean', lean.graph.manifest) }, availableBytes, where);
  return choice.mode === 'fast' ? { graph: fast, choice } : { ...lean, choice };
}
