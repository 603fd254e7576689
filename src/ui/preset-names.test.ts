import { describe, expect, it } from 'vitest';
import { presetTitle, untitledPresets } from './preset-names';

describe('preset names', () => {
  it('every preset has a human name; unknown names pass through', () => {
    expect(untitledPresets()).toEqual([]);
    expect(presetTitle('vit_base_patch14_dinov2.lvd142m')).toBe('DINOv2 ViT-B/14');
    expect(presetTitle('my-model.safetensors')).toBe('my-model.safetensors');
  });
});
