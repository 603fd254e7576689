/**
 * @file Memory preflight: before compiling for the GPU, estimate what a run allocates (weights,
 * gradients, AdamW moments, accumulators, activations) and check it against the adapter's limits,
 * refusing with concrete suggestions instead of crashing mid-run. The activations are the
 * compiler's liveness plan (src/graph/plan.ts), not the sum of every intermediate.
 */
import type { Manifest } from '../graph';

/** The loss the WebGPU engine reads one step late (onnxruntime binds outputs as vec4 arrays: 16 bytes at least). */
export const LOSS_BUFFER_BYTES = 16;
/** The engine's divergence flag (one u32), set on the device by its guard pass. */
export const FLAG_BUFFER_BYTES = 4;

export interface MemoryEstimate {
  paramBytes: number;
  gradBytes: number;
  momentBytes: number;
  accumulatorBytes: number;
  /** The engine's loss buffer and divergence flag. */
  scalarBytes: number;
  /**
   * What onnxruntime holds during a step besides the engine's buffers: the plan's peak of values
   * alive at once (intermediates, constants, data inputs, the loss).
   */
  activationBytes: number;
  largestBinding: { bytes: number; what: string };
  totalBytes: number;
}

export interface DeviceLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** Exactly the buffers `GpuEngine` allocates, plus the train step's activations. */
export function estimateMemory(train: Manifest, accum: number): MemoryEstimate {
  const params = train.inputs.filter((i) => i.kind === 'param');
  const bytesOf = (shape: number[]) => 4 * Math.max(1, shape.reduce((a, b) => a * b, 1));
  const paramBytes = params.reduce((s, p) => s + bytesOf(p.shape), 0);
  const trainableBytes = params.filter((p) => p.trainable).reduce((s, p) => s + bytesOf(p.shape), 0);
  const largestParam = params.reduce((a, p) => (bytesOf(p.shape) > bytesOf(a.shape) ? p : a), params[0]);
  const act = train.largestIntermediate;
  const largestBinding = act.bytes > bytesOf(largestParam.shape)
    ? { bytes: act.bytes, what: `a ${act.op} activation of shape [${act.shape}]` }
    : { bytes: bytesOf(largestParam.shape), what: `parameter ${largestParam.name}` };
  const estimate = {
    paramBytes,
    gradBytes: trainableBytes,
    momentBytes: 2 * trainableBytes,
    accumulatorBytes: accum > 1 ? trainableBytes : 0,
    scalarBytes: LOSS_BUFFER_BYTES + FLAG_BUFFER_BYTES,
    activationBytes: train.plan.peakBytes - paramBytes - trainableBytes,
    largestBinding,
  };
  return { ...estimate, totalBytes: paramBytes + estimate.gradBytes + estimate.momentBytes + estimate.accumulatorBytes + estimate.scalarBytes + estimate.activationBytes };
}

export const formatBytes = (b: number) =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : b >= 2 ** 20 ? `${(b / 2 ** 20).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`;

/** One line for the CLI before training: the plan's peak and what it is made of. */
export function describeMemory(e: MemoryEstimate, train: Manifest): string {
  const p = train.plan;
  return `memory plan: ≈ ${formatBytes(e.totalBytes)} — weights ${formatBytes(e.paramBytes)}, gradients ${formatBytes(e.gradBytes)}, ` +
    `AdamW moments ${formatBytes(e.momentBytes)}${e.accumulatorBytes ? `, accumulators ${formatBytes(e.accumulatorBytes)}` : ''}, ` +
    `activations at most ${formatBytes(e.activationBytes)} alive at once (peak at a ${p.peakAt.op} [${p.peakAt.shape}])`;
}

/** The settings that shrink a run, named with their current values (the preflight's and the out-of-memory advice). */
export const smallerRun = (s: { crop: number; batch: number }) =>
  `a smaller crop (now ${s.crop}) or batch (now ${s.batch}) — use gradient accumulation to keep the effective batch — or freeze the encoder.`;

/** Throws a message that names the setting to change when one buffer cannot exist on this adapter. */
export function checkFits(e: MemoryEstimate, limits: DeviceLimits, settings: { crop: number; batch: number }): void {
  const limit = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  if (e.largestBinding.bytes <= limit) return;
  throw new Error(
    `This run needs ${e.largestBinding.what} of ${formatBytes(e.largestBinding.bytes)}, but this GPU binds at most ` +
      `${formatBytes(limit)} per buffer. Try ${smallerRun(settings)}`,
  );
}

/**
 * onnxruntime-web's wasm heap: a 32-bit address space, whatever the machine has. The memory policy
 * on the wasm backend decides against it (the browser tells no page how much memory is free).
 */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

/** What allocation failures look like from onnxruntime-web (wasm heap growth, emscripten aborts) and WebGPU. */
const OUT_OF_MEMORY = /out of memory|\bOOM\b|bad_alloc|Maximum memory size|Cannot enlarge memory|failed to allocate|Array buffer allocation failed|GPUOutOfMemoryError/i;

/**
 * A run that died allocating memory gets the same concrete advice as the preflight. The wasm heap
 * is a 4 GiB address space whatever the machine has, so large crops and batches can fail there;
 * and once onnxruntime-web's wasm heap has failed an allocation, later runs in the same page fail
 * too, even small ones (measured: ViT-B/16 at 512 px, batch 4, then 224 px, batch 2), so the page
 * must be reloaded. Other errors pass through unchanged.
 */
export function explainOutOfMemory(message: string, where: 'wasm' | 'GPU', settings: { crop: number; batch: number }): string {
  if (!OUT_OF_MEMORY.test(message)) return message;
  const advice = `try ${smallerRun(settings)}`;
  return where === 'wasm'
    ? `${message} — the wasm backend (at most 4 GiB of memory) ran out of memory for this run and cannot reclaim it: reload the page (saved runs and the recipe are kept), then ${advice}`
    : `${message} — the GPU ran out of memory for this run: ${advice}`;
}
