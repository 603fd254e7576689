/** @file The graph compiler's public surface. */
export * from './shape';
export * from './tensor';
export * from './ops';
export * from './nn';
export { grad, ancestorsOf } from './autodiff';
export { exportOnnx, WEBGPU_OPS, OPSET, type CompiledGraph, type Manifest, type TensorSpec, type InputSpec } from './onnx';
export { planMemory, runtimeOrder, type MemoryPlan } from './plan';
