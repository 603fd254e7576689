/**
 * @file Choosing the backend in the browser. We create the GPUDevice ourselves (the adapter's
 * maximum limits, `shader-f16` when offered) and hand it to every onnxruntime-web session, so
 * our optimizer pass and ORT share buffers. Any failure is reported in words and the caller
 * falls back to wasm visibly — never silently.
 */
import type { BackendChoice, BackendInfo } from '../worker/api';
import { softwareAdapter, softwareReason } from './adapter';

export interface Backend {
  info: BackendInfo;
  device?: GPUDevice;
}

const LIMITS = [
  'maxBufferSize', 'maxStorageBufferBindingSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension', 'maxBindGroups', 'maxUniformBufferBindingSize',
] as const;

export async function chooseBackend(choice: BackendChoice, threads: number): Promise<Backend> {
  const wasm = (reason: string): Backend => ({ info: { backend: 'wasm', reason, threads } });
  if (choice === 'wasm') return wasm('wasm was chosen in the settings');
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return wasm('WebGPU is not available in this browser (navigator.gpu is missing)');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return wasm(`WebGPU adapter request failed: ${(e as Error).message}`);
  }
  if (!adapter) return wasm('WebGPU is present but no GPU adapter was found');
  const info = adapter.info;
  // GPUAdapterInfo's fields are getters on its prototype: read them one by one (a spread copies nothing)
  const software = softwareAdapter({
    vendor: info?.vendor, architecture: info?.architecture, device: info?.device, description: info?.description,
    isFallbackAdapter: info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
  });
  // a software adapter is only used when asked for by name: "auto" prefers wasm, and says why
  if (software && choice === 'auto') return { info: { ...wasm(softwareReason(software)).info, software } };
  try {
    const requiredLimits: Record<string, number> = {};
    for (const k of LIMITS) requiredLimits[k] = adapter.limits[k];
    const requiredFeatures: GPUFeatureName[] = adapter.features.has('shader-f16') ? ['shader-f16'] : [];
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'unknown adapter';
    return {
      device,
      info: {
        backend: 'webgpu',
        reason: software
          ? `WebGPU was chosen in the settings, on a software adapter (${software}): correct, but far slower than wasm`
          : choice === 'webgpu' ? 'WebGPU was chosen in the settings' : 'a WebGPU adapter is available',
        adapter: name,
        software,
        limits: { maxBufferSize: device.limits.maxBufferSize, maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize },
      },
    };
  } catch (e) {
    return wasm(`WebGPU device creation failed: ${(e as Error).message}`);
  }
}

/**
 * Session options for every WebGPU session. Builds for the tests set `VITE_NO_CPU_FALLBACK=1`
 * (playwright.config.ts): onnxruntime then refuses to create a session with a node the WebGPU EP
 * cannot run (`session.disable_cpu_ep_fallback`), so a future CPU fallback — a copy to the host and
 * a GPU sync on every call — fails loudly instead of quietly slowing training down.
 */
export function webGpuSessionExtra(): { extra?: { session: { disable_cpu_ep_fallback: '1' } } } {
  return import.meta.env?.VITE_NO_CPU_FALLBACK === '1' ? { extra: { session: { disable_cpu_ep_fallback: '1' } } } : {};
}
