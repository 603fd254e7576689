/**
 * `crossEvaluate`, the CLI's cross-dataset evaluation (vfm-lab benchmark --cross-data): a model
 * trained with the benchmark's label filter is scored on the second dataset's val images that the
 * filter keeps, as its training scored its own dataset — the same score as on that dataset without
 * the single-valued mask.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CLASSES, makeDemoFiles } from '../data/synthetic';
import { maskPng } from '../data/testing';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { writeSafetensors } from '../model/safetensors';
import { IMAGENET_MEAN, IMAGENET_STD, type ModelMetadata } from '../train/session';
import { crossEvaluate } from './cross-eval';

function writeFiles(dir: string, files: { path: string; bytes: Uint8Array }[]): string {
  for (const f of files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.bytes);
  }
  return dir;
}

describe('crossEvaluate', () => {
  it("applies the model's recipe label filter: a single-valued val mask is left out, as training leaves it out", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-cross-'));
    const meta: ModelMetadata = { classes: DEMO_CLASSES, crop: 16, mean: IMAGENET_MEAN, std: IMAGENET_STD, heads: 2, act: 'gelu', normEps: 1e-6 };
    const model = join(dir, 'model.safetensors');
    writeFileSync(model, writeSafetensors(makeTinyVit({ ...DEMO_MODEL, seed: 1 }), { format: 'pt', vfm_lab: JSON.stringify(meta) }));
    const demo = makeDemoFiles(2, { size: 16, train: 2, val: 3 });
    const single = (p: string) => p === 'val/masks/0001.png' || p === 'val/images/0001.png';
    // the second dataset with its second val mask holding one value, and the same without that image
    const withSingle = writeFiles(join(dir, 'with'), demo.map((f) => (f.path === 'val/masks/0001.png' ? { ...f, bytes: maskPng(16, 16, () => 0) } : f)));
    const without = writeFiles(join(dir, 'without'), demo.filter((f) => !single(f.path)));
    const s = { batch: 2, maxPixels: 1e6, maxZipEntryBytes: 1e8 };
    const filtered = await crossEvaluate(model, withSingle, { ...s, rules: { labelFilter: 'drop-single-value', windowLayout: 'long-side' } });
    const unfiltered = await crossEvaluate(model, withSingle, { ...s, rules: { labelFilter: 'none', windowLayout: 'long-side' } });
    const reference = await crossEvaluate(model, without, { ...s, rules: { labelFilter: 'none', windowLayout: 'long-side' } });
    expect(unfiltered.mIoU).not.toBe(reference.mIoU); // the single-valued image counts when nothing filters it
    expect({ ...filtered, dataset: '' }).toEqual({ ...reference, dataset: '' });
  });

  it("uses the evaluation procedure the model file records (its windows and mIoU), not the caller's rules", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-cross-rec-'));
    const meta: ModelMetadata = { classes: DEMO_CLASSES, crop: 16, mean: IMAGENET_MEAN, std: IMAGENET_STD, heads: 2, act: 'gelu', normEps: 1e-6 };
    const weights = makeTinyVit({ ...DEMO_MODEL, seed: 1 });
    const file = (name: string, m: ModelMetadata) => {
      writeFileSync(join(dir, name), writeSafetensors(weights, { format: 'pt', vfm_lab: JSON.stringify(m) }));
      return join(dir, name);
    };
    const recorded = file('recorded.safetensors', { ...meta, evaluation: { layout: 'long-side', resize: 'antialias', miou: 'all-classes' } });
    const bare = file('bare.safetensors', meta);
    const data = writeFiles(join(dir, 'data'), makeDemoFiles(2, { size: 16, train: 2, val: 3 }).map((f) => f));
    const s = { batch: 2, maxPixels: 1e6, maxZipEntryBytes: 1e8 };
    const asRecorded = await crossEvaluate(recorded, data, { ...s, rules: { labelFilter: 'none', windowLayout: 'grid-2/3', miou: 'present-classes' } });
    const byRules = await crossEvaluate(bare, data, { ...s, rules: { labelFilter: 'none', windowLayout: 'long-side', miou: 'all-classes' } });
    expect(asRecorded).toEqual(byRules);
    expect(asRecorded.mIoUDefinition).toBe('all-classes');
  });
});
