/**
 * `vfm-lab train --recipe gta5` on a GTA5 folder with Cityscapes val beside it: trains on GTA5,
 * evaluates on Cityscapes val (the paper's shift) with the benchmark's all-classes mIoU, and logs
 * the dataset note (labels mapped, mismatched label maps resized with nearest neighbour).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { CITYSCAPES_CLASSES } from '../data/classes';
import { maskPng, pngRgb } from '../data/testing';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { writeSafetensors } from '../model/safetensors';
import { train } from './train';

describe('vfm-lab train --recipe gta5', () => {
  it('trains on GTA5 and scores Cityscapes val with the benchmark mIoU, saying how labels were read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-gta5-'));
    const put = (path: string, bytes: Uint8Array) => {
      mkdirSync(dirname(join(dir, 'data', path)), { recursive: true });
      writeFileSync(join(dir, 'data', path), bytes);
    };
    const [road, car] = [CITYSCAPES_CLASSES[0][1], CITYSCAPES_CLASSES[13][1]];
    for (const k of [1, 2, 3]) {
      put(`images/0000${k}.png`, pngRgb(32, 16, (x) => (x < 16 ? [90, 90, 90] : [200, 20, 20])));
      put(`labels/0000${k}.png`, k === 2 ? maskPng(30, 14, (x) => (x < 15 ? road : car)) : maskPng(32, 16, (x) => (x < 16 ? road : car)));
    }
    put('leftImg8bit/val/lindau/lindau_000000_000019_leftImg8bit.png', pngRgb(32, 16, (x) => (x < 16 ? [90, 90, 90] : [200, 20, 20])));
    put('gtFine/val/lindau/lindau_000000_000019_gtFine_labelIds.png', maskPng(32, 16, (x) => (x < 16 ? road : car)));
    const model = join(dir, 'tiny.safetensors');
    writeFileSync(model, writeSafetensors(makeTinyVit({ ...DEMO_MODEL, seed: 2 })));
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (said.push(String(s)), true));
    try {
      await train(['--model', model, '--data', join(dir, 'data'), '--out', join(dir, 'run'), '--recipe', 'gta5', '--crop', '16', '--steps', '1', '--accum', '1']);
    } finally {
      spy.mockRestore();
    }
    const log = said.join('');
    expect(log).toMatch(/dataset .*data: gta5, 3 train \/ 1 val images, 19 classes/);
    expect(log).toMatch(/dataset note: GTA5: .*resized to it with nearest neighbour, as the benchmark does; validation is Cityscapes val/);
    const ev = JSON.parse(readFileSync(join(dir, 'run', 'eval.json'), 'utf8'));
    expect([ev.classes.length, ev.mIoUDefinition, ev.evaluation.layout]).toEqual([19, 'all-classes', 'long-side']);
    expect(ev.mIoU).toBeCloseTo(ev.perClassIoU.reduce((a: number, v: number | null) => a + (v ?? 0), 0) / 19, 12); // all 19 classes, 17 of them absent
    expect(JSON.parse(readFileSync(join(dir, 'run', 'config.json'), 'utf8'))).toMatchObject({ recipe: 'gta5', steps: 1, crop: 16 });
  }, 120_000);
});
