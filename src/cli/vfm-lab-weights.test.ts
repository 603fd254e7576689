/**
 * The exported callback's loading code (vfm_lab_weights.py) on Debian's python3-torch, against a
 * stand-in LightningModule with the benchmark's attribute names (training/lightning_module.py
 * `self.network`; models/encoder.py `self.encoder`, buffers `pixel_mean`/`pixel_std`;
 * models/linear_decoder.py `self.head`). The weights file is the one our export writes
 * (`benchmarkWeights` + `writeSafetensors`). Skipped, saying so, only where torch is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSafetensors, type HostTensor } from '../model/safetensors';
import { benchmarkConfig, benchmarkSchedule, benchmarkWeights } from './export-benchmark';

const PYTHON = '/usr/bin/python3'; // Debian's, with python3-torch (the python3 on PATH may be another)
const hasTorch = spawnSync(PYTHON, ['-B', '-c', 'import torch'], { encoding: 'utf8' }).status === 0;
if (!hasTorch) console.log(`skipped: vfm_lab_weights.py's test needs torch in ${PYTHON} (Debian: apt-get install python3-torch)`);

const here = new URL('.', import.meta.url).pathname;
/** Builds the stand-in (optionally wrapped as torch.compile wraps, `_orig_mod`), loads the file, prints what the module holds. */
const STAND_IN = `
import json, sys, torch, torch.nn as nn
sys.path.insert(0, sys.argv[1])
from vfm_lab_weights import load_vfm_lab_weights

class Encoder(nn.Module):           # a timm ViT's names: pos_embed, blocks.0.attn.qkv, fc_norm (built, never run)
    def __init__(self):
        super().__init__()
        self.pos_embed = nn.Parameter(torch.zeros(1, 5, 4))
        self.blocks = nn.ModuleList([nn.Module()])
        self.blocks[0].attn = nn.Module()
        self.blocks[0].attn.qkv = nn.Linear(4, 12)
        self.fc_norm = nn.LayerNorm(4)

class LinearDecoder(nn.Module):     # models/linear_decoder.py: Encoder's buffers + self.encoder + self.head
    def __init__(self, classes):
        super().__init__()
        self.register_buffer('pixel_mean', torch.zeros(1, 3, 1, 1))
        self.register_buffer('pixel_std', torch.ones(1, 3, 1, 1))
        self.encoder = Encoder()
        self.head = nn.Linear(4, classes)

class Compiled(nn.Module):          # what torch.compile's OptimizedModule puts in the names
    def __init__(self, inner):
        super().__init__()
        self._orig_mod = inner

class Module(nn.Module):            # training/lightning_module.py: self.network
    def __init__(self, compiled, classes):
        super().__init__()
        net = LinearDecoder(classes)
        self.network = Compiled(net) if compiled else net

m = Module(sys.argv[3] == 'compiled', int(sys.argv[4]))
try:
    kept = load_vfm_lab_weights(m, sys.argv[2])
except RuntimeError as e:
    print(json.dumps({'error': str(e)})); sys.exit(0)
print(json.dumps({'kept': kept, 'state': {k.replace('_orig_mod.', ''): v.flatten().tolist() for k, v in m.state_dict().items()}}))
`;

const tensor = (shape: number[], seed: number): HostTensor => ({ shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.fround(Math.sin(seed + i))) });
/** Our side of a run: timm keys and the decoder, as a vfm-lab model holds them. */
const ours = (classes = 3) => new Map<string, HostTensor>([
  ['pos_embed', tensor([1, 5, 4], 1)], ['blocks.0.attn.qkv.weight', tensor([12, 4], 2)], ['blocks.0.attn.qkv.bias', tensor([12], 3)],
  ['seg_head.weight', tensor([classes, 4], 4)], ['seg_head.bias', tensor([classes], 5)],
]);

