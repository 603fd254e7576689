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
import { VOC_CLASSES } from '../data/classes';
import { makeTinyVit } from '../model/demo';
import { makeTinySam } from '../model/families/sam-testing';
import { resamplePosEmbed } from '../model/resample';
import { readSafetensors, writeSafetensors } from '../model/safetensors';
import { atCrop, benchmarkConfig, benchmarkWeights, checkArchitecture, checkClasses, checkSamTables, fromBenchmarkKey, toBenchmarkKey } from './export-benchmark';

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

  it('continues at the benchmark schedule by default (pos_embed resampled to its crop) or at the run\'s with --keep-run-settings; refuses other classes or another architecture, naming both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-export-'));
    const demo = join(dir, 'demo'), run = join(dir, 'run'), model = join(dir, 'tiny.safetensors');
    expect(cli('make-demo', '--out', demo).status).toBe(0);
    writeFileSync(join(demo, 'classes.json'), JSON.stringify(VOC_CLASSES)); // the demo's ids 0…4 under VOC's 21 names
    writeFileSync(model, writeSafetensors(makeTinyVit({ embedDim: 192, depth: 12, grid: 2, patchSize: 16, seed: 4 }))); // timm's vit_tiny: 192 wide, 12 deep
    const t = cli('train', '--model', model, '--heads', '3', '--data', demo, '--out', run, '--crop', '32', '--steps', '1', '--batch', '2');
    expect(t.status, t.stderr).toBe(0);
    const ours = readSafetensors(readFileSync(join(run, 'model.safetensors')), 'model');
    const check = (to: string, crop: number) => {
      const theirs = readSafetensors(readFileSync(join(to, 'weights.safetensors')), 'weights');
      expect(theirs.size).toBe(ours.size + 2); // + network.pixel_mean, network.pixel_std
      for (const [name, t2] of theirs) {
        const back = fromBenchmarkKey(name);
        if (back === undefined) { expect(name).toMatch(/^network\.pixel_(mean|std)$/); continue; }
        expect(t2, name).toEqual(back === 'pos_embed' && crop !== 32 ? resamplePosEmbed(ours.get(back)!, 1, [crop / 16, crop / 16]) : ours.get(back));
      }
      expect(readFileSync(join(to, 'vfm_lab_weights.py'), 'utf8')).toBe(readFileSync(new URL('./vfm_lab_weights.py', import.meta.url), 'utf8'));
      return readFileSync(join(to, 'config.yaml'), 'utf8');
    };
    const bench = join(dir, 'bench');
    const r = cli('export-benchmark', '--run', run, '--to', bench, '--dataset', 'voc', '--encoder-name', 'vit_tiny_patch16_224');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("config.yaml: the benchmark's voc schedule (20000 steps, crop 512, batch 1 × accumulation 16, lr 0.0001 (encoder 0.00001), weight decay 0.05); --keep-run-settings writes this run's instead; position embeddings resampled from the run's 32-pixel crop to 512");
    const yaml = check(bench, 512);
    expect(theirsShape(bench, 'network.encoder.pos_embed')).toEqual([1, 1 + 32 * 32, 192]);
    for (const line of ['max_steps: 20000', 'img_size: [512, 512]', 'batch_size: 1', 'accumulate_grad_batches: 16', 'class_path: datasets.pascal_voc.PascalVOC',
      'encoder_name: vit_tiny_patch16_224', '- class_path: vfm_lab_weights.LoadVfmLabWeights', '- class_path: lightning.pytorch.callbacks.ModelSummary']) expect(yaml).toContain(line);
    const kept = join(dir, 'kept');
    const k = cli('export-benchmark', '--run', run, '--to', kept, '--dataset', 'voc', '--encoder-name', 'vit_tiny_patch16_224', '--keep-run-settings');
    expect(k.status, k.stderr).toBe(0);
    expect(k.stderr).toContain("config.yaml: this run's settings (1 steps, crop 32, batch 2 × accumulation 1");
    expect(check(kept, 32)).toContain('img_size: [32, 32]');
    expect(readFileSync(join(kept, 'README.md'), 'utf8')).toContain('PYTHONPATH=/path/to/this/folder python main.py fit -c /path/to/this/folder/config.yaml');

    const refused = (args: string[]) => cli('export-benchmark', '--run', run, '--to', join(dir, 'x'), ...args);
    const classes = refused(['--dataset', 'ade20k', '--encoder-name', 'vit_tiny_patch16_224']);
    expect(classes.status).toBe(1);
    expect(classes.stderr).toContain(`${join(run, 'config.json')} has 21 (background, aeroplane, bicycle, bird, …) classes; --dataset ade20k has 150 (wall, building, sky, floor, …)`);
    const arch = refused(['--dataset', 'voc', '--encoder-name', 'vit_base_patch16_224']);
    expect(arch.status).toBe(1);
    expect(arch.stderr).toContain('is vit, dim 192, depth 12, but --encoder-name vit_base_patch16_224 builds vit, dim 768, depth 12');
    expect(refused(['--encoder-name', 'vit_tiny_patch16_224']).stderr).toContain('pass --dataset ade20k|voc|cityscapes');
  }, 300_000);
});

const theirsShape = (to: string, key: string) => readSafetensors(readFileSync(join(to, 'weights.safetensors')), 'weights').get(key)!.shape;

