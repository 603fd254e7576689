/**
 * @file The contract between the training loop and whatever runs the compiled graphs:
 * `HostEngine` (here: onnxruntime-node in the CLI, onnxruntime-web wasm in the browser) keeps
 * weights, gradients and AdamW moments in Float32Arrays; the WebGPU engine (src/runtime) keeps
 * them in GPU buffers. The loop never sees the difference.
 */
import type { HostArray } from '../graph';
import type { HostTensor } from '../model/safetensors';
import { AdamW, type AdamWState } from './optimizer';
import type { WeightDecayScope } from './recipe';

export interface LearningRates {
  head: number;
  encoder: number;
}

/**
 * A loss still on the device (the WebGPU engine): its copy to the host is queued; `read()`
 * resolves once the device has computed it. Read it once.
 */
export interface PendingLoss {
  read(): Promise<number>;
}

export interface Engine {
  /**
   * Forward + backward on one micro-batch; adds its gradients to the accumulators; returns the
   * loss, or a `PendingLoss` so that the next step can be queued before it is read (see loop.ts:
   * such an engine must skip the update of a step with a non-finite loss, and all later ones).
   * `inputs` are images [B, 3, S, S], or cached features [B, N, D] when linear probing.
   */
  accumulate(inputs: Float32Array, labels: Int32Array): Promise<number | PendingLoss>;
  /** One AdamW step with the mean of the accumulated gradients, then clears them. */
  update(lr: LearningRates): Promise<void>;
  /** L2 norm of the mean accumulated gradient, for the loop's divergence check (engines that can read it cheaply). */
  gradientNorm?(): Promise<number>;
  /** Eval-graph logits [B, C, S, S] for a full eval batch of crops [B, 3, S, S]. */
  logits(images: Float32Array): Promise<Float32Array>;
  /** Every parameter (trainable or not) in timm names. */
  weights(): Promise<Map<string, HostTensor>>;
  optimizerState(): Promise<AdamWState>;
  restoreOptimizerState(state: AdamWState): Promise<void>;
  release(): Promise<void>;
}

/** What the host engine needs from a session: onnxruntime-node and -web both provide it. */
export interface Runner {
  /**
   * `into`: arrays (of the outputs' exact sizes) that these outputs are written into; the result
   * then holds those same arrays. Saves the runtime's own copy of large outputs (gradients).
   */
  run(
    feeds: Record<string, HostArray>, outputs?: string[], into?: Record<string, HostArray>,
  ): Promise<Record<string, { data: HostArray; dims: readonly number[] }>>;
  /** Gives back the session; whoever created the runner (or the engine it was handed to) calls it once. */
  release?(): Promise<void>;
}

export class HostEngine implements Engine {
  private readonly grads = new Map<string, Float32Array>();
  /** Where the gradients of the second and later micro-batches land before they are added (made on first use). */
  private scratch?: Map<string, Float32Array>;
  private micro = 0;
  private readonly optimizer: AdamW;

  constructor(
    private readonly trainStep: Runner,
    private readonly evalStep: Runner,
    private readonly params: Map<string, HostTensor>,
    readonly trainable: readonly string[],
    hyper: { lrHead: number; lrEncoder: number; weightDecay: number; weightDecayScope?: WeightDecayScope },
    /** The train step's data input: `image`, or `features` for the cached-feature probe. */
    private readonly trainInput = 'image',
  ) {
    for (const name of trainable) this.grads.set(name, new Float32Array(params.get(name)!.data.length));
    this.optimizer = new AdamW(new Map(trainable.map((n) => [n, params.get(n)!])), hyper);
  }

  private feeds(input: string, data: Float32Array): Record<string, HostArray> {
    const feeds: Record<string, HostArray> = { [input]: data };
    for (const [name, t] of this.params) feeds[name] = t.data;
    return feeds;
  }

  /**
   * The loss comes back as a number: onnxruntime-node and -web's wasm compute on the CPU, and
   * their outputs are ready when run() resolves, so there is no device queue that a late read
   * could keep busy; reading at once also lets the loop check the loss before the update.
   */
  async accumulate(inputs: Float32Array, labels: Int32Array): Promise<number> {
    // The first micro-batch's gradients are written straight into the accumulators (the sum of
    // one); later ones into a scratch set that is then added. Nothing else holds a gradient copy.
    const target = this.micro === 0 ? this.grads : (this.scratch ??= new Map([...this.grads].map(([n, a]) => [n, new Float32Array(a.length)])));
    const into = Object.fromEntries([...target].map(([name, g]) => [`grad.${name}`, g]));
    const out = await this.trainStep.run({ ...this.feeds(this.trainInput, inputs), labels }, ['loss', ...Object.keys(into)], into);
    for (const [name, g] of target) {
      const data = out[`grad.${name}`].data; // the same array when the runner wrote into it; else copied once
      if (data !== g) g.set(data as Float32Array);
    }
    if (target !== this.grads) {
      for (const [name, acc] of this.grads) {
        const g = target.get(name)!;
        for (let i = 0; i < acc.length; i++) acc[i] += g[i];
      }
    }
    this.micro++;
    return Number(out.loss.data[0]);
  }

  async update(lr: LearningRates): Promise<void> {
    if (this.micro === 0) throw new Error('update() without accumulated gradients');
    if (this.micro > 1) for (const acc of this.grads.values()) for (let i = 0; i < acc.length; i++) acc[i] /= this.micro;
    this.optimizer.step(this.grads, lr);
    // no clearing: the next step's first micro-batch overwrites every accumulator (see accumulate)
    this.micro = 0;
  }

  async gradientNorm(): Promise<number> {
    let sum = 0;
    for (const acc of this.grads.values()) for (let i = 0; i < acc.length; i++) sum += acc[i] * acc[i];
    return Math.sqrt(sum) / Math.max(1, this.micro);
  }

  async logits(images: Float32Array): Promise<Float32Array> {
    const out = await this.evalStep.run(this.feeds('image', images), ['logits']);
    return out.logits.data as Float32Array;
  }

  async weights(): Promise<Map<string, HostTensor>> {
    return this.params;
  }

  async optimizerState(): Promise<AdamWState> {
    return this.optimizer.state();
  }

  async restoreOptimizerState(state: AdamWState): Promise<void> {
    this.optimizer.restore(state);
  }

  /** The engine owns its two runners: releasing it releases them (once). */
  async release(): Promise<void> {
    const runners = [this.trainStep, this.evalStep];
    this.released ??= Promise.all(runners.map((r) => r.release?.())).then(() => undefined);
    return this.released;
  }

  private released?: Promise<void>;
}
