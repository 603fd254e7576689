/**
 * @file The WebGPU training engine. Parameters, gradients and AdamW moments live in GPU buffers
 * on a device we create and share with onnxruntime-web for the whole run: the train step reads
 * the parameters through `Tensor.fromGpuBuffer` and writes each gradient into a pre-bound
 * buffer; our WGSL pass then updates p, m and v in place. Only the loss (and eval logits) come
 * back to JS, and the loss late: `accumulate` queues its copy and returns a `PendingLoss`, so the
 * loop queues the next step before it waits for this one (one sync per step would idle the GPU
 * while JS delivers the loss and prepares the next batch). A guard pass flags a non-finite loss
 * on the device and the AdamW pass then skips every update from that step on.
 */
import * as ort from 'onnxruntime-web/webgpu';
import type { CompiledGraph } from '../graph';
import type { HostTensor } from '../model/safetensors';
import type { Engine, LearningRates, PendingLoss } from '../train/engine';
import { dataInput } from '../train/graphs';
import { ADAMW_DEFAULTS, appliesWeightDecay, paramGroup, type AdamWState } from '../train/optimizer';
import type { WeightDecayScope } from '../train/recipe';
import { FLAG_BUFFER_BYTES, LOSS_BUFFER_BYTES } from './memory';
import { countGpuBytes, countSession } from './resources';
import { webGpuSessionExtra } from './webgpu';
import { ACCUMULATE_WGSL, ADAMW_UNIFORM_BYTES, ADAMW_WGSL, GUARD_WGSL, adamwUniform, dispatchSize } from './adamw-wgsl';

const STORAGE = 0x80 | 0x04 | 0x08; // GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST

interface GpuParam {
  name: string;
  shape: number[];
  count: number;
  param: GPUBuffer;
  tensor: ort.Tensor;
  trainable: boolean;
  grad?: GPUBuffer;
  gradTensor?: ort.Tensor;
  acc?: GPUBuffer;
  m?: GPUBuffer;
  v?: GPUBuffer;
  uniform?: GPUBuffer;
  updateGroup?: GPUBindGroup;
  accumulateGroup?: GPUBindGroup;
}

/** The loss on the device: the train step writes it into `buffer`; the guard pass flags a non-finite one in `diverged`. */
interface LossOnDevice {
  buffer: GPUBuffer;
  tensor: ort.Tensor;
  diverged: GPUBuffer;
  guard: GPUComputePipeline;
  guardGroup: GPUBindGroup;
}

export interface GpuEngineOptions {
  lrHead: number;
  lrEncoder: number;
  weightDecay: number;
  /** Which parameters decay (a recipe rule): ≥2-D weights (default) or all. */
  weightDecayScope?: WeightDecayScope;
  accum: number;
}

export class GpuEngine implements Engine {
  private step = 0;
  private micro = 0;

  private constructor(
    private readonly device: GPUDevice,
    private readonly train: ort.InferenceSession,
    private readonly evaluate: ort.InferenceSession,
    private readonly trainGraph: CompiledGraph,
    private readonly evalGraph: CompiledGraph,
    private readonly params: GpuParam[],
    private readonly opts: GpuEngineOptions,
    private readonly updatePipeline: GPUComputePipeline,
    private readonly accumulatePipeline: GPUComputePipeline,
    private readonly owned: GPUBuffer[],
    private readonly loss: LossOnDevice,
  ) {}

  /** Staging buffers of losses not read yet; release() destroys those never read. */
  private readonly unread = new Set<GPUBuffer>();

