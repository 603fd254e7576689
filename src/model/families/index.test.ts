/** The family registry: every family resolves to a normalisation and a builder, and detection from key sets. */
import { describe, expect, it } from 'vitest';
import { Graph } from '../../graph';
import { makeTinyVit, tinyVitConfig } from '../demo';
import { NORMALISATION, PRESETS, type FamilyName } from '../presets';
import type { VitConfig } from '../vit';
import { FAMILIES, FAMILY_NAMES, detectFamily, family, familySegmenter, type Eva02Config, type SamConfig } from './index';

const vit = tinyVitConfig({ embedDim: 16, depth: 1, patchSize: 4, numClasses: 2 });
const eva: Eva02Config = {
  ...vit, heads: 2, mlpHidden: 24, qkvFused: false, attnInnerNorm: true, mlpInnerNorm: true, finalNorm: 'norm',
  ropeRefGrid: [16, 16], ropeTemperature: 10000,
};
const sam: SamConfig = {
  ...vit, heads: 2, clsTokens: 0, posEmbed: 'patch-only', normEps: 1e-5, windowSize: 2, globalBlocks: [], relPos: true,
  relPosLength: { global: 7, window: 3 },
};
const CONFIGS: Record<FamilyName, VitConfig> = {
  vit, dinov2: { ...vit, layerScale: true, regTokens: 4, posEmbed: 'patch-only' }, clip: { ...vit, preNorm: true, patchBias: false, normEps: 1e-5 },
  'clip-quickgelu': { ...vit, preNorm: true, patchBias: false, normEps: 1e-5, act: 'quickgelu' },
  siglip: { ...vit, clsTokens: 0, posEmbed: 'patch-only', act: 'gelu-tanh' }, eva02: eva, sam,
};
const keysOf = (f: FamilyName) => [...family(f).parameterShapes(CONFIGS[f], [4, 4]).keys()].filter((k) => !k.startsWith('seg_head.'));

describe('backbone families', () => {
  it('every family resolves to a normalisation, eps, activation and a builder that compiles', () => {
    expect(FAMILY_NAMES.sort()).toEqual(['clip', 'clip-quickgelu', 'dinov2', 'eva02', 'sam', 'siglip', 'vit']);
    for (const name of FAMILY_NAMES) {
      const f = family(name);
      expect(f.name).toBe(name);
      expect(f.normalisation.mean).toHaveLength(3);
      expect(f.normalisation.std.every((s) => s > 0)).toBe(true);
      expect(f.normEps).toBeGreaterThan(0);
      const g = new Graph();
      const shapes = f.parameterShapes(CONFIGS[name], [4, 4]);
      const params = Object.fromEntries([...shapes].map(([k, s]) => [k, g.param(k, s)]));
      expect(familySegmenter(name, g.input('image', [2, 3, 16, 16]), params, CONFIGS[name]).shape).toEqual([2, 2, 16, 16]);
      expect(f.encoder(g.input('image2', [1, 3, 16, 16]), params, CONFIGS[name]).shape).toEqual([1, 16, 16]);
    }
    expect(FAMILIES.clip.act).toBe('gelu');
    expect(FAMILIES['clip-quickgelu'].act).toBe('quickgelu');
    expect(FAMILIES.eva02.normalisation).toEqual(NORMALISATION.clip);
    expect(FAMILIES.sam.normalisation).toEqual(NORMALISATION.imagenet);
    expect(FAMILIES.siglip.normalisation).toEqual(NORMALISATION.inception);
    expect(() => family('nope' as FamilyName)).toThrow(/unknown backbone family "nope"/);
  });

  it('presets agree with their family normalisation', () => {
    for (const p of PRESETS.filter((x) => !x.unavailable)) expect(NORMALISATION[p.normalisation]).toEqual(FAMILIES[p.family].normalisation);
  });

  it('detects each family from its key set (CLIP activations are indistinguishable: clip)', () => {
    for (const name of FAMILY_NAMES) {
      const keys = keysOf(name);
      if (name === 'siglip') keys.push('attn_pool.latent', 'attn_pool.q.weight');
      if (name === 'sam') keys.push('neck.0.weight');
      expect(detectFamily(keys), name).toBe(name === 'clip-quickgelu' ? 'clip' : name);
    }
    // DINOv2 without registers: a mask token says so; EVA-02 with fused qkv + q_bias/v_bias
    expect(detectFamily([...keysOf('vit'), 'mask_token'])).toBe('dinov2');
    expect(detectFamily([...makeTinyVit({ embedDim: 16, depth: 1 }).keys(), 'blocks.0.attn.q_bias'])).toBe('eva02');
    expect(detectFamily([...makeTinyVit({ embedDim: 16, depth: 1 }).keys()])).toBe('vit');
  });

  it('every family ignores its own extra checkpoint keys', () => {
    const ignored = (f: FamilyName, k: string) => family(f).ignored.some((r) => r.test(k));
    expect(ignored('siglip', 'attn_pool.mlp.fc1.weight')).toBe(true);
    expect(ignored('sam', 'neck.1.weight')).toBe(true);
    expect(ignored('eva02', 'head.weight')).toBe(true);
    expect(ignored('vit', 'fc_norm.weight')).toBe(true);
    expect(ignored('eva02', 'fc_norm.weight')).toBe(false); // the MIM checkpoints' final norm lives there
  });
});
