/**
 * The `vfm-lab` command end to end, as a user runs it (a child process): make-demo → train lowers
 * the loss and reaches an mIoU well above chance; predict writes masks; the saved model reloads
 * and reproduces its evaluation; bad input exits ≠ 0 with one clear line and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeMask, encodePng } from '../data/png';

const bin = new URL('../../bin/vfm-lab.mjs', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const rows = (dir: string) => readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('vfm-lab', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfm-cli-'));
  const demo = join(dir, 'demo');
  const run = join(dir, 'run');

  beforeAll(() => {
    expect(cli('make-demo', '--out', demo).code).toBe(0);
    const r = cli('train', '--model', join(demo, 'model.safetensors'), '--data', demo, '--out', run, '--steps', '150', '--batch', '8',
      '--lr-head', '1e-3', '--lr-encoder', '5e-4', '--eval-every', '75');
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it('prints help for every command', () => {
    for (const c of ['train', 'predict', 'make-demo']) {
      const r = cli(c, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`vfm-lab ${c}`);
    }
  });

  it('train lowers the loss and reaches an mIoU well above chance, writing the documented files', () => {
    const m = rows(run);
    const steps = m.filter((r) => 'loss' in r);
    expect(steps).toHaveLength(150);
    expect(Object.keys(steps[0]).sort()).toEqual(['loss', 'lrEncoder', 'lrHead', 'ms', 'step']);
    const mean = (xs: { loss: number }[]) => xs.reduce((s, r) => s + r.loss, 0) / xs.length;
    expect(mean(steps.slice(-20))).toBeLessThan(0.6 * mean(steps.slice(0, 10)));
    expect(m.filter((r) => 'mIoU' in r).map((r) => r.step)).toEqual([75, 150]);
    const ev = JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8'));
    expect(ev.classes).toEqual(['background', 'disc', 'square', 'triangle', 'stripes']);
    expect(ev.mIoU).toBeGreaterThan(0.4); // the per-pixel colour baseline is ~0.3 (src/train/learning.test.ts)
    expect(ev.perClassIoU).toHaveLength(5);
    expect(ev.confusion).toHaveLength(5);
    const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ steps: 150, batch: 8, lrHead: 1e-3, schedule: 'poly', freeze: 'none', augment: true });
  });

  it('a model exported by vfm-lab brings back the normalisation it was trained with', () => {
    const [a, b] = [join(dir, 'norm-a'), join(dir, 'norm-b')];
    const common = ['--data', demo, '--steps', '1', '--batch', '2', '--no-augment'];
    let r = cli('train', '--model', join(demo, 'model.safetensors'), '--out', a, ...common, '--mean', '0.5,0.5,0.5', '--std', '0.25,0.25,0.25');
    expect(r.code, r.stderr).toBe(0);
    r = cli('train', '--model', join(a, 'model.safetensors'), '--out', b, ...common);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(b, 'config.json'), 'utf8'))).toMatchObject({ family: 'vit', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
  });

  it('predict writes a class-id mask per image', () => {
    const out = join(dir, 'masks');
    const r = cli('predict', '--model', join(run, 'model.safetensors'), '--input', join(demo, 'val', 'images'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const files = readdirSync(out);
    expect(files).toHaveLength(16);
    const mask = decodeMask(readFileSync(join(out, files[0])), files[0]);
    expect([mask.width, mask.height]).toEqual([64, 64]);
    expect(Math.max(...mask.data)).toBeLessThan(5);
  });

  it('a saved model reloads and reproduces its evaluation', () => {
    const again = join(dir, 'again');
    // a constant zero learning rate: training leaves the weights as saved; the final eval must match
    const r = cli('train', '--model', join(run, 'model.safetensors'), '--data', demo, '--out', again, '--steps', '1', '--batch', '8',
      '--lr-head', '0', '--lr-encoder', '0', '--weight-decay', '0', '--schedule', 'constant');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('new linear decoder');
    const a = JSON.parse(readFileSync(join(run, 'eval.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(again, 'eval.json'), 'utf8'));
    expect(b.mIoU).toBeCloseTo(a.mIoU, 10);
    expect(b.confusion).toEqual(a.confusion);
  });

  it('no-shuffle without augmentation is deterministic: the same run twice gives the same losses', () => {
    const go = (out: string) => cli('train', '--model', join(demo, 'model.safetensors'), '--data', demo, '--out', out, '--steps', '4', '--batch', '4', '--no-shuffle', '--no-augment');
    expect(go(join(dir, 'd1')).code).toBe(0);
    expect(go(join(dir, 'd2')).code).toBe(0);
    expect(rows(join(dir, 'd1')).map((r) => r.loss)).toEqual(rows(join(dir, 'd2')).map((r) => r.loss));
  });

  it('a frozen encoder without augmentation trains the decoder on cached features', () => {
    const out = join(dir, 'probe');
    const r = cli('train', '--model', join(demo, 'model.safetensors'), '--data', demo, '--out', out, '--steps', '30', '--batch', '8',
      '--freeze', 'encoder', '--no-augment', '--lr-head', '1e-2');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('linear probe: the frozen encoder ran once per training image');
    const losses = rows(out).filter((x) => 'loss' in x).map((x) => x.loss);
    expect(losses.at(-1)).toBeLessThan(losses[0]);
  });

  it('--model PRESET reads the preset from --cache-dir, or says how to get it', () => {
    const cache = join(dir, 'cache');
    const args = (model: string) => ['train', '--model', model, '--data', demo, '--out', join(dir, 'preset-run'), '--steps', '2', '--batch', '2', '--cache-dir', cache];
    const missing = cli(...args('vit_base_patch16_224.mae'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(`not in the cache folder ${cache}`);
    expect(missing.stderr).toContain('https://huggingface.co/timm/vit_base_patch16_224.mae/resolve/main/model.safetensors');
    const beit = cli(...args('beit3_base_patch16_224'));
    expect(beit.code).not.toBe(0);
    expect(beit.stderr).toMatch(/unavailable — BEiT-3 has no timm checkpoint/);
    // a (tiny) file in the cache under the preset's name is used, with the preset's family and normalisation
    cpSync(join(demo, 'model.safetensors'), join(cache, 'vit_base_patch16_224.mae.safetensors'));
    const ok = cli(...args('vit_base_patch16_224.mae'));
    expect(ok.code, ok.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'preset-run', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ preset: 'vit_base_patch16_224.mae', family: 'vit', mean: [0.485, 0.456, 0.406] });
  });

  it('every dataset refusal reaches the user as one line naming the file, exit ≠ 0, no stack trace', () => {
    const variant = (name: string, change: (root: string) => void) => {
      const root = join(dir, `bad-${name}`);
      cpSync(demo, root, { recursive: true });
      change(root);
      return root;
    };
    const png = (w: number, h: number, v: number) => Buffer.from(encodePng(w, h, 1, new Uint8Array(w * h).fill(v)));
    const cases: [string, (root: string) => void, RegExp][] = [
      ['size', (r) => writeFileSync(join(r, 'train/masks/0002.png'), png(32, 64, 0)), /0002\.png.*32×64.*64×64/],
      ['missing-mask', (r) => rmSync(join(r, 'val/masks/0001.png')), /missing mask.*val\/images\/0001\.png/],
      ['label', (r) => writeFileSync(join(r, 'train/masks/0004.png'), png(64, 64, 9)), /0004\.png.*label 9/],
      ['truncated', (r) => writeFileSync(join(r, 'train/images/0005.png'), readFileSync(join(r, 'train/images/0005.png')).subarray(0, 200)), /0005\.png/],
      ['not-image', (r) => writeFileSync(join(r, 'train/images/0006.png'), Buffer.from('hello, not an image')), /0006\.png.*not an image/],
      ['empty', (r) => { rmSync(r, { recursive: true }); mkdirSync(r); }, /empty/],
      ['no-masks-folder', (r) => rmSync(join(r, 'train/masks'), { recursive: true }), /masks/],
    ];
    for (const [name, change, message] of cases) {
      const r = cli('train', '--model', join(demo, 'model.safetensors'), '--data', variant(name, change), '--out', join(dir, 'x'), '--steps', '1');
      expect(r.code, name).not.toBe(0);
      expect(r.stderr, name).toMatch(message);
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
    }
  });

  it('refuses bad input with one clear line naming the file, exit code ≠ 0, no stack trace', () => {
    const broken = join(dir, 'broken');
    cpSync(demo, broken, { recursive: true });
    writeFileSync(join(broken, 'train', 'masks', '0003.png'), Buffer.from('not a png at all'));
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(bad, Buffer.from('garbage'));
    const cases: [string[], RegExp][] = [
      [['train', '--model', join(demo, 'model.safetensors'), '--data', broken, '--out', join(dir, 'x')], /0003\.png/],
      [['train', '--model', bad, '--data', demo, '--out', join(dir, 'x')], /bad\.safetensors: not a safetensors file/],
      [['train', '--model', join(dir, 'nope.safetensors'), '--data', demo, '--out', join(dir, 'x')], /nope\.safetensors/],
      [['train', '--model', join(demo, 'model.safetensors'), '--data', join(dir, 'missing'), '--out', join(dir, 'x')], /missing/],
      [['train', '--model', join(demo, 'model.safetensors'), '--data', demo, '--out', join(dir, 'x'), '--freeze', 'sometimes'], /--freeze/],
      [['train', '--data', demo], /--model is required/],
      [['frobnicate'], /unknown command "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