  static async create(
    device: GPUDevice,
    trainGraph: CompiledGraph,
    evalGraph: CompiledGraph,
    weights: Map<string, HostTensor>,
    opts: GpuEngineOptions,
  ): Promise<GpuEngine> {
    const trainable = new Set(trainGraph.manifest.inputs.filter((i) => i.kind === 'param' && i.trainable).map((i) => i.name));
    // every buffer this engine owns is listed in `owned`, counted, and destroyed by release()
    const owned: GPUBuffer[] = [];
    const own = (b: GPUBuffer) => {
      owned.push(b);
      countGpuBytes(b.size);
      return b;
    };
    const buffer = (bytes: number, label: string) => own(device.createBuffer({ size: Math.max(4, bytes), usage: STORAGE, label }));
    const params: GpuParam[] = [];
    for (const [name, t] of weights) {
      const count = t.data.length;
      const param = buffer(count * 4, name);
      device.queue.writeBuffer(param, 0, t.data as Float32Array<ArrayBuffer>);
      const p: GpuParam = {
        name, shape: t.shape, count, param, trainable: trainable.has(name),
        tensor: ort.Tensor.fromGpuBuffer(param, { dataType: 'float32', dims: t.shape }),
      };
      if (p.trainable) {
        p.grad = buffer(count * 4, `grad.${name}`);
        p.gradTensor = ort.Tensor.fromGpuBuffer(p.grad, { dataType: 'float32', dims: t.shape });
        p.m = buffer(count * 4, `m.${name}`);
        p.v = buffer(count * 4, `v.${name}`);
        if (opts.accum > 1) p.acc = buffer(count * 4, `acc.${name}`);
        p.uniform = own(device.createBuffer({ size: ADAMW_UNIFORM_BYTES, usage: 0x40 | 0x08, label: `hyper.${name}` })); // UNIFORM | COPY_DST
      }
      params.push(p);
    }
    const pipeline = (code: string) => device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    const updatePipeline = pipeline(ADAMW_WGSL);
    const accumulatePipeline = pipeline(ACCUMULATE_WGSL);
    const lossBuffer = buffer(LOSS_BUFFER_BYTES, 'loss');
    const diverged = buffer(FLAG_BUFFER_BYTES, 'diverged'); // zeroed at creation
    const guard = pipeline(GUARD_WGSL);
    const loss: LossOnDevice = {
      buffer: lossBuffer, diverged, guard,
      tensor: ort.Tensor.fromGpuBuffer(lossBuffer, { dataType: 'float32', dims: [] }),
      guardGroup: device.createBindGroup({ layout: guard.getBindGroupLayout(0), entries: [lossBuffer, diverged].map((b, i) => ({ binding: i, resource: { buffer: b } })) }),
    };
    for (const p of params.filter((q) => q.trainable)) {
      const source = p.acc ?? p.grad!;
      p.updateGroup = device.createBindGroup({
        layout: updatePipeline.getBindGroupLayout(0),
        entries: [p.param, source, p.m!, p.v!, p.uniform!, diverged].map((b, i) => ({ binding: i, resource: { buffer: b } })),
      });
      if (p.acc) {
        const size = own(device.createBuffer({ size: 16, usage: 0x40 | 0x08 }));
        device.queue.writeBuffer(size, 0, new Uint32Array([p.count, dispatchSize(p.count).rowLength, 0, 0]));
        p.accumulateGroup = device.createBindGroup({
          layout: accumulatePipeline.getBindGroupLayout(0),
          entries: [p.acc, p.grad!, size].map((b, i) => ({ binding: i, resource: { buffer: b } })),
        });
      }
    }
    // Sessions one at a time, each on our device (ort.env.webgpu.device is ignored in 1.30).
    const sessionOptions = (graph: CompiledGraph): ort.InferenceSession.SessionOptions => ({
      executionProviders: [{ name: 'webgpu', device } as ort.InferenceSession.WebGpuExecutionProviderOption],
      graphOptimizationLevel: 'all',
      ...webGpuSessionExtra(),
      preferredOutputLocation: Object.fromEntries(graph.manifest.outputs.map((o) => [o.name, o.name === 'loss' || o.name.startsWith('grad.') ? 'gpu-buffer' : 'cpu'])),
    });
    const sessions: ort.InferenceSession[] = [];
    try {
      for (const graph of [trainGraph, evalGraph]) {
        sessions.push(await ort.InferenceSession.create(graph.onnx, sessionOptions(graph)));
        countSession(1);
      }
    } catch (e) {
      // nothing half-built outlives a failed create
      await releaseAll(sessions, owned);
      throw e;
    }
    return new GpuEngine(device, sessions[0], sessions[1], trainGraph, evalGraph, params, opts, updatePipeline, accumulatePipeline, owned, loss);
  }

  /** The parameters a graph takes (the probe step takes only the decoder's). */
  private paramFeeds(graph: CompiledGraph): Record<string, ort.Tensor> {
    const wanted = new Set(graph.manifest.inputs.map((i) => i.name));
    return Object.fromEntries(this.params.filter((p) => wanted.has(p.name)).map((p) => [p.name, p.tensor]));
  }

  async accumulate(inputs: Float32Array, labels: Int32Array): Promise<PendingLoss> {
    const input = dataInput(this.trainGraph.manifest);
    const feeds = {
      ...this.paramFeeds(this.trainGraph),
      [input]: new ort.Tensor('float32', inputs, dimsOf(this.trainGraph, input)),
      labels: new ort.Tensor('int32', labels, dimsOf(this.trainGraph, 'labels')),
    };
    const fetches: Record<string, ort.Tensor> = { loss: this.loss.tensor };
    for (const p of this.params) if (p.trainable) fetches[`grad.${p.name}`] = p.gradTensor!;
    await this.train.run(feeds, fetches);
    const loss = this.queueLossRead();
    if (this.opts.accum > 1) this.encode(this.accumulatePipeline, (p) => p.accumulateGroup);
    this.micro++;
    return loss;
  }

