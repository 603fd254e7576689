import { describe, expect, it } from 'vitest';
import { softwareAdapter } from './adapter';

describe('softwareAdapter', () => {
  it('names the software renderers by what adapter info says', () => {
    // headless Chromium here: vendor google, architecture swiftshader
    expect(softwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe('SwiftShader');
    expect(softwareAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe('llvmpipe');
    expect(softwareAdapter({ vendor: 'mesa', device: 'lavapipe' })).toBe('lavapipe');
    expect(softwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe('Microsoft Basic Render Driver');
  });

  it('trusts isFallbackAdapter when the names say nothing', () => {
    expect(softwareAdapter({ vendor: '', architecture: '', isFallbackAdapter: true })).toBe('a fallback (software) adapter');
  });

  it('leaves real GPUs alone', () => {
    expect(softwareAdapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' })).toBeUndefined();
    expect(softwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBeUndefined();
    expect(softwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', isFallbackAdapter: false })).toBeUndefined();
    expect(softwareAdapter({})).toBeUndefined();
  });
});
