/** The preset table: every preset resolves to a family and a normalisation, with a hub URL. */
import { describe, expect, it } from 'vitest';
import { NORMALISATION, PRESETS, presetUrl, resolvePreset } from './presets';

const FAMILIES = ['vit', 'dinov2', 'clip', 'clip-quickgelu', 'siglip', 'eva02', 'sam'];

describe('presets', () => {
  it('lists the benchmark backbones, each with a family, a normalisation and a native size', () => {
    expect(PRESETS.filter((p) => !p.unavailable)).toHaveLength(11);
    for (const p of PRESETS) {
      expect(FAMILIES).toContain(p.family);
      const n = NORMALISATION[p.normalisation];
      expect(n.mean).toHaveLength(3);
      expect(n.std.every((s) => s > 0)).toBe(true);
      expect(p.imageSize % p.patchSize).toBe(0);
      expect(resolvePreset(p.name)).toBe(p);
    }
    expect(new Set(PRESETS.map((p) => p.family))).toEqual(new Set(FAMILIES));
  });

  it('points at the model hub by timm name; BEiT-3 is listed as unavailable with the reason', () => {
    expect(presetUrl(resolvePreset('vit_base_patch16_224.mae')!)).toBe('https://huggingface.co/timm/vit_base_patch16_224.mae/resolve/main/model.safetensors');
    expect(PRESETS.find((p) => p.name.startsWith('beit3'))?.unavailable).toMatch(/no timm checkpoint/);
    expect(resolvePreset('vit_base_patch16_clip_224.openai')!.family).toBe('clip-quickgelu');
    expect(resolvePreset('vit_base_patch16_siglip_512.webli')!.normalisation).toBe('inception');
  });
});