  /**
   * Queues the guard pass and a copy of the loss, and asks for its mapping now: the mapping then
   * waits for this step only, not for the work queued after it.
   */
  private queueLossRead(): PendingLoss {
    const staging = this.device.createBuffer({ size: 4, usage: 0x01 | 0x08, label: 'loss read' }); // MAP_READ | COPY_DST
    this.unread.add(staging);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.loss.guard);
    pass.setBindGroup(0, this.loss.guardGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    encoder.copyBufferToBuffer(this.loss.buffer, 0, staging, 0, 4);
    this.device.queue.submit([encoder.finish()]);
    const mapped = staging.mapAsync(1); // GPUMapMode.READ
    mapped.catch(() => undefined); // a loss never read (release() destroyed it) is no error; read() still sees the rejection
    return {
      read: async () => {
        await mapped;
        const value = new Float32Array(staging.getMappedRange())[0];
        staging.unmap();
        staging.destroy();
        this.unread.delete(staging);
        return value;
      },
    };
  }

  async update(lr: LearningRates): Promise<void> {
    if (this.micro === 0) throw new Error('update() without accumulated gradients');
    this.step++;
    for (const p of this.params) {
      if (!p.trainable) continue;
      const group = paramGroup(p.name);
      this.device.queue.writeBuffer(p.uniform!, 0, adamwUniform({
        lr: group === 'head' ? lr.head : lr.encoder,
        ...ADAMW_DEFAULTS,
        weightDecay: appliesWeightDecay(p.name, p.shape, this.opts.weightDecayScope) ? this.opts.weightDecay : 0,
        step: this.step,
        gradScale: 1 / this.micro,
        count: p.count,
      }));
    }
    this.encode(this.updatePipeline, (p) => p.updateGroup);
    if (this.opts.accum > 1) {
      const encoder = this.device.createCommandEncoder();
      for (const p of this.params) if (p.acc) encoder.clearBuffer(p.acc);
      this.device.queue.submit([encoder.finish()]);
    }
    this.micro = 0;
  }

  private encode(pipeline: GPUComputePipeline, group: (p: GpuParam) => GPUBindGroup | undefined): void {
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    for (const p of this.params) {
      const g = group(p);
      if (!g) continue;
      const { x, y } = dispatchSize(p.count);
      pass.setBindGroup(0, g);
      pass.dispatchWorkgroups(x, y);
    }
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  async logits(images: Float32Array): Promise<Float32Array> {
    const feeds = { ...this.paramFeeds(this.evalGraph), image: new ort.Tensor('float32', images, dimsOf(this.evalGraph, 'image')) };
    const out = await this.evaluate.run(feeds, ['logits']);
    return (await out.logits.getData()) as Float32Array;
  }

  private async download(buffer: GPUBuffer, count: number): Promise<Float32Array> {
    const staging = this.device.createBuffer({ size: Math.max(4, count * 4), usage: 0x01 | 0x08 }); // MAP_READ | COPY_DST
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(buffer, 0, staging, 0, count * 4);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(1); // GPUMapMode.READ
    const data = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    staging.destroy();
    return data;
  }

  async weights(): Promise<Map<string, HostTensor>> {
    const out = new Map<string, HostTensor>();
    for (const p of this.params) out.set(p.name, { shape: p.shape, data: await this.download(p.param, p.count) });
    return out;
  }

  async optimizerState(): Promise<AdamWState> {
    const m = new Map<string, Float32Array>();
    const v = new Map<string, Float32Array>();
    for (const p of this.params) {
      if (!p.trainable) continue;
      m.set(p.name, await this.download(p.m!, p.count));
      v.set(p.name, await this.download(p.v!, p.count));
    }
    return { step: this.step, m, v };
  }

  async restoreOptimizerState(state: AdamWState): Promise<void> {
    this.step = state.step;
    for (const p of this.params) {
      const m = state.m.get(p.name);
      const v = state.v.get(p.name);
      if (p.trainable && m && v) {
        this.device.queue.writeBuffer(p.m!, 0, m as Float32Array<ArrayBuffer>);
        this.device.queue.writeBuffer(p.v!, 0, v as Float32Array<ArrayBuffer>);
      }
    }
  }

  private released = false;

  /** Gives back both sessions and every buffer; a second call does nothing. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const staging of this.unread) staging.destroy();
    this.unread.clear();
    await releaseAll([this.train, this.evaluate], this.owned);
  }
}

async function releaseAll(sessions: ort.InferenceSession[], buffers: GPUBuffer[]): Promise<void> {
  for (const s of sessions) {
    await s.release();
    countSession(-1);
  }
  for (const b of buffers.splice(0)) {
    countGpuBytes(-b.size);
    b.destroy();
  }
}

function dimsOf(graph: CompiledGraph, name: string): number[] {
  const spec = graph.manifest.inputs.find((i) => i.name === name);
  if (!spec) throw new Error(`the compiled graph has no input "${name}"`);
  return spec.shape;
}
