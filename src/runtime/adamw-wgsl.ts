/**
 * @file The in-place AdamW update on the GPU, and gradient accumulation. ORT cannot write an
 * output into one of its inputs, so the update runs as our own compute pass on the device that
 * ORT shares: p, m and v are updated where they live (4× params of memory, not 6×). The math is
 * the reference rule in src/train/optimizer.ts (PyTorch AdamW), tested against it in e2e.
 */

/** Uniform layout: 8 f32 followed by 2 u32 (40 bytes, padded to 48). */
export const ADAMW_UNIFORM_BYTES = 48;

export const ADAMW_WGSL = /* wgsl */ `
struct Hyper {
  lr: f32, beta1: f32, beta2: f32, eps: f32,
  weightDecay: f32, biasCorrection1: f32, biasCorrection2: f32, gradScale: f32,
  count: u32, rowLength: u32,
}
@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> h: Hyper;
// set by GUARD_WGSL once a loss was non-finite: this update and every later one are skipped
@group(0) @binding(5) var<storage, read> diverged: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x + id.y * h.rowLength;
  if (i >= h.count || diverged[0] != 0u) { return; }
  let g = grad[i] * h.gradScale;
  // decoupled weight decay: p ← p − lr·wd·p
  var p = param[i] * (1.0 - h.lr * h.weightDecay);
  let mi = h.beta1 * m[i] + (1.0 - h.beta1) * g;
  let vi = h.beta2 * v[i] + (1.0 - h.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  // p ← p − lr · m̂ / (√v̂ + ε)
  param[i] = p - h.lr * (mi / h.biasCorrection1) / (sqrt(vi / h.biasCorrection2) + h.eps);
}
`;

export const ACCUMULATE_WGSL = /* wgsl */ `
struct Size { count: u32, rowLength: u32 }
@group(0) @binding(0) var<storage, read_write> acc: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<uniform> s: Size;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x + id.y * s.rowLength;
  if (i >= s.count) { return; }
  acc[i] = acc[i] + grad[i];
}
`;

/**
 * Run after each train step, before its update: flags a non-finite loss on the device, so that
 * the update can skip it although JS reads the loss only one step later (src/train/loop.ts).
 * The test is on the bits (exponent all ones = ±∞ or NaN): WGSL lets compilers assume that
 * floats are finite, so `isNan`-style comparisons may be folded away.
 */
export const GUARD_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> loss: array<f32>;
@group(0) @binding(1) var<storage, read_write> diverged: array<u32>;

@compute @workgroup_size(1)
fn main() {
  if ((bitcast<u32>(loss[0]) & 0x7f800000u) == 0x7f800000u) { diverged[0] = 1u; }
}
`;

/** A 2-D dispatch that covers `count` elements with 256-wide workgroups (≤ 65535 per dimension). */
export function dispatchSize(count: number): { x: number; y: number; rowLength: number } {
  const groups = Math.ceil(count / 256);
  const x = Math.min(groups, 65535);
  const y = Math.ceil(groups / x);
  return { x, y, rowLength: x * 256 };
}

export function adamwUniform(h: {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number; gradScale: number; count: number;
}): ArrayBuffer {
  const buf = new ArrayBuffer(ADAMW_UNIFORM_BYTES);
  const f = new Float32Array(buf, 0, 8);
  const u = new Uint32Array(buf, 32, 2);
  f.set([h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, 1 - h.beta1 ** h.step, 1 - h.beta2 ** h.step, h.gradScale]);
  u.set([h.count, dispatchSize(h.count).rowLength]);
  return buf;
}
