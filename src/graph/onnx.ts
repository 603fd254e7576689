/**
 * @file Serialises a graph to an ONNX model (opset 20) with protobufjs. Parameters and data are
 * graph inputs (never initializers), so a ViT-B train step is a few hundred KB of protobuf.
 * Only tensors reachable from the outputs are emitted (dead code is dropped), and only op types
 * that the WebGPU EP runs on the GPU may appear (`WEBGPU_OPS`, enforced here and by a test).
 */
import { ancestorsOf } from './autodiff';
import { ATTR_TYPE, ELEM_TYPE, ModelProto } from './onnx-schema';
import type { OpType } from './ops';
import { BYTES, planMemory, runtimeOrder, type MemoryPlan } from './plan';
import { GraphError, numel } from './shape';
import { hostArray, type DType, type Graph, type HostArray, type Tensor } from './tensor';

export const OPSET = 20;

/** Op types known to run on the GPU in onnxruntime-web's WebGPU EP at opset 20 (DESIGN.md). */
export const WEBGPU_OPS: ReadonlySet<string> = new Set([
  'MatMul', 'Gemm', 'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Tanh', 'Erf',
  'Gelu', 'LayerNormalization', 'Softmax', 'ReduceSum', 'ReduceMean', 'ReduceMax', 'Transpose', 'Reshape',
  'Expand', 'Concat', 'Slice', 'Split', 'Tile', 'Gather', 'GatherElements', 'ScatterND', 'Where', 'Equal',
  'Cast', 'Resize', 'Conv', 'Einsum', 'Clip', 'CumSum', 'Pad', 'ArgMax',
]);

export interface TensorSpec { name: string; shape: number[]; dtype: DType }
export interface InputSpec extends TensorSpec { kind: 'input' | 'param'; trainable: boolean }
export interface Manifest {
  inputs: InputSpec[];
  outputs: TensorSpec[];
  nodeCount: number;
  opCounts: Record<string, number>;
  /** Bytes of every value an op produces (an upper bound on activations: ORT reuses memory). */
  intermediateBytes: number;
  /** The largest single value an op produces; it must fit one GPU storage binding. */
  largestIntermediate: { bytes: number; shape: number[]; op: string };
  /** Peak bytes alive at once, by liveness over the emitted schedule (src/graph/plan.ts). */
  plan: MemoryPlan;
}
export interface CompiledGraph { onnx: Uint8Array; manifest: Manifest }

export function exportOnnx(graph: Graph, name = 'vfm-lab'): CompiledGraph {
  if (graph.outputs.size === 0) throw new GraphError('exportOnnx: the graph has no outputs');
  const outputs = [...graph.outputs];
  const live = ancestorsOf(outputs.map(([, t]) => t));

  // Value names: inputs/params by their own name; an op output that is a graph output takes
  // the output's name; everything else `t<id>`.
  // A graph output that is a leaf, or a tensor already exported under another name, is
  // copied by a same-shape Reshape (ONNX has one name per value).
  const valueName = new Map<number, string>();
  const copies: [string, Tensor][] = [];
  for (const [outName, t] of outputs) {
    if (t.op === 'Input' || t.op === 'Param' || t.op === 'Constant' || valueName.has(t.id)) copies.push([outName, t]);
    else valueName.set(t.id, outName);
  }
  const nameOf = (t: Tensor) => valueName.get(t.id) ?? t.name ?? `t${t.id}`;

  const inputs: InputSpec[] = [];
  const initializer: object[] = [];
  const nodes: object[] = [];
  const opCounts: Record<string, number> = {};
  let intermediateBytes = 0;
  let largestIntermediate = { bytes: 0, shape: [] as number[], op: '' };
  let extra = 0;
  const constInput = (data: HostArray, dims: number[], dtype: DType) => {
    const n = `c${extra++}`;
    initializer.push(tensorProto(n, data, dims, dtype));
    return n;
  };

  for (const t of live) {
    if (t.op === 'Input' || t.op === 'Param') {
      inputs.push({ name: t.name!, shape: [...t.shape], dtype: t.dtype, kind: t.op === 'Param' ? 'param' : 'input', trainable: t.trainable });
      continue;
    }
    if (t.op === 'Constant') {
      initializer.push(tensorProto(nameOf(t), t.data!, [...t.shape], t.dtype));
      continue;
    }
    if (!WEBGPU_OPS.has(t.op)) throw new GraphError(`exportOnnx: op ${t.op} is not on the WebGPU allow-list`);
    const { opType, extraInputs, attribute } = lower(t, constInput);
    opCounts[opType] = (opCounts[opType] ?? 0) + 1;
    const bytes = t.size * BYTES[t.dtype];
    intermediateBytes += bytes;
    if (bytes > largestIntermediate.bytes) largestIntermediate = { bytes, shape: [...t.shape], op: opType };
    nodes.push({
      name: t.gradOf === undefined ? `n${t.id}` : `grad${t.gradOf}/n${t.id}`,
      opType,
      input: [...t.inputs.map(nameOf), ...extraInputs],
      output: [nameOf(t)],
      attribute,
    });
  }

  for (const [outName, t] of copies) {
    nodes.push({ name: `copy/${outName}`, opType: 'Reshape', input: [nameOf(t), constInput(hostArray('int64', t.shape), [t.rank], 'int64')], output: [outName] });
  }

  const outSpecs = outputs.map(([n, t]) => ({ name: n, shape: [...t.shape], dtype: t.dtype }));
  const model = ModelProto.create({
    irVersion: 9,
    producerName: 'vfm-lab',
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name,
      node: nodes,
      initializer,
      input: inputs.map(valueInfo),
      output: outSpecs.map(valueInfo),
    },
  });
  return {
    onnx: ModelProto.encode(model).finish(),
    manifest: {
      inputs, outputs: outSpecs, nodeCount: nodes.length, opCounts, intermediateBytes, largestIntermediate,
      plan: planMemory(runtimeOrder(live), outputs.map(([, t]) => t)),
    },
  };
}

