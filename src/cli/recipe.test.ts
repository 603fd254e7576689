/**
 * `vfm-lab train --recipe` as a user runs it (a child process), kept cheap: the ADE20K recipe with
 * its run size overridden (crop, steps, accumulation) trains one step on the demo data, and
 * config.json records the resolved recipe and its rule names.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/vfm-lab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('vfm-lab train --recipe', () => {
  it('records the resolved recipe, with explicit options overriding it and the rule names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-recipe-'));
    const demo = join(dir, 'demo'), out = join(dir, 'run');
    expect(cli('make-demo', '--out', demo).status).toBe(0);
    const r = cli('train', '--recipe', 'ade20k', '--model', join(demo, 'model.safetensors'), '--data', demo, '--out', out, '--crop', '64', '--steps', '1', '--accum', '1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('recipe ade20k: weight decay on all parameters, long-side evaluation windows, torchvision augmentation, drop-single-value label filter');
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ recipe: 'ade20k', crop: 64, steps: 1, accum: 1, batch: 1, lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05 });
    expect(config.rules).toEqual({ weightDecayScope: 'all', windowLayout: 'long-side', augmentation: 'torchvision', labelFilter: 'drop-single-value', samRelPos: 'resized-once', miou: 'all-classes' });
  }, 300_000);
});
