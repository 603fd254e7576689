/**
 * @file Is this WebGPU adapter a GPU, or the CPU pretending to be one? Software rasterisers
 * (SwiftShader in headless Chromium, Mesa's llvmpipe/lavapipe, Windows' WARP "Microsoft Basic
 * Render Driver") are correct but train 20–50× slower than onnxruntime's wasm kernels, so "auto"
 * must not prefer them. Pure: the caller passes what `GPUAdapter.info` says.
 */

/** The fields of `GPUAdapterInfo` we read (all optional: browsers fill them unevenly). */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** `GPUAdapterInfo.isFallbackAdapter` (newer) or `GPUAdapter.isFallbackAdapter` (older). */
  isFallbackAdapter?: boolean;
}

const SOFTWARE: [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/softpipe/i, 'softpipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render Driver'],
];

/** The software renderer's name when the adapter is one (or "a fallback adapter"), else undefined. */
export function softwareAdapter(a: AdapterFacts): string | undefined {
  const text = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' ');
  const known = SOFTWARE.find(([re]) => re.test(text));
  if (known) return known[1];
  return a.isFallbackAdapter ? 'a fallback (software) adapter' : undefined;
}

/** Why "auto" runs on wasm beside a software adapter, in words for the badge. */
export const softwareReason = (name: string) =>
  `only a software WebGPU adapter (${name}) is available: it emulates a GPU on the CPU and trains far slower than wasm, ` +
  'so auto runs on wasm (CPU). Choose WebGPU to use it anyway.';
