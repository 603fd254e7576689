/** The test builds' WebGPU sessions refuse CPU fallback under onnxruntime's own key (session.disable_cpu_ep_fallback). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { webGpuSessionExtra } from './webgpu';

describe('webGpuSessionExtra', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('sets session.disable_cpu_ep_fallback when the build says VITE_NO_CPU_FALLBACK=1, nothing otherwise', () => {
    vi.stubEnv('VITE_NO_CPU_FALLBACK', '1');
    expect(webGpuSessionExtra()).toEqual({ extra: { session: { disable_cpu_ep_fallback: '1' } } });
    vi.stubEnv('VITE_NO_CPU_FALLBACK', '');
    expect(webGpuSessionExtra()).toEqual({});
  });
});
