/**
 * @file Host-side tensors (typed array + dims) and the thin, runtime-agnostic wrapper around an
 * onnxruntime `InferenceSession`. onnxruntime-node and onnxruntime-web share this API, so the
 * CLI, the tests and the Web Worker run compiled graphs through the same code.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { DType, HostArray, Manifest } from '../graph';
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

export class GraphRunner {
  private constructor(readonly session: InferenceSession, readonly manifest: Manifest, private readonly ort: OrtModule) {}

  static async create(ort: OrtModule, onnx: Uint8Array, manifest: Manifest, options: InferenceSession.SessionOptions = {}) {
    const session = await ort.InferenceSession.create(onnx, options);
    countSession(1);
    return new GraphRunner(session, manifest, ort);
  }

  /** Runs with host feeds (every manifest input), returns the requested outputs on the host. */
  async run(feeds: Record<string, HostArray | HostTensor>, outputs?: string[]): Promise<Record<string, HostTensor>> {
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
    const result = await this.session.run(ortFeeds, names);
    const out: Record<string, HostTensor> = {};
    for (const n of names) out[n] = { data: result[n].data as HostArray, dims: result[n].dims };
    return out;
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