function load(weights: Map<string, HostTensor>, compiled: boolean, classes = 3, rename = (k: string) => k) {
  const dir = mkdtempSync(join(tmpdir(), 'vfm-callback-'));
  const file = join(dir, 'weights.safetensors');
  const renamed = new Map([...benchmarkWeights(weights, [0.1, 0.2, 0.3], [0.4, 0.5, 0.6])].map(([k, t]) => [rename(k), t]));
  writeFileSync(file, writeSafetensors(renamed));
  const r = spawnSync(PYTHON, ['-B', '-c', STAND_IN, here, file, compiled ? 'compiled' : 'plain', String(classes)], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { error?: string; kept?: string[]; state?: Record<string, number[]> };
}

describe.skipIf(!hasTorch)('vfm_lab_weights.py (the exported callback) on a stand-in LightningModule', () => {
  for (const compiled of [false, true]) {
    it(`copies every exported tensor into the module under the benchmark's names${compiled ? ' (module compiled: _orig_mod. in its names)' : ''}; fc_norm keeps timm's values`, () => {
      const w = ours();
      const out = load(w, compiled);
      expect(out.error).toBeUndefined();
      expect(out.kept).toEqual(['network.encoder.fc_norm.bias', 'network.encoder.fc_norm.weight']);
      const expectClose = (got: number[], want: ArrayLike<number>, name: string) => { expect(got.length, name).toBe(want.length); got.forEach((v, i) => expect(v, name).toBeCloseTo(want[i], 6)); };
      expectClose(out.state!['network.encoder.pos_embed'], w.get('pos_embed')!.data, 'pos_embed');
      expectClose(out.state!['network.encoder.blocks.0.attn.qkv.weight'], w.get('blocks.0.attn.qkv.weight')!.data, 'qkv');
      expectClose(out.state!['network.head.weight'], w.get('seg_head.weight')!.data, 'head');
      expectClose(out.state!['network.head.bias'], w.get('seg_head.bias')!.data, 'head bias');
      expectClose(out.state!['network.pixel_mean'], [0.1, 0.2, 0.3], 'pixel_mean');
      expectClose(out.state!['network.pixel_std'], [0.4, 0.5, 0.6], 'pixel_std');
    });
  }

  it('reads names saved with _orig_mod. (a compiled module\'s checkpoint) into a plain module', () => {
    const out = load(ours(), false, 3, (k) => k.replace('network.', 'network._orig_mod.'));
    expect(out.error).toBeUndefined();
    expect(out.state!['network.head.bias'][0]).toBeCloseTo(Math.sin(5), 6);
  });

  it("config.yaml's trainer.callbacks names the callback class that vfm_lab_weights.py defines, loading the weights beside it by default", () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-callback-config-'));
    writeFileSync(join(dir, 'config.yaml'), benchmarkConfig(benchmarkSchedule('voc'), 'voc', 'vit_base_patch16_224'));
    const script = `
import importlib, json, os, sys
sys.path.insert(0, sys.argv[1])
try:
    import yaml
except ImportError:
    print(json.dumps({'skipped': 'python3-yaml is missing'})); sys.exit(0)
config = yaml.safe_load(open(os.path.join(sys.argv[2], 'config.yaml')))
paths = [c['class_path'] for c in config['trainer']['callbacks']]
ours = [p for p in paths if p.startswith('vfm_lab_weights.')]
module, name = ours[0].rsplit('.', 1)
callback = getattr(importlib.import_module(module), name)()
print(json.dumps({'paths': paths, 'weights': callback.path}))
`;
    const r = spawnSync(PYTHON, ['-B', '-c', script, here, dir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    if (out.skipped) return void console.log(`skipped: ${out.skipped}`);
    expect(out.paths).toEqual(['lightning.pytorch.callbacks.ModelSummary', 'vfm_lab_weights.LoadVfmLabWeights']);
    expect(out.weights).toBe(join(here, 'weights.safetensors')); // beside the module, wherever the folder is
  });

  it('refuses another shape or a missing parameter, naming the tensor', () => {
    expect(load(ours(3), false, 4).error).toMatch(/"network\.head\.(weight" has shape \[3, 4\], the module's is \[4, 4\]|bias" has shape \[3\], the module's is \[4\])/);
    const w = ours();
    w.delete('blocks.0.attn.qkv.bias');
    expect(load(w, false).error).toMatch(/the module's parameters network\.encoder\.blocks\.0\.attn\.qkv\.bias are not in the file/);
    w.set('blocks.9.mlp.fc1.weight', tensor([2, 2], 6));
    w.set('blocks.0.attn.qkv.bias', tensor([12], 3));
    expect(load(w, false).error).toMatch(/tensors the module does not have: network\.encoder\.blocks\.9\.mlp\.fc1\.weight/);
  });
});
