/**
 * predict = evaluate: under every recipe, `vfm-lab predict` on a run's val images gives masks whose
 * confusion matrix against the val labels is eval.json's exactly — the model file carries the
 * run's evaluation procedure (crop, windows, resize, normalisation). Tiny model, tiny wide images
 * (so the demo's 2-D grid and the benchmark's long-side windows differ), one training step.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeMask } from '../data/png';
import { mulberry32 } from '../data/random';
import { maskPng, pngRgb } from '../data/testing';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { readSafetensorsWithMetadata, writeSafetensors } from '../model/safetensors';
import { ConfusionMatrix } from '../train/metrics';
import { RECIPE_NAMES } from '../train/recipe';
import { parseMetadata } from '../train/session';
import { predict } from './predict';
import { train } from './train';

const H = 24, W = 56, CLASSES = 3;

/** Wide images whose three vertical bands (classes) shift per image, with pixel noise so predictions vary. */
function writeDataset(dir: string): void {
  const rand = mulberry32(7);
  const put = (path: string, bytes: Uint8Array) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  };
  const noise = Array.from({ length: 8 * H * W }, () => Math.floor(rand() * 60));
  const band = (i: number, x: number) => Math.min(CLASSES - 1, Math.floor(((x + 5 * i) % W) / (W / CLASSES)));
  for (const [split, n] of [['train', 2], ['val', 3]] as const) {
    for (let i = 0; i < n; i++) {
      const k = split === 'train' ? i : i + 2;
      put(`${split}/images/${k}.png`, pngRgb(W, H, (x, y) => [80 * band(k, x) + noise[(k * H + y) * W + x], 120 - noise[(k * H + y) * W + x], 40 * band(k, x)]));
      put(`${split}/masks/${k}.png`, maskPng(W, H, (x) => band(k, x)));
    }
  }
  put('classes.txt', new TextEncoder().encode('left\nmiddle\nright\n'));
}

describe('predict = evaluate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfm-predict-eval-'));
  const data = join(dir, 'data'), model = join(dir, 'tiny.safetensors');

  beforeAll(() => {
    writeDataset(data);
    writeFileSync(model, writeSafetensors(makeTinyVit({ ...DEMO_MODEL, seed: 3, numClasses: CLASSES })));
  });

  for (const recipe of RECIPE_NAMES) {
    it(`under --recipe ${recipe}, predict's masks on the val split give eval.json's confusion matrix exactly`, async () => {
      const out = join(dir, recipe), masks = join(dir, `${recipe}-masks`);
      await train(['--model', model, '--data', data, '--out', out, '--recipe', recipe, '--crop', '16', '--steps', '1', '--batch', '1', '--accum', '1',
        '--lr-head', '1e-2', '--seed', '1']);
      const ev = JSON.parse(readFileSync(join(out, 'eval.json'), 'utf8'));
      const meta = parseMetadata(readSafetensorsWithMetadata(readFileSync(join(out, 'model.safetensors')), 'model').metadata)!;
      expect({ ...meta.evaluation, crop: meta.crop, mean: meta.mean, std: meta.std }).toEqual(ev.evaluation); // the file records what eval.json did
      await predict(['--model', join(out, 'model.safetensors'), '--input', join(data, 'val', 'images'), '--out', masks]);
      const cm = new ConfusionMatrix(CLASSES);
      for (const f of readdirSync(join(data, 'val', 'masks'))) {
        const label = decodeMask(readFileSync(join(data, 'val', 'masks', f)), f);
        cm.add(decodeMask(readFileSync(join(masks, f)), f).data, label.data);
      }
      expect(cm.toJSON()).toEqual(ev.confusion);
      expect(cm.meanIoU(ev.mIoUDefinition)).toBe(ev.mIoU);
    }, 120_000);
  }

  it('a model file without the record predicts with the demo windows and says so', async () => {
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (said.push(String(s)), true));
    try {
      await predict(['--model', model, '--input', join(data, 'val', 'images', '2.png'), '--out', join(dir, 'unrecorded'), '--crop', '16']);
    } finally {
      spy.mockRestore();
    }
    expect(said.join('')).toContain(`note: ${model} records no evaluation procedure`);
  });
});
