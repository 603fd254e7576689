/**
 * `vfm-lab benchmark` as a user runs it (a child process): three tiny backbones of three families
 * trained with the same settings, one run folder each, and a leaderboard best first whose every
 * row equals what `vfm-lab train` gives for that model alone. Bad input is refused before training.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MODEL, makeTinyVit, type TinyVitOptions } from '../model/demo';
import { writeSafetensors } from '../model/safetensors';

const bin = new URL('../../bin/vfm-lab.mjs', import.meta.url).pathname;
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('vfm-lab benchmark', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfm-bench-'));
  const demo = join(dir, 'demo');
  const other = join(dir, 'demo-seed-1'); // the same classes, other images: the cross-dataset split
  const out = join(dir, 'bench');
  // three families the loader tells apart by their keys: plain ViT, DINOv2 (registers, layer scale), CLIP (norm_pre)
  const backbones: [string, string, TinyVitOptions][] = [
    ['vit', 'vit', { seed: 1 }],
    ['dino', 'dinov2', { seed: 2, regTokens: 2, layerScale: true }],
    ['clip', 'clip', { seed: 3, preNorm: true, patchBias: false }],
  ];
  const modelPath = (name: string) => join(dir, 'models', name, 'model.safetensors');
  // the same settings for every run: augmentation and shuffling on, keyed by the seed
  const settings = ['--data', demo, '--steps', '4', '--batch', '4', '--eval-every', '2', '--seed', '3', '--lr-head', '1e-3'];
  let bench: ReturnType<typeof cli>;

  beforeAll(() => {
    expect(cli('make-demo', '--out', demo).code).toBe(0);
    expect(cli('make-demo', '--out', other, '--seed', '1').code).toBe(0);
    for (const [name, , o] of backbones) {
      mkdirSync(join(dir, 'models', name), { recursive: true });
      writeFileSync(modelPath(name), writeSafetensors(makeTinyVit({ ...DEMO_MODEL, ...o }), { format: 'pt' }));
    }
    const models = backbones.map(([name]) => `${name}=${modelPath(name)}`).join(',');
    bench = cli('benchmark', '--models', models, '--out', out, ...settings, '--cross-data', other);
    expect(bench.code, bench.stderr).toBe(0);
  }, 300_000);

  it('trains each model into OUT/<name>/ with the files of train, and ranks them best first', () => {
    for (const [name, family] of backbones) {
      for (const f of ['model.safetensors', 'eval.json', 'metrics.jsonl', 'config.json']) expect(existsSync(join(out, name, f)), `${name}/${f}`).toBe(true);
      expect(json(join(out, name, 'config.json'))).toMatchObject({ family, steps: 4, batch: 4, seed: 3, lrHead: 1e-3, augment: true, shuffle: true });
    }
    const board = json(join(out, 'leaderboard.json'));
    expect(board.classes).toEqual(['background', 'disc', 'square', 'triangle', 'stripes']);
    expect(board.rows.map((r: { model: string }) => r.model).sort()).toEqual(['clip', 'dino', 'vit']);
    const scores = board.rows.map((r: { mIoU: number }) => r.mIoU);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const r of board.rows) {
      const ev = json(join(out, r.model, 'eval.json'));
      expect(r.mIoU).toBe(ev.mIoU);
      expect(r.perClassIoU).toEqual(ev.perClassIoU);
      expect(r.family).toBe(backbones.find(([n]) => n === r.model)![1]);
      const ms = readFileSync(join(out, r.model, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((x) => 'loss' in x).map((x) => x.ms);
      const sorted = [...ms].sort((a, b) => a - b);
      expect(r).toMatchObject({ recipe: 'demo', steps: 4, msPerStep: (sorted[1] + sorted[2]) / 2 });
      expect(r.imgPerSec).toBeCloseTo((4 * 4 * 1000) / ms.reduce((s: number, x: number) => s + x, 0), 6);
      expect(r.memoryPlanBytes).toBeGreaterThan(0);
      expect(r.wallSeconds).toBeGreaterThan(0);
    }
  });

  it('writes the same ranking as CSV and Markdown, and prints the Markdown', () => {
    const board = json(join(out, 'leaderboard.json'));
    const csv = readFileSync(join(out, 'leaderboard.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toMatch(/^rank,model,family,recipe,mIoU,/);
    expect(csv.slice(1, 4).map((l) => l.split(',').slice(0, 2))).toEqual(board.rows.map((r: { model: string }, i: number) => [String(i + 1), r.model]));
    const md = readFileSync(join(out, 'leaderboard.md'), 'utf8');
    board.rows.forEach((r: { model: string; mIoU: number }, i: number) => expect(md).toContain(`| ${i + 1} | ${r.model} |`));
    expect(bench.stdout).toBe(md);
  });

  it('each row equals vfm-lab train for that model alone with the same settings', () => {
    const board = json(join(out, 'leaderboard.json'));
    for (const [name] of backbones) {
      const alone = join(dir, `alone-${name}`);
      const r = cli('train', '--model', modelPath(name), '--out', alone, ...settings);
      expect(r.code, r.stderr).toBe(0);
      const ev = json(join(alone, 'eval.json'));
      const row = board.rows.find((x: { model: string }) => x.model === name);
      expect(row.mIoU, name).toBe(ev.mIoU);
      expect(row.perClassIoU, name).toEqual(ev.perClassIoU);
    }
  }, 300_000);

  it('the cross-dataset column equals evaluating the saved model on the second dataset (a zero learning-rate step)', () => {
    const board = json(join(out, 'leaderboard.json'));
    const row = board.rows[0];
    expect(row.crossDataset.dataset).toBe('demo-seed-1');
    const again = join(dir, 'cross-check');
    const r = cli('train', '--model', join(out, row.model, 'model.safetensors'), '--data', other, '--out', again, '--steps', '1', '--batch', '4',
      '--lr-head', '0', '--lr-encoder', '0', '--weight-decay', '0', '--schedule', 'constant');
    expect(r.code, r.stderr).toBe(0);
    expect(row.crossDataset.mIoU).toBe(json(join(again, 'eval.json')).mIoU);
    expect(row.crossDataset.mIoU).not.toBe(row.mIoU); // another dataset: another score
    expect(readFileSync(join(out, 'leaderboard.csv'), 'utf8').split('\r\n')[0]).toContain('cross_dataset,cross_dataset_mIoU');
  }, 300_000);

  it('refuses bad input before any model trains, with one line that names the problem', () => {
    const fresh = join(dir, 'refused');
    const renamed = join(dir, 'renamed');
    cpSync(other, renamed, { recursive: true });
    const classes = json(join(renamed, 'classes.json'));
    classes[0].name = 'sky';
    writeFileSync(join(renamed, 'classes.json'), JSON.stringify(classes));
    const a = modelPath('vit'), b = modelPath('dino');
    const cases: [string[], RegExp][] = [
      [['--models', `${a},${b}`, '--out', fresh], /both be named "model"; name them apart with NAME=MODEL/],
      [['--models', `x=${a},y=${join(dir, 'missing.safetensors')}`, '--out', fresh, '--steps', '0'], /--steps must be a whole number ≥ 1/],
      [['--models', `../up=${a}`, '--out', fresh], /"\.\.\/up" cannot name a run folder/],
      [['--models', `x=${a}`, '--model', a, '--out', fresh], /--model is not a benchmark option/],
      [['--models', `x=${a}`], /--out is required/],
      [['--out', fresh], /--models is required/],
      [['--models', `x=${a}`, '--out', fresh, '--cross-data', join(dir, 'nowhere')], /nowhere/],
      [['--models', `x=${a}`, '--out', fresh, '--cross-data', renamed], /--cross-data .*renamed: its classes \(sky, disc, square, triangle, stripes\) are not those of --data/],
    ];
    for (const [args, message] of cases) {
      const r = cli('benchmark', ...args, '--data', demo);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(fresh, 'x'))).toBe(false);
    }
    // a finished run in the way of the second model: the first is not trained either
    const r = cli('benchmark', '--models', `first=${a},vit=${b}`, '--out', out, ...settings);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/bench\/vit already holds a finished run.*--overwrite/);
    expect(existsSync(join(out, 'first'))).toBe(false);
  });
});
