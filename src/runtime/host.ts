/**
 * @file Host-side tensors (typed array + dims) and the thin, runtime-agnostic wrapper around an
 * onnxruntime `InferenceSession`. onnxruntime-node and onnxruntime-web share this API, so the
 * CLI, the tests and the Web Worker run compiled graphs through the same code.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import { numel, type DType, type HostArray, type Manifest } from '../graph';
import { countSession } from './resources';

export interface HostTensor {
  data: HostArray;
  dims: readonly number[];
}

/** The part of an onnxruntime module (`onnxruntime-node` or `onnxruntime-web`) that we use. */
export interface OrtModule {
  Tensor: new (type: OrtTensor.Type, data: HostArray, dims: readonly number[]) => OrtTensor;
  InferenceSession: { create(bytes: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession> };
}

const ORT_TYPE: Record<DType, OrtTensor.Type> = {
  float32: 'float32', float64: 'float64', int32: 'int32', int64: 'int64', bool: 'bool',
};

/** Copies of caller-written outputs above this size are collected at once (see `collect`). */
const COLLECT_ABOVE_BYTES = 32 * 2 ** 20;

export class GraphRunner {
  private constructor(
    readonly session: InferenceSession, readonly manifest: Manifest, private readonly ort: OrtModule,
    /** Called after a run that wrote into caller arrays, once the runtime's copies of them are unreachable. */
    private readonly collect?: () => void,
  ) {}

  static async create(ort: OrtModule, onnx: Uint8Array, manifest: Manifest, options: InferenceSession.SessionOptions = {}, collect?: () => void) {
    const session = await ort.InferenceSession.create(onnx, options);
    countSession(1);
    return new GraphRunner(session, manifest, ort, collect);
  }

  /**
   * Runs with host feeds (every manifest input), returns the requested outputs on the host.
   * Outputs named in `into` are written by onnxruntime straight into those arrays (pre-allocated
   * fetches): no output buffer of its own, and the result holds the caller's arrays.
   */
  async run(feeds: Record<string, HostArray | HostTensor>, outputs?: string[], into: Record<string, HostArray> = {}): Promise<Record<string, HostTensor>> {
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const spec of this.manifest.inputs) {
      const f = feeds[spec.name];
      if (!f) throw new Error(`missing input "${spec.name}" (${spec.dtype} [${spec.shape}])`);
      const data = 'data' in f ? f.data : f;
      const expected = spec.shape.reduce((a, b) => a * b, 1);
      if (data.length !== expected) {
        throw new Error(`input "${spec.name}" has ${data.length} values, expected ${expected} for [${spec.shape}]`);
      }
      ortFeeds[spec.name] = new this.ort.Tensor(ORT_TYPE[spec.dtype], data, spec.shape);
    }
    const names = outputs ?? this.manifest.outputs.map((o) => o.name);
    const out = await this.runOnce(ortFeeds, names, into);
    // a full collection costs milliseconds: worth it only when the copies are large (a ViT-B step's
    // gradients are 330 MiB; a test model's steps are milliseconds each and their copies tiny)
    const copiedBytes = Object.values(into).reduce((sum, a) => sum + a.byteLength, 0);
    if (copiedBytes >= COLLECT_ABOVE_BYTES) this.collect?.();
    return out;
  }

  private async runOnce(ortFeeds: Record<string, OrtTensor>, names: string[], into: Record<string, HostArray>): Promise<Record<string, HostTensor>> {
    // onnxruntime ignores a fetch the graph does not have (null fetches): refuse it here, by name
    const outputs = this.manifest.outputs.map((o) => o.name);
    for (const n of names) if (!outputs.includes(n)) throw new Error(`the graph has no output "${n}" (its outputs: ${outputs.join(', ')})`);
    for (const n of Object.keys(into)) if (!names.includes(n)) throw new Error(`an array is given for output "${n}", which is not requested (${names.join(', ')})`);
    const fetches: Record<string, OrtTensor | null> = {};
    for (const n of names) fetches[n] = into[n] ? this.preallocated(n, into[n]) : null;
    const result = await this.session.run(ortFeeds, fetches);
    const out: Record<string, HostTensor> = {};
    // onnxruntime-node still hands back a copy of a pre-allocated output: drop it, keep the caller's array
    for (const n of names) out[n] = { data: into[n] ?? (result[n].data as HostArray), dims: result[n].dims };
    return out;
  }

  private preallocated(name: string, data: HostArray): OrtTensor {
    const spec = this.manifest.outputs.find((o) => o.name === name);
    if (!spec) throw new Error(`the graph has no output "${name}" to write into`);
    if (data.length !== numel(spec.shape)) throw new Error(`output "${name}" needs ${numel(spec.shape)} values for [${spec.shape}], the array given has ${data.length}`);
    return new this.ort.Tensor(ORT_TYPE[spec.dtype], data, spec.shape);
  }

  private released = false;

  /** Gives back the session; a second call does nothing. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.session.release();
    countSession(-1);
  }
}
