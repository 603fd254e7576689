/** The in-place AdamW WGSL pass against the reference update rule, on the browser's WebGPU device. */
import { expect, test } from '@playwright/test';
import { openLab } from './helpers';

test('the WGSL AdamW pass matches the reference rule over several steps', async ({ page }) => {
  await openLab(page);
  const maxError = await page.evaluate(async () => {
    type Hooks = {
      ADAMW_WGSL: string;
      adamwUniform(h: Record<string, number>): ArrayBuffer;
      dispatchSize(n: number): { x: number; y: number };
      adamwUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, t: number, h: Record<string, number>): void;
    };
    const T = (globalThis as unknown as { vfmLabTesting: Hooks }).vfmLabTesting;
    const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
    const n = 70_001; // not a multiple of the workgroup size
    const rand = (k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + k * 78.233) * 0.5);
    const ref = { p: rand(1), m: new Float32Array(n), v: new Float32Array(n) };
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = (data: Float32Array) => {
      const b = device.createBuffer({ size: data.byteLength, usage });
      device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
      return b;
    };
    const p = buf(ref.p), g = buf(new Float32Array(n)), m = buf(ref.m), v = buf(ref.v), diverged = buf(new Float32Array(1)); // 0: no divergence
    const uniform = device.createBuffer({ size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: T.ADAMW_WGSL }), entryPoint: 'main' } });
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [p, g, m, v, uniform, diverged].map((b, i) => ({ binding: i, resource: { buffer: b } })) });
    const hyper = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05 };
    for (let t = 1; t <= 4; t++) {
      const grad = rand(10 + t);
      device.queue.writeBuffer(g, 0, grad as Float32Array<ArrayBuffer>);
      device.queue.writeBuffer(uniform, 0, T.adamwUniform({ ...hyper, step: t, gradScale: 1, count: n }));
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      const { x, y } = T.dispatchSize(n);
      pass.dispatchWorkgroups(x, y);
      pass.end();
      device.queue.submit([enc.finish()]);
      T.adamwUpdate(ref.p, grad, ref.m, ref.v, t, hyper);
    }
    const staging = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(p, 0, staging, 0, n * 4);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const gpu = new Float32Array(staging.getMappedRange().slice(0));
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(gpu[i] - ref.p[i]));
    const moved = Math.abs(gpu[5] - rand(1)[5]);
    return { worst, moved };
  });
  expect(maxError.moved).toBeGreaterThan(1e-3); // the parameters did change
  expect(maxError.worst).toBeLessThan(1e-6);
});

test('the WGSL accumulation pass adds micro-batch gradients exactly', async ({ page }) => {
  await openLab(page);
  const worst = await page.evaluate(async () => {
    const T = (globalThis as unknown as { vfmLabTesting: { ACCUMULATE_WGSL: string; dispatchSize(n: number): { x: number; y: number; rowLength: number } } }).vfmLabTesting;
    const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
    const n = 1000;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const acc = device.createBuffer({ size: n * 4, usage });
    const grad = device.createBuffer({ size: n * 4, usage });
    const size = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(size, 0, new Uint32Array([n, T.dispatchSize(n).rowLength, 0, 0]));
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: T.ACCUMULATE_WGSL }), entryPoint: 'main' } });
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [acc, grad, size].map((b, i) => ({ binding: i, resource: { buffer: b } })) });
    const expected = new Float32Array(n);
    for (let k = 1; k <= 3; k++) {
      const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i * k));
      g.forEach((v, i) => (expected[i] = Math.fround(expected[i] + v)));
      device.queue.writeBuffer(grad, 0, g);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(T.dispatchSize(n).x, T.dispatchSize(n).y);
      pass.end();
      device.queue.submit([enc.finish()]);
    }
    const staging = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(acc, 0, staging, 0, n * 4);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const got = new Float32Array(staging.getMappedRange().slice(0));
    return Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])));
  });
  expect(worst).toBeLessThan(1e-6);
});

test('the guard pass flags a non-finite loss (and only that), and a flagged device skips every AdamW update after it', async ({ page }) => {
  await openLab(page);
  const r = await page.evaluate(async () => {
    const T = (globalThis as unknown as { vfmLabTesting: { GUARD_WGSL: string; ADAMW_WGSL: string; adamwUniform(h: Record<string, number>): ArrayBuffer; dispatchSize(n: number): { x: number; y: number } } }).vfmLabTesting;
    const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = (data: Float32Array) => {
      const b = device.createBuffer({ size: data.byteLength, usage });
      device.queue.writeBuffer(b, 0, data as Float32Array<ArrayBuffer>);
      return b;
    };
    const read = async (b: GPUBuffer, n: number) => {
      const staging = device.createBuffer({ size: n * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(b, 0, staging, 0, n * 4);
      device.queue.submit([enc.finish()]);
      await staging.mapAsync(GPUMapMode.READ);
      return new Float32Array(staging.getMappedRange().slice(0));
    };
    const run = (code: string, buffers: GPUBuffer[], [x, y]: [number, number]) => {
      const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: buffers.map((b, i) => ({ binding: i, resource: { buffer: b } })) }));
      pass.dispatchWorkgroups(x, y);
      pass.end();
      device.queue.submit([enc.finish()]);
    };
    const flags: Record<string, boolean> = {};
    for (const [name, loss] of [['0', 0], ['-3.5', -3.5], ['3e38', 3e38], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
      const diverged = buf(new Float32Array(1));
      run(T.GUARD_WGSL, [buf(Float32Array.of(loss)), diverged], [1, 1]);
      flags[name] = new Uint32Array((await read(diverged, 1)).buffer)[0] !== 0;
    }
    // AdamW with the flag set: p, m and v stay as they were
    const n = 300;
    const start = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const p = buf(start), m = buf(new Float32Array(n)), v = buf(new Float32Array(n));
    const uniform = device.createBuffer({ size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(uniform, 0, T.adamwUniform({ lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.05, step: 1, gradScale: 1, count: n }));
    const diverged = buf(new Float32Array(1));
    run(T.GUARD_WGSL, [buf(Float32Array.of(NaN)), diverged], [1, 1]);
    const { x, y } = T.dispatchSize(n);
    run(T.ADAMW_WGSL, [p, buf(new Float32Array(n).fill(1)), m, v, uniform, diverged], [x, y]);
    const after = await read(p, n);
    return { flags, unchanged: after.every((a, i) => a === start[i]), mZero: (await read(m, n)).every((a) => a === 0) };
  });
  expect(r.flags).toEqual({ '0': false, '-3.5': false, '3e38': false, NaN: true, Infinity: true, '-Infinity': true });
  expect(r.unchanged).toBe(true);
  expect(r.mZero).toBe(true);
});
