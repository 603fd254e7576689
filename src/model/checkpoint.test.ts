/** Loading timm-style checkpoints: inferred architecture, both pos-embed layouts, resampling, refusals. */
import { describe, expect, it } from 'vitest';
import { inferConfig, loadModel } from './checkpoint';
import { loadFamilyModel } from './families';
import { makeTinyVit } from './demo';
import { resamplePosEmbed } from './resample';
import { CheckpointError } from './safetensors';

const opts = { numClasses: 4, crop: 32 };

describe('checkpoint loading', () => {
  it('infers the architecture from the tensors', () => {
    const c = inferConfig(makeTinyVit({ embedDim: 128, depth: 3, patchSize: 8, grid: 4, regTokens: 2, layerScale: true }), 'x', opts);
    expect(c).toMatchObject({ embedDim: 128, depth: 3, heads: 2, patchSize: 8, mlpHidden: 512, clsTokens: 1, regTokens: 2, layerScale: true, qkvBias: true });
  });

  it('tells the two pos-embed conventions apart (with prefix tokens, or patches only as timm no_embed_class)', () => {
    expect(inferConfig(makeTinyVit({ grid: 4 }), 'x', opts).posEmbed).toBe('with-prefix');
    expect(inferConfig(makeTinyVit({ grid: 4, noEmbedClass: true, regTokens: 4 }), 'x', opts).posEmbed).toBe('patch-only');
  });

  it('resamples pos_embed once at load to the crop grid, exactly as resamplePosEmbed', () => {
    const ckpt = makeTinyVit({ grid: 2, patchSize: 8 }); // native 16 px, trained at 32 px → 4×4
    const m = loadModel(ckpt, 'small.safetensors', opts);
    expect(m.weights.get('pos_embed')!.shape).toEqual([1, 1 + 16, 64]);
    expect(Array.from(m.weights.get('pos_embed')!.data)).toEqual(Array.from(resamplePosEmbed(ckpt.get('pos_embed')!, 1, [4, 4], [2, 2]).data));
    expect(m.notices.join(' ')).toMatch(/resampled from a 2×2 to a 4×4 grid/);
    const patchOnly = loadModel(makeTinyVit({ grid: 2, patchSize: 8, noEmbedClass: true }), 'p.safetensors', opts);
    expect(patchOnly.weights.get('pos_embed')!.shape).toEqual([1, 16, 64]);
  });

  it('reuses a seg_head with the right class count, re-initialises (with a notice) otherwise, ignores a timm head', () => {
    const withHead = makeTinyVit({ grid: 4, numClasses: 4 });
    withHead.set('head.weight', { shape: [1000, 64], data: new Float32Array(64000) });
    const kept = loadModel(withHead, 'h.safetensors', opts);
    expect(kept.weights.get('seg_head.weight')!.data).toBe(withHead.get('seg_head.weight')!.data);
    expect(kept.weights.has('head.weight')).toBe(false);
    const fresh = loadModel(withHead, 'h.safetensors', { ...opts, numClasses: 7 });
    expect(fresh.weights.get('seg_head.weight')!.shape).toEqual([7, 64]);
    expect(fresh.notices.join(' ')).toMatch(/4 classes but the dataset has 7/);
  });

  it('refuses missing, unexpected and mis-shaped tensors, naming the file and the keys', () => {
    const missing = makeTinyVit({ grid: 4 });
    missing.delete('blocks.1.mlp.fc2.weight');
    expect(() => loadModel(missing, 'm.safetensors', opts)).toThrow(/^m\.safetensors: missing keys: blocks\.1\.mlp\.fc2\.weight/);
    const extra = makeTinyVit({ grid: 4 });
    extra.set('decoder.conv.weight', { shape: [1], data: new Float32Array(1) });
    expect(() => loadModel(extra, 'e.safetensors', opts)).toThrow(/^e\.safetensors: unexpected keys .*decoder\.conv\.weight/);
    const shaped = makeTinyVit({ grid: 4 });
    shaped.set('norm.weight', { shape: [65], data: new Float32Array(65) });
    expect(() => loadModel(shaped, 's.safetensors', opts)).toThrow(/tensor "norm\.weight" has shape \[65\], expected \[64\]/);
    expect(() => loadModel(new Map(), 'empty.safetensors', opts)).toThrow(CheckpointError);
    expect(() => loadModel(makeTinyVit({ grid: 4 }), 'c.safetensors', { ...opts, crop: 30 })).toThrow(/crop 30 is not a multiple of the patch size 8/);
  });
});

describe('checkpoint hardening', () => {
  it('block indices must run from 0 without gaps; the depth is never taken from the largest index', () => {
    const huge = makeTinyVit({ grid: 4, depth: 2 });
    huge.set('blocks.99999999999.norm1.weight', huge.get('blocks.1.norm1.weight')!);
    expect(() => inferConfig(huge, 'h.safetensors', opts)).toThrow(/^h\.safetensors: block indices must run 0…N−1 without gaps, but the blocks are 0, 1, 99999999999 \(no block 2\)/);
    const gap = makeTinyVit({ grid: 4, depth: 3 });
    for (const k of [...gap.keys()]) if (k.startsWith('blocks.0.')) gap.delete(k);
    expect(() => inferConfig(gap, 'g.safetensors', opts)).toThrow(/the blocks are 1, 2 \(no block 0\)/);
    expect(inferConfig(makeTinyVit({ grid: 4, depth: 3 }), 'ok', opts).depth).toBe(3);
  });
});

describe('non-finite weights', () => {
  it('a checkpoint holding NaN or Infinity is refused at load, naming the tensor', () => {
    const bad = makeTinyVit({ grid: 4 });
    bad.get('blocks.1.attn.proj.weight')!.data[5] = NaN;
    expect(() => loadFamilyModel(bad, 'nan.safetensors', { ...opts, family: 'vit' })).toThrow(/^nan\.safetensors: tensor "blocks\.1\.attn\.proj\.weight" holds a non-finite value \(NaN at index 5\)/);
    const inf = makeTinyVit({ grid: 4 });
    inf.get('cls_token')!.data[0] = -Infinity;
    expect(() => loadFamilyModel(inf, 'inf.safetensors', { ...opts, family: 'vit' })).toThrow(/"cls_token" holds a non-finite value \(-Infinity at index 0\)/);
    expect(loadFamilyModel(makeTinyVit({ grid: 4 }), 'ok', { ...opts, family: 'vit' }).config.depth).toBe(2);
  });
});
