/** The family registry: every family resolves to a normalisation and a builder, and detection from key sets. */
import { describe, expect, it } from 'vitest';
import { Graph, exportOnnx } from '../../graph';
import { rng } from '../../graph/testing/gradcheck';
import { createNodeRunner } from '../../runtime/node';
import type { HostTensor } from '../safetensors';
import { makeTinyVit, tinyVitConfig } from '../demo';
import { NORMALISATION, PRESETS, type FamilyName } from '../presets';
import type { VitConfig } from '../vit';
import { FAMILIES, FAMILY_NAMES, detectFamily, family, familySegmenter, loadFamilyModel, type Eva02Config, type SamConfig } from './index';

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
  siglip: { ...vit, clsTokens: 0, posEmbed: 'patch-only' }, eva02: eva, sam,
};
const eva02ParameterShapesOf = (c: Eva02Config, side: number) => family('eva02').parameterShapes(c, [side, side]);
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
    expect(ignored('eva02', 'fc_norm.weight')).toBe(true); // the MIM checkpoints' final norm: forward_head's, not run by the benchmark
  });

  const random = (shapes: Map<string, number[]>, extra: Record<string, number[]> = {}) => {
    const r = rng(3);
    const m = new Map<string, HostTensor>();
    for (const [k, shape] of [...shapes, ...Object.entries(extra)]) {
      if (k.startsWith('seg_head.')) continue;
      m.set(k, { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (/norm.*weight/.test(k) ? 1 : 0) + (r() - 0.5) * 0.2) });
    }
    return m;
  };
  async function runs(name: FamilyName, weights: Map<string, HostTensor>, config: VitConfig, crop: number) {
    const g = new Graph();
    const params = Object.fromEntries([...weights].map(([k, t]) => [k, g.param(k, t.shape)]));
    g.output('logits', familySegmenter(name, g.input('image', [1, 3, crop, crop]), params, config));
    const image = Float32Array.from({ length: 3 * crop * crop }, (_, i) => Math.sin(i));
    const out = await (await createNodeRunner(exportOnnx(g))).run({ image, ...Object.fromEntries([...weights].map(([k, t]) => [k, t.data])) });
    expect(out.logits.dims).toEqual([1, 2, crop, crop]);
    expect(Array.from(out.logits.data as Float32Array).every(Number.isFinite)).toBe(true);
  }

  it('loads an EVA-02 checkpoint (patch 14, MIM fc_norm, timm extras) at patch 16 on the crop grid', async () => {
    const ckptConfig: Eva02Config = { ...eva, patchSize: 14, finalNorm: 'fc_norm', attnInnerNorm: false };
    const ckpt = random(eva02ParameterShapesOf(ckptConfig, 3), { 'head.weight': [5, 16], 'rope.freqs': [2], mask_token: [1, 1, 16] });
    expect(detectFamily(ckpt.keys())).toBe('eva02');
    const { config, weights, notices } = loadFamilyModel(ckpt, 'eva.safetensors', { family: 'eva02', numClasses: 2, crop: 32, patchSize: 16, heads: 2 });
    // the benchmark's EVA-02 MIM has no final norm: timm's global_pool='avg' leaves fc_norm to forward_head
    expect(config).toMatchObject({ patchSize: 16, finalNorm: 'none', qkvFused: false, mlpInnerNorm: true, attnInnerNorm: false, ropeRefGrid: [16, 16] });
    expect(notices.join(' ')).toMatch(/fc_norm\.\* not used: the benchmark runs EVA-02 MIM without a final norm.*resampled from 14×14 to 16×16.*pos_embed resampled from a 3×3 to a 2×2 grid.*new linear decoder/);
    expect(weights.has('fc_norm.weight')).toBe(false);
    expect(weights.get('pos_embed')!.shape).toEqual([1, 5, 16]);
    expect([...weights.keys()].sort()).toEqual([...family('eva02').parameterShapes(config, [2, 2]).keys()].sort());
    await runs('eva02', weights, config, 32);
    ckpt.set('blocks.0.attn.qkv.bias', { shape: [48], data: new Float32Array(48) });
    expect(() => loadFamilyModel(ckpt, 'eva.safetensors', { family: 'eva02', numClasses: 2, crop: 32, patchSize: 16, heads: 2 })).toThrow(/eva\.safetensors: unexpected keys .*blocks\.0\.attn\.qkv\.bias/);
  });

  it('a vfm-lab EVA-02 MIM model trained with fc_norm on every token (it has a seg_head) keeps it, and says so', () => {
    const ckpt = random(eva02ParameterShapesOf({ ...eva, finalNorm: 'fc_norm', attnInnerNorm: false }, 2));
    ckpt.set('seg_head.weight', { shape: [2, 16], data: new Float32Array(32) });
    ckpt.set('seg_head.bias', { shape: [2], data: new Float32Array(2) });
    const { config, weights, notices } = loadFamilyModel(ckpt, 'run.safetensors', { family: 'eva02', numClasses: 2, crop: 32, patchSize: 16, heads: 2 });
    expect(config).toMatchObject({ finalNorm: 'fc_norm' });
    expect(weights.get('fc_norm.weight')!.data).toEqual(ckpt.get('fc_norm.weight')!.data);
    expect(notices.join(' ')).toMatch(/fc_norm kept on every token, as this vfm-lab model was trained/);
  });

  it('loads a SAM checkpoint (neck ignored, [1, h, w, D] pos_embed resampled, rel-pos tables kept)', async () => {
    const ckpt = random(family('sam').parameterShapes({ ...sam, depth: 2, globalBlocks: [1] } as SamConfig, [4, 4]), { 'neck.0.weight': [8, 16, 1, 1] });
    expect(detectFamily(ckpt.keys())).toBe('sam');
    const { config, weights, notices } = loadFamilyModel(ckpt, 'sam.safetensors', { family: 'sam', numClasses: 2, crop: 12, heads: 2 });
    expect(config).toMatchObject({ windowSize: 2, globalBlocks: [1], relPosLength: { global: 7, window: 3 }, normEps: 1e-5, clsTokens: 0 });
    expect(notices.join(' ')).toMatch(/pos_embed resampled from a 4×4 to a 3×3 grid/);
    expect(weights.get('pos_embed')!.shape).toEqual([1, 3, 3, 16]);
    expect(weights.get('blocks.1.attn.rel_pos_h')!.shape).toEqual([7, 8]);
    await runs('sam', weights, config, 12);
    ckpt.delete('blocks.1.attn.rel_pos_w');
    expect(() => loadFamilyModel(ckpt, 'sam.safetensors', { family: 'sam', numClasses: 2, crop: 12, heads: 2 })).toThrow(/sam\.safetensors: missing keys: blocks\.1\.attn\.rel_pos_w/);
  });

  it('scales SAM attention windows with the crop as the benchmark does; a saved window is kept', () => {
    const ckpt = random(family('sam').parameterShapes({ ...sam, depth: 2, globalBlocks: [1] } as SamConfig, [4, 4]), {});
    const load = (crop: number, windowSize?: number) => loadFamilyModel(ckpt, 'sam.safetensors', { family: 'sam', numClasses: 2, crop, heads: 2, windowSize });
    expect(load(16).config).toMatchObject({ windowSize: 2 });
    expect(load(16).notices.join(' ')).not.toMatch(/window/);
    const half = load(8); // 2 × 2/4 = 1
    expect(half.config).toMatchObject({ windowSize: 1, relPosLength: { global: 7, window: 3 } });
    expect(half.notices[0]).toMatch(/windows scaled with the crop from 2×2 \(on a 4×4 grid\) to 1×1$/);
    const odd = load(20); // 2 × 5/4 = 2.5: rounded, and said so
    expect(odd.config).toMatchObject({ windowSize: 3 });
    expect(odd.notices.join(' ')).toMatch(/to 3×3 \(rounded from 2\.50/);
    // a vfm-lab checkpoint trained at this grid records its window: kept at the same crop, scaled at another
    expect(load(16, 1).config).toMatchObject({ windowSize: 1 });
    expect(load(32, 1).config).toMatchObject({ windowSize: 2 });
  });

  it('loads the vit-like families through checkpoint.loadModel', () => {
    const { config } = loadFamilyModel(makeTinyVit({ embedDim: 16, depth: 1, patchSize: 4, grid: 4 }), 'vit.safetensors', { family: 'clip-quickgelu', numClasses: 2, crop: 16 });
    expect(config.act).toBe('quickgelu');
  });
});
