/**
 * Parity with timm itself. `../testing/timm_fixtures.py` built each preset's architecture with
 * timm's own constructor (2 blocks, width 16, random weights), saved the state dict, and recorded
 * the patch features timm computes at our crop and patch 16 (patch-14 and other-size checkpoints
 * adapted by timm's `checkpoint_filter_fn`; SAM adapts at run time). Here the same checkpoint
 * goes through our loader and encoder graph on onnxruntime-node; the features must agree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Graph, exportOnnx } from '../../graph';
import { createNodeRunner } from '../../runtime/node';
import type { FamilyName } from '../presets';
import { readSafetensors } from '../safetensors';
import { detectFamily, familyEncoder, loadFamilyModel } from '.';

interface Case { timm: string; family: FamilyName; native: number; crop: number; shape: [number, number]; features: number[] }
const DIR = join(import.meta.dirname, '../testing/timm');
const fixtures = JSON.parse(readFileSync(join(DIR, 'features.json'), 'utf8')) as { timm: string; cases: Record<string, Case> };

const DETECTED: Record<string, FamilyName> = { clip_openai: 'clip', dinov2: 'vit' };

describe(`timm ${fixtures.timm} parity`, () => {
  for (const [name, c] of Object.entries(fixtures.cases)) {
    it(`${name} (${c.timm}, ${c.native}px → ${c.crop}px at patch 16): features match timm`, async () => {
      const file = `${name}.safetensors`;
      const tensors = readSafetensors(readFileSync(join(DIR, file)), file);
      // Inferred from the keys, except what keys cannot show: CLIP's activation, and DINOv2 without
      // registers, whose keys are DeiT III's and which builds the same model as 'vit'.
      expect(detectFamily(tensors.keys())).toBe(DETECTED[name] ?? c.family);
      const { config, weights } = loadFamilyModel(tensors, file, { family: c.family, numClasses: 2, crop: c.crop, patchSize: 16, heads: 2 });

      const g = new Graph();
      const params = Object.fromEntries([...weights].map(([k, t]) => [k, g.param(k, t.shape)]));
      g.output('features', familyEncoder(c.family, g.input('image', [1, 3, c.crop, c.crop]), params, config));
      const image = Float32Array.from({ length: 3 * c.crop * c.crop }, (_, i) => Math.fround(Math.sin(i * 0.21)));
      const out = await (await createNodeRunner(exportOnnx(g))).run({ image, ...Object.fromEntries([...weights].map(([k, t]) => [k, t.data])) });
      expect(out.features.dims).toEqual([1, ...c.shape]);
      const got = out.features.data as Float32Array;
      let worst = 0;
      c.features.forEach((v, i) => { worst = Math.max(worst, Math.abs(got[i] - v) / (1 + Math.abs(v))); });
      expect(worst).toBeLessThan(1e-4);
    });
  }
});
