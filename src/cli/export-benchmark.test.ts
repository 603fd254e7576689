/**
 * `vfm-lab export-benchmark`: parameter names against tue-mps/benchmark-vfm-ss's modules
 * (training/lightning_module.py `self.network`, models/encoder.py `self.encoder = timm.create_model`,
 * models/linear_decoder.py `self.head = nn.Linear`), the config in its LightningCLI format, and
 * a round trip of the exported weights through a real run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTinySam } from '../model/families/sam-testing';
import { readSafetensors, writeSafetensors } from '../model/safetensors';
import { benchmarkConfig, benchmarkWeights, checkSamTables, fromBenchmarkKey, toBenchmarkKey } from './export-benchmark';

const bin = new URL('../../bin/vfm-lab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });

describe('export-benchmark', () => {
  it("maps timm keys under network.encoder., the decoder to network.head, and back", () => {
    expect(toBenchmarkKey('blocks.11.attn.qkv.weight')).toBe('network.encoder.blocks.11.attn.qkv.weight');
    expect(toBenchmarkKey('pos_embed')).toBe('network.encoder.pos_embed');
    expect(toBenchmarkKey('rope.freqs')).toBe('network.encoder.rope.freqs');
    expect(toBenchmarkKey('seg_head.weight')).toBe('network.head.weight');
    expect(toBenchmarkKey('seg_head.bias')).toBe('network.head.bias');
    for (const k of ['blocks.0.norm1.weight', 'cls_token', 'seg_head.weight', 'seg_head.bias']) expect(fromBenchmarkKey(toBenchmarkKey(k))).toBe(k);
    expect(fromBenchmarkKey('network.pixel_mean')).toBeUndefined();
    const w = benchmarkWeights(new Map([['seg_head.bias', { shape: [2], data: Float32Array.from([1, 2]) }]]), [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);
    expect(w.get('network.pixel_std')).toEqual({ shape: [1, 3, 1, 1], data: Float32Array.from([0.25, 0.25, 0.25]) });
  });

  it("writes configs/*_linear_semantic.yaml's fields with the run's values", () => {
    const s = { steps: 40000, crop: 512, batch: 1, accum: 16, lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05, freeze: 'none', schedule: 'poly', evalEvery: 0 };
    const yaml = benchmarkConfig(s, 'ade20k', 'vit_base_patch14_dinov2');
    for (const line of ['max_steps: 40000', 'val_check_interval: 1000', 'accumulate_grad_batches: 16', 'class_path: training.linear_semantic.LinearSemantic',
      'lr: 0.0001', 'lr_multiplier_encoder: 0.1', 'weight_decay: 0.05', 'freeze_encoder: false', 'class_path: models.linear_decoder.LinearDecoder',
      'encoder_name: vit_base_patch14_dinov2', 'class_path: datasets.ade20k.ADE20K', 'img_size: [512, 512]', 'batch_size: 1']) {
      expect(yaml).toContain(line);
    }
    expect(() => benchmarkConfig({ ...s, freeze: 'last:2' }, 'voc', 'x')).toThrow(/freeze_encoder.*--freeze last:2/);
  });

  it('a finished run round-trips: every tensor comes back under its own name, unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-export-'));
    const demo = join(dir, 'demo'), run = join(dir, 'run'), to = join(dir, 'bench');
    expect(cli('make-demo', '--out', demo).status).toBe(0);
    const t = cli('train', '--model', join(demo, 'model.safetensors'), '--data', demo, '--out', run, '--steps', '1', '--batch', '2');
    expect(t.status, t.stderr).toBe(0);
    const refused = cli('export-benchmark', '--run', run, '--to', to);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('pass --dataset ade20k|voc|cityscapes');
    const r = cli('export-benchmark', '--run', run, '--to', to, '--dataset', 'voc', '--encoder-name', 'vit_base_patch16_224');
    expect(r.status, r.stderr).toBe(0);
    const ours = readSafetensors(readFileSync(join(run, 'model.safetensors')), 'model');
    const theirs = readSafetensors(readFileSync(join(to, 'weights.safetensors')), 'weights');
    expect(theirs.size).toBe(ours.size + 2); // + network.pixel_mean, network.pixel_std
    for (const [name, t2] of theirs) {
      const back = fromBenchmarkKey(name);
      if (back === undefined) { expect(name).toMatch(/^network\.pixel_(mean|std)$/); continue; }
      expect(t2).toEqual(ours.get(back));
    }
    expect(readFileSync(join(to, 'config.yaml'), 'utf8')).toContain('class_path: datasets.pascal_voc.PascalVOC');
    expect(readFileSync(join(to, 'README.md'), 'utf8')).toContain('python main.py fit -c /path/to/config.yaml');
  }, 300_000);
});

describe('export-benchmark: SAM', () => {
  it("maps SAM's keys like every timm key (network.encoder.K); rel-pos tables must have the benchmark's 2·n+1 rows", () => {
    expect(toBenchmarkKey('blocks.0.attn.rel_pos_h')).toBe('network.encoder.blocks.0.attn.rel_pos_h');
    expect(fromBenchmarkKey('network.encoder.blocks.1.attn.rel_pos_w')).toBe('blocks.1.attn.rel_pos_w');
    const table = (rows: number) => ({ shape: [rows, 8], data: new Float32Array(rows * 8) });
    // crop 512, patch 16: window 7, grid 32
    const ok = new Map([['blocks.0.attn.rel_pos_h', table(15)], ['blocks.2.attn.rel_pos_h', table(65)], ['blocks.0.norm1.weight', table(1)]]);
    expect(() => checkSamTables(ok, 7, 32, 'm.safetensors')).not.toThrow();
    ok.set('blocks.3.attn.rel_pos_w', table(13)); // 2·7−1: the checkpoint-length rule
    expect(() => checkSamTables(ok, 7, 32, 'm.safetensors')).toThrow(/m.safetensors: "blocks.3.attn.rel_pos_w" has 13 rows; .* 2·7\+1 = 15 .* 2·32\+1 = 65 .*--recipe benchmark/);
  });

  it('a SAM run under a benchmark recipe exports with 2·n+1 tables and no neck, and round-trips; under the demo recipe it is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-export-sam-'));
    const demo = join(dir, 'demo'), model = join(dir, 'sam.safetensors');
    expect(cli('make-demo', '--out', demo).status).toBe(0);
    writeFileSync(model, writeSafetensors(makeTinySam()));
    const train = (recipe: string, out: string) => {
      const t = cli('train', '--recipe', recipe, '--model', model, '--data', demo, '--out', out, '--crop', '32', '--steps', '1', '--batch', '1', '--accum', '1');
      expect(t.status, t.stderr).toBe(0);
    };
    const run = join(dir, 'bench-run'), to = join(dir, 'bench');
    train('benchmark', run);
    const r = cli('export-benchmark', '--run', run, '--to', to, '--dataset', 'ade20k', '--encoder-name', 'samvit_base_patch16.sa1b');
    expect(r.status, r.stderr).toBe(0);
    const theirs = readSafetensors(readFileSync(join(to, 'weights.safetensors')), 'weights');
    const ours = readSafetensors(readFileSync(join(run, 'model.safetensors')), 'model');
    // crop 32, patch 4: grid 8, window 4 (as pretrained): 2·4+1 = 9 rows in block 0, 2·8+1 = 17 in the global block 1
    expect(theirs.get('network.encoder.blocks.0.attn.rel_pos_h')!.shape).toEqual([9, 16]);
    expect(theirs.get('network.encoder.blocks.1.attn.rel_pos_w')!.shape).toEqual([17, 16]);
    expect([...theirs.keys()].filter((k) => k.includes('neck'))).toEqual([]);
    for (const [name, t] of theirs) {
      const back = fromBenchmarkKey(name);
      if (back !== undefined) expect(t).toEqual(ours.get(back));
    }
    const demoRun = join(dir, 'demo-run');
    train('demo', demoRun);
    const refused = cli('export-benchmark', '--run', demoRun, '--to', join(dir, 'x'), '--dataset', 'ade20k', '--encoder-name', 'samvit_base_patch16.sa1b');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/"blocks\.0\.attn\.rel_pos_[hw]" has 7 rows/);
  }, 300_000);
});
