/**
 * Every preset against what `timm.create_model(name, num_classes=0)` builds in timm 0.9.16, as the
 * benchmark (models/encoder.py) builds it: `testing/timm_create_model.py` recorded, per name, the
 * activation, LayerNorm eps, pre-norm, the final norm `forward_features` applies (it depends on
 * global_pool: 'avg' moves it to forward_head as fc_norm) and the pretrained mean/std. The preset's
 * timm name (`timmModelName`, what export-benchmark writes) must build our family.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { family } from './families';
import { inferEva02Config } from './families/eva02';
import { PRESETS, resolvePreset, timmModelName, type Preset } from './presets';
import type { HostTensor } from './safetensors';

interface Built { act: string; eps: number; preNorm: boolean; finalNorm: 'norm' | 'none'; globalPool: string; fcNormInForwardHead: boolean; mean: number[]; std: number[] }
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'testing/timm/create_model.json'), 'utf8')) as { timm: string; models: Record<string, Built> };

/** The final norm our encoder applies for a checkpoint with timm's top-level norms of this model. */
function ourFinalNorm(p: Preset, built: Built): string {
  if (p.family === 'sam') return 'none'; // the last block's tokens (the benchmark replaces the neck by Identity)
  if (p.family !== 'eva02') return 'norm'; // vit.ts `encoder`: always `norm`
  const t = (shape: number[]): HostTensor => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const keys = new Map([['patch_embed.proj.weight', t([16, 3, 14, 14])], ['blocks.0.mlp.fc1_g.weight', t([32, 16])]]);
  if (built.finalNorm === 'norm') keys.set('norm.weight', t([16]));
  if (built.fcNormInForwardHead) keys.set('fc_norm.weight', t([16])); // timm's hub file holds every parameter of the model
  return inferEva02Config(keys, { numClasses: 2 }).finalNorm;
}

describe(`presets as timm ${fixture.timm} builds them (create_model(name, num_classes=0) + forward_features)`, () => {
  for (const p of PRESETS.filter((x) => !x.unavailable)) {
    it(`${p.name} → ${timmModelName(p)}: activation, eps, final norm and normalisation match`, () => {
      const built = fixture.models[timmModelName(p)];
      expect(built, `no timm record for ${timmModelName(p)}`).toBeDefined();
      const f = family(p.family);
      expect(f.act).toBe(built.act);
      expect(f.normEps).toBe(built.eps);
      expect(ourFinalNorm(p, built)).toBe(built.finalNorm);
      f.normalisation.mean.forEach((m, i) => expect(m).toBeCloseTo(built.mean[i], 6));
      f.normalisation.std.forEach((s, i) => expect(s).toBeCloseTo(built.std[i], 6));
    });
  }

  it("OpenAI CLIP is timm's QuickGELU variant; its exact-GELU name still finds the preset's weights", () => {
    const openai = resolvePreset('vit_base_patch16_clip_224.openai')!;
    expect(timmModelName(openai)).toBe('vit_base_patch16_clip_quickgelu_224.openai');
    expect(fixture.models['vit_base_patch16_clip_224.openai'].act).toBe('gelu'); // why the weights' own name is not the architecture's
    expect(resolvePreset('vit_base_patch16_clip_quickgelu_224.openai')).toBe(openai);
  });
});