type Attr = { name: string; type: number; i?: number; f?: number; ints?: number[] };
const int = (name: string, v: number | boolean): Attr => ({ name, type: ATTR_TYPE.INT, i: Number(v) });

/** Maps one IR node to ONNX: shape-like attributes of opset 20 become int64 constant inputs. */
function lower(t: Tensor, constInput: (d: HostArray, dims: number[], dt: DType) => string) {
  const a = t.attrs as Record<string, never>;
  const i64 = (v: number[]) => constInput(hostArray('int64', v), [v.length], 'int64');
  const extraInputs: string[] = [];
  const attribute: Attr[] = [];
  switch (t.op) {
    case 'Gemm': attribute.push(int('transA', a.transA), int('transB', a.transB)); break;
    case 'Transpose': attribute.push({ name: 'perm', type: ATTR_TYPE.INTS, ints: a.perm }); break;
    case 'Reshape': case 'Expand': extraInputs.push(i64(a.shape)); break;
    case 'Concat': case 'Softmax': case 'Gather': case 'GatherElements': attribute.push(int('axis', a.axis)); break;
    case 'Clip': {
      const bound = (v: number) => constInput(hostArray(t.dtype, [v]), [], t.dtype);
      extraInputs.push(bound(a.min), bound(a.max));
      break;
    }
    case 'Slice': extraInputs.push(i64(a.starts), i64(a.ends), i64(a.axes)); break;
    case 'Pad': extraInputs.push(i64(a.pads)); break;
    case 'ReduceSum': case 'ReduceMean': case 'ReduceMax':
      extraInputs.push(i64(a.axes));
      attribute.push(int('keepdims', a.keepdims));
      break;
    case 'Cast': attribute.push(int('to', ELEM_TYPE[a.to as DType])); break;
    case 'ArgMax': attribute.push(int('axis', a.axis), int('keepdims', a.keepdims)); break;
    case 'ScatterND': attribute.push({ name: 'reduction', type: ATTR_TYPE.STRING, s: new TextEncoder().encode('add') } as Attr); break;
  }
  return { opType: t.op as OpType, extraInputs, attribute };
}

function valueInfo(s: TensorSpec) {
  return {
    name: s.name,
    type: { tensorType: { elemType: ELEM_TYPE[s.dtype], shape: { dim: s.shape.map((d) => ({ dimValue: d })) } } },
  };
}

function tensorProto(name: string, data: HostArray, dims: number[], dtype: DType) {
  if (data.length !== numel(dims)) throw new GraphError(`constant ${name}: ${data.length} values for dims [${dims}]`);
  // ONNX raw_data is little-endian, which is every platform JS runs on.
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  return { name, dims, dataType: ELEM_TYPE[dtype], rawData: raw };
}
