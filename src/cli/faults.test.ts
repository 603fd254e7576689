/**
 * The `vfm-lab` command under faults, as a user meets them (child processes): kill -9 mid-run and
 * --resume ends bit-for-bit where an uninterrupted run ends; divergence stops with a message and
 * writes no NaN model; a finished run is never replaced without --overwrite; settings, the model
 * and the output folder are refused before the dataset is decoded; predict keeps its inputs safe.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSafetensorsWithMetadata } from '../model/safetensors';
import { CHECKPOINT_FILE } from './run-checkpoint';

const bin = new URL('../../bin/vfm-lab.mjs', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const rows = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The completed step recorded in a run's checkpoint (always a whole file: it is written by rename). */
function checkpointStep(out: string): number {
  try {
    return JSON.parse(readSafetensorsWithMetadata(new Uint8Array(readFileSync(join(out, CHECKPOINT_FILE))), 'c').metadata.vfm_lab_run).step;
  } catch {
    return -1;
  }
}

describe('vfm-lab under faults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfm-faults-'));
  const demo = join(dir, 'demo');
  const model = join(demo, 'model.safetensors');
  // augmentation and shuffling on (the defaults): resume must restore their state too
  const recipe = ['--model', model, '--data', demo, '--steps', '60', '--batch', '2', '--save-every', '4', '--eval-every', '30', '--lr-head', '1e-3'];
  const whole = join(dir, 'whole'); // the uninterrupted run: the reference for resume, and predict's model
  beforeAll(() => {
    expect(cli('make-demo', '--out', demo).code).toBe(0);
    expect(cli('train', ...recipe, '--out', whole).code).toBe(0);
  }, 120_000);

  it('a run killed with SIGKILL after a checkpoint and resumed ends with the weights and losses of an uninterrupted run, bit for bit', async () => {
    const cut = join(dir, 'cut');
    const child = spawn(process.execPath, [bin, 'train', ...recipe, '--out', cut], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_, signal) => r(signal)));
    while (checkpointStep(cut) < 4 && child.exitCode === null) await sleep(5);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(existsSync(join(cut, 'model.safetensors'))).toBe(false); // killed mid-run, not after it
    const killedAt = checkpointStep(cut);
    expect(killedAt).toBeGreaterThanOrEqual(4);
    expect(killedAt).toBeLessThan(60);

    writeFileSync(join(cut, `${CHECKPOINT_FILE}.tmp-999999`), 'a write cut short by the kill');
    const r = cli('train', '--resume', '--out', cut);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`resuming ${cut} from step ${killedAt}/60`);
    expect(readFileSync(join(cut, 'model.safetensors')).equals(readFileSync(join(whole, 'model.safetensors')))).toBe(true);
    const losses = (d: string) => rows(d).map((x) => ('loss' in x ? [x.step, x.loss, x.lrHead] : [x.step, x.mIoU]));
    expect(losses(cut)).toEqual(losses(whole));
    expect(losses(cut)).toHaveLength(62);
    expect(readFileSync(join(cut, 'eval.json'), 'utf8')).toBe(readFileSync(join(whole, 'eval.json'), 'utf8'));
    expect(existsSync(join(cut, CHECKPOINT_FILE))).toBe(false); // the finished model supersedes it
    expect(readdirSync(cut).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 120_000);

  it('a finished run is never replaced without --overwrite; with it, a --model inside --out is read before it is replaced', () => {
    const out = join(dir, 'finished');
    const short = ['--data', demo, '--steps', '2', '--batch', '2', '--out', out];
    expect(cli('train', '--model', model, ...short).code).toBe(0);
    const before = readFileSync(join(out, 'model.safetensors'));
    const again = cli('train', '--model', model, ...short);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`${out} already holds a finished run (model.safetensors); pass --overwrite`);
    expect(readFileSync(join(out, 'model.safetensors')).equals(before)).toBe(true);
    expect(cli('train', '--resume', '--out', out).stderr).toMatch(/the run is finished .* nothing to resume/);
    const over = cli('train', '--model', join(out, 'model.safetensors'), ...short, '--overwrite');
    expect(over.code, over.stderr).toBe(0);
    expect(readFileSync(join(out, 'model.safetensors')).equals(before)).toBe(false);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  }, 60_000);

  it('a diverging run stops at the step, names the likely cause, exits ≠ 0 and writes no NaN model; the last good checkpoint stays', () => {
    const out = join(dir, 'diverged');
    const r = cli('train', '--model', model, '--data', demo, '--out', out, '--steps', '20', '--batch', '2', '--lr-head', '1e10', '--lr-encoder', '1e10', '--save-every', '1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/vfm-lab: training diverged at step (\d+): the (loss|gradient norm) is (NaN|Infinity|-Infinity); this step was not applied\. Likely cause: a learning rate too high \(decoder 10000000000, encoder 10000000000\)/);
    expect(r.stderr).toMatch(/No model\.safetensors was written; the last good state \(step \d+\) is kept in .*checkpoint\.safetensors/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    const { tensors } = readSafetensorsWithMetadata(new Uint8Array(readFileSync(join(out, CHECKPOINT_FILE))), 'c');
    for (const [name, t] of tensors) expect(t.data.every(Number.isFinite), name).toBe(true);
    expect(rows(out).every((x) => x.loss === undefined || Number.isFinite(x.loss))).toBe(true);
  }, 60_000);

  it('settings, the model and the output folder are refused before the dataset is decoded', () => {
    // a dataset with an unreadable image: each refusal below must come first
    const broken = join(dir, 'broken');
    cpSync(demo, broken, { recursive: true });
    writeFileSync(join(broken, 'train', 'images', '0000.png'), 'not an image');
    const notFolder = join(dir, 'a-file');
    writeFileSync(notFolder, 'x');
    const train = (...args: string[]) => cli('train', '--data', broken, '--steps', '1', ...args);
    const cases: [ReturnType<typeof cli>, RegExp][] = [
      [train('--model', model, '--out', join(dir, 'o1'), '--std', '0,0,0'), /--std must be three positive numbers/],
      [train('--model', model, '--out', join(dir, 'o2'), '--crop', '60'), /crop 60 is not a multiple of the patch size 8/],
      [train('--model', model, '--out', join(dir, 'o3'), '--freeze', 'last:7'), /--freeze must be none, encoder or last:K with 1 ≤ K ≤ 2; got "last:7"/],
      [train('--model', join(dir, 'missing.safetensors'), '--out', join(dir, 'o4')), /missing\.safetensors/],
      [train('--model', model, '--out', join(notFolder, 'sub')), /a-file\/sub: cannot create the --out folder — a parent of it is a file, not a folder \(ENOTDIR\)/],
      [train('--model', model, '--out', join(dir, 'o5'), '--crop', '100000'), /this run needs at least .* of memory, but this machine has .* free\. Try a smaller crop \(now 100000\) or batch \(now 8\)/],
    ];
    for (const [r, message] of cases) {
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/0000\.png|validating/);
    }
    // and the dataset itself is then what is refused
    expect(train('--model', model, '--out', join(dir, 'o6')).stderr).toMatch(/0000\.png/);
  }, 60_000);

  it('the pixel limit is a setting: --max-pixels refuses the demo images from their header, naming the file and the limit', () => {
    const r = cli('train', '--model', model, '--data', demo, '--out', join(dir, 'tiny-limit'), '--steps', '1', '--max-pixels', '0.004');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/\.png: 64×64 pixels \(0\.0041 MP\) is over the limit of 0\.004 MP per image; refused before decoding/);
  });

  it('predict refuses to write into its input folder, keeps colliding stems apart, and replaces masks only with --overwrite', () => {
    const images = join(dir, 'images');
    mkdirSync(images);
    cpSync(join(demo, 'val', 'images', '0000.png'), join(images, 'x.png'));
    writeFileSync(join(images, 'x.jpg'), readFileSync(join(demo, 'val', 'images', '0001.png'))); // a PNG named .jpg decodes by content
    const predict = (out: string, ...more: string[]) => cli('predict', '--model', join(whole, 'model.safetensors'), '--input', images, '--out', out, ...more);
    expect(predict(images).stderr).toMatch(/--out .*images is the input folder/);
    expect(predict(join(images, 'masks')).stderr).toMatch(/is inside the input folder/);
    expect(readdirSync(images).sort()).toEqual(['x.jpg', 'x.png']); // nothing written there
    const out = join(dir, 'masks');
    const r = predict(out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['x_jpg.png', 'x_png.png']);
    const again = predict(out);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/x_jpg\.png already exists; pass --overwrite/);
    expect(predict(out, '--overwrite').code).toBe(0);
  }, 60_000);
});