describe('export-benchmark: what --encoder-name builds, and the crop', () => {
  const arch = (embedDim: number, depth: number, regTokens = 0) => ({ embedDim, depth, regTokens });
  it("accepts the run's own architecture by timm name and refuses another, naming both", () => {
    expect(() => checkArchitecture('dinov2', arch(768, 12), 'vit_base_patch14_dinov2', 'r')).not.toThrow();
    expect(() => checkArchitecture('vit', arch(768, 12), 'vit_base_patch14_dinov2', 'r')).not.toThrow(); // DINOv2 without registers loads as 'vit': one timm class
    expect(() => checkArchitecture('dinov2', arch(768, 12, 4), 'vit_base_patch14_reg4_dinov2.lvd142m', 'r')).not.toThrow();
    expect(() => checkArchitecture('dinov2', arch(768, 12), 'vit_base_patch14_reg4_dinov2.lvd142m', 'r')).toThrow('r is dinov2, dim 768, depth 12, but --encoder-name vit_base_patch14_reg4_dinov2.lvd142m builds dinov2, dim 768, depth 12, 4 registers');
    expect(() => checkArchitecture('eva02', arch(1024, 24), 'eva02_large_patch14_224.mim_m38m', 'r')).not.toThrow();
    expect(() => checkArchitecture('clip-quickgelu', arch(768, 12), 'vit_base_patch16_clip_quickgelu_224.openai', 'r')).not.toThrow();
    expect(() => checkArchitecture('clip-quickgelu', arch(768, 12), 'vit_base_patch16_clip_224.openai', 'r')).toThrow(/builds clip, dim 768, depth 12 \(timm builds OpenAI CLIP with QuickGELU as vit_base_patch16_clip_quickgelu_224\.openai\)/);
    expect(() => checkArchitecture('sam', arch(768, 12), 'samvit_base_patch16.sa1b', 'r')).not.toThrow();
    expect(() => checkArchitecture('vit', arch(64, 2), 'my_model', 'r')).toThrow(/my_model is not a timm model name with a size .* r is vit, dim 64, depth 2/);
  });

  it('checks the classes by name, in order, ignoring case', () => {
    expect(() => checkClasses(VOC_CLASSES.map((c) => c.toUpperCase()), 'voc', 'c.json')).not.toThrow();
    expect(() => checkClasses([...VOC_CLASSES].reverse(), 'voc', 'c.json')).toThrow(/c\.json has 21 \(tvmonitor, .* classes; --dataset voc has 21 \(background, /);
  });

  it("resamples a patch-only pos_embed (DINOv2 with registers) to the config's crop; a SAM model at another crop is refused", () => {
    const c = { embedDim: 2, depth: 1, heads: 1, patchSize: 16, mlpHidden: 4, clsTokens: 1, regTokens: 4, posEmbed: 'patch-only' as const, layerScale: true,
      preNorm: false, qkvBias: true, patchBias: true, normEps: 1e-6, act: 'gelu' as const, numClasses: 2 };
    const pos = { shape: [1, 4, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const w = atCrop(new Map([['pos_embed', pos]]), c, 'dinov2', 48, 'm');
    expect(w.get('pos_embed')).toEqual(resamplePosEmbed(pos, 0, [3, 3]));
    expect(w.get('pos_embed')!.shape).toEqual([1, 9, 2]);
    expect(atCrop(new Map([['pos_embed', pos]]), c, 'dinov2', 32, 'm').get('pos_embed')).toBe(pos); // the run's crop: unchanged
    const sam = new Map([['pos_embed', { shape: [1, 2, 2, 2], data: new Float32Array(8) }]]);
    expect(atCrop(sam, { ...c, clsTokens: 0, regTokens: 0 }, 'sam', 32, 'm')).toBe(sam); // at its own crop
    expect(() => atCrop(sam, { ...c, clsTokens: 0, regTokens: 0 }, 'sam', 64, 'm')).toThrow(/SAM model at another crop.*--keep-run-settings/);
  });
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

  it("a SAM run under a benchmark recipe has the benchmark's 2·n+1 tables and no neck under its names; under the demo recipe its tables are refused", () => {
    // (a tiny SAM is no timm model, so the CLI would refuse its --encoder-name; the export's steps run here directly)
    const dir = mkdtempSync(join(tmpdir(), 'vfm-export-sam-'));
    const demo = join(dir, 'demo'), model = join(dir, 'sam.safetensors');
    expect(cli('make-demo', '--out', demo).status).toBe(0);
    writeFileSync(model, writeSafetensors(makeTinySam()));
    const train = (recipe: string, out: string) => {
      const t = cli('train', '--recipe', recipe, '--model', model, '--data', demo, '--out', out, '--crop', '32', '--steps', '1', '--batch', '1', '--accum', '1');
      expect(t.status, t.stderr).toBe(0);
      return readSafetensors(readFileSync(join(out, 'model.safetensors')), 'model');
    };
    const ours = train('benchmark', join(dir, 'bench-run'));
    // crop 32, patch 4: grid 8, window 4 (as pretrained): 2·4+1 = 9 rows in block 0, 2·8+1 = 17 in the global block 1
    expect(() => checkSamTables(ours, 4, 8, 'model')).not.toThrow();
    const theirs = benchmarkWeights(ours, [0, 0, 0], [1, 1, 1]);
    expect(theirs.get('network.encoder.blocks.0.attn.rel_pos_h')!.shape).toEqual([9, 16]);
    expect(theirs.get('network.encoder.blocks.1.attn.rel_pos_w')!.shape).toEqual([17, 16]);
    expect([...theirs.keys()].filter((k) => k.includes('neck'))).toEqual([]);
    const demoRun = train('demo', join(dir, 'demo-run'));
    expect(() => checkSamTables(demoRun, 4, 8, 'model')).toThrow(/"blocks\.0\.attn\.rel_pos_[hw]" has 7 rows/);
  }, 300_000);
});
