/**
 * @file `vfm-lab export-benchmark --run OUT --to DIR`: carries a finished run to the benchmark's
 * PyTorch Lightning trainer (tue-mps/benchmark-vfm-ss) to continue on GPUs (multi-GPU DDP).
 * Writes DIR/config.yaml (the repository's LightningCLI format, configs/*_linear_semantic.yaml),
 * DIR/weights.safetensors (the run's weights under the LightningModule's parameter names) and
 * DIR/README.md (the commands).
 *
 * Parameter names, from that repository's code:
 *   training/lightning_module.py  `self.network = network`; configure_optimizers strips "network.encoder."
 *   models/encoder.py             `self.encoder = timm.create_model(...)` (timm's keys below it);
 *                                 buffers `pixel_mean`, `pixel_std` of shape [1, 3, 1, 1]
 *   models/linear_decoder.py      `self.head = nn.Linear(embed_dim, num_classes)`
 * so timm key K is `network.encoder.K`, our `seg_head.{weight,bias}` is `network.head.{weight,bias}`.
 * SAM: models/encoder.py sets `self.encoder.neck = nn.Identity()` (no `neck.*` parameters; ours
 * never load one) and replaces every `blocks.N.attn.rel_pos_{h,w}` by a table of 2·n+1 rows
 * (`interpolate_rel_pos`: n the block's window, or the patch grid for global blocks) — the shapes
 * a run under the benchmark's rule (`samRelPos: resized-once`) trains, so only such runs export.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import { parseMetadata } from '../train/session';
import { CliError, parse, requireString } from './args';
import { ensureWritableDir, writeAtomic } from './files';
import { recordedSettings } from './train-options';

export const EXPORT_BENCHMARK_HELP = `vfm-lab export-benchmark --run OUT --to DIR [--dataset ade20k|voc|cityscapes] [--encoder-name TIMM_NAME]
Writes DIR/config.yaml (tue-mps/benchmark-vfm-ss's LightningCLI format: model, dataset, crop,
iterations, learning rates, batch and accumulation of the run), DIR/weights.safetensors (the run's
weights under that repository's parameter names) and DIR/README.md (how to continue there).
  --dataset        the benchmark's dataset class (default: the run's recipe when it is ade20k, voc or cityscapes)
  --encoder-name   timm model name for --model.network.encoder_name (default: the run's preset)`;

const PREFIX = 'network.encoder.';
const HEAD: Record<string, string> = { 'seg_head.weight': 'network.head.weight', 'seg_head.bias': 'network.head.bias' };

/** Our (timm) parameter name → the benchmark LightningModule's. */
export function toBenchmarkKey(name: string): string {
  return HEAD[name] ?? PREFIX + name;
}

/** The benchmark's name → ours; buffers (pixel_mean, pixel_std) and unknown names give undefined. */
export function fromBenchmarkKey(name: string): string | undefined {
  const head = Object.entries(HEAD).find(([, b]) => b === name);
  if (head) return head[0];
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : undefined;
}

/** The run's weights renamed, plus the normalisation buffers the benchmark's Encoder registers. */
export function benchmarkWeights(weights: Map<string, HostTensor>, mean: readonly number[], std: readonly number[]): Map<string, HostTensor> {
  const out = new Map<string, HostTensor>();
  for (const [name, t] of weights) out.set(toBenchmarkKey(name), t);
  out.set('network.pixel_mean', { shape: [1, 3, 1, 1], data: Float32Array.from(mean) });
  out.set('network.pixel_std', { shape: [1, 3, 1, 1], data: Float32Array.from(std) });
  return out;
}

/**
 * SAM's rel-pos tables must have the benchmark's lengths: 2·window+1 in window blocks, 2·grid+1 in
 * global blocks (models/encoder.py `interpolate_rel_pos`); a table of another length is named.
 */
export function checkSamTables(weights: Map<string, HostTensor>, windowSize: number, grid: number, file: string): void {
  for (const [name, t] of weights) {
    if (!/\.attn\.rel_pos_[hw]$/.test(name)) continue;
    if (t.shape[0] === 2 * windowSize + 1 || t.shape[0] === 2 * grid + 1) continue;
    throw new CliError(
      `${file}: "${name}" has ${t.shape[0]} rows; the benchmark's SAM tables have 2·${windowSize}+1 = ${2 * windowSize + 1} (window blocks) or ` +
      `2·${grid}+1 = ${2 * grid + 1} (global blocks) (models/encoder.py interpolate_rel_pos). Train the run with a benchmark recipe ` +
      '(--recipe benchmark|ade20k|voc|cityscapes: SAM rel-pos tables resized-once) to export it');
  }
}

/** The benchmark's data module per dataset (datasets/*.py). */
export const BENCHMARK_DATASETS = { ade20k: 'datasets.ade20k.ADE20K', voc: 'datasets.pascal_voc.PascalVOC', cityscapes: 'datasets.cityscapes.Cityscapes' } as const;
type BenchmarkDataset = keyof typeof BENCHMARK_DATASETS;

export interface ExportSettings {
  steps: number; crop: number; batch: number; accum: number; lrHead: number; lrEncoder: number; weightDecay: number;
  freeze: string; schedule: string; evalEvery: number;
}

/** config.yaml in the shape of configs/ade20k_linear_semantic.yaml, with the run's values filled in. */
export function benchmarkConfig(s: ExportSettings, dataset: BenchmarkDataset, encoderName: string): string {
  if (s.freeze !== 'none' && s.freeze !== 'encoder') throw new CliError(`export-benchmark: the benchmark trains all of the encoder or none of it (freeze_encoder); this run used --freeze ${s.freeze}`);
  if (s.schedule !== 'poly') throw new CliError(`export-benchmark: the benchmark's schedule is poly (training/linear_semantic.py); this run used ${s.schedule}`);
  return `# written by vfm-lab export-benchmark; format of configs/${dataset === 'voc' ? 'pascal_voc' : dataset}_linear_semantic.yaml
trainer:
  max_steps: ${s.steps}
  val_check_interval: ${Math.min(s.steps, s.evalEvery || 1000)}
  check_val_every_n_epoch: ~
  accumulate_grad_batches: ${s.accum}
  logger:
    class_path: lightning.pytorch.loggers.wandb.WandbLogger
model:
  class_path: training.linear_semantic.LinearSemantic
  init_args:
    lr: ${s.lrHead}
    lr_multiplier_encoder: ${s.lrHead > 0 ? s.lrEncoder / s.lrHead : 0}
    weight_decay: ${s.weightDecay}
    freeze_encoder: ${s.freeze === 'encoder' ? 'true' : 'false'}
    network:
      class_path: models.linear_decoder.LinearDecoder
      init_args:
        encoder_name: ${encoderName}
data:
  class_path: ${BENCHMARK_DATASETS[dataset]}
  init_args:
    img_size: [${s.crop}, ${s.crop}]
    batch_size: ${s.batch}
`;
}

export async function exportBenchmark(argv: string[]): Promise<void> {
  const v = parse(argv, { run: { type: 'string' }, to: { type: 'string' }, dataset: { type: 'string' }, 'encoder-name': { type: 'string' } }, 'export-benchmark');
  const run = requireString(v, 'run', 'export-benchmark');
  const to = requireString(v, 'to', 'export-benchmark');
  const configPath = join(run, 'config.json'), modelPath = join(run, 'model.safetensors');
  const text = await readFile(configPath, 'utf8').catch(() => { throw new CliError(`${configPath}: cannot read it; --run needs the folder of a finished vfm-lab run`); });
  let json: { preset?: string; family?: string; mean?: number[]; std?: number[] };
  try { json = JSON.parse(text); } catch { throw new CliError(`${configPath}: not valid JSON`); }
  const s = recordedSettings(json, configPath);
  const dataset = (v.dataset as string | undefined) ?? (s.recipe in BENCHMARK_DATASETS ? s.recipe : undefined);
  if (!dataset || !(dataset in BENCHMARK_DATASETS)) {
    throw new CliError(`export-benchmark: the benchmark needs one of its datasets; pass --dataset ade20k|voc|cityscapes (the run's recipe is ${s.recipe})${dataset ? `; got "${dataset}"` : ''}`);
  }
  const encoderName = (v['encoder-name'] as string | undefined) ?? json.preset;
  if (!encoderName) throw new CliError('export-benchmark: the run was not started from a preset; pass --encoder-name with the timm model name its weights come from');
  const bytes = await readFile(modelPath).catch(() => { throw new CliError(`${modelPath}: cannot read it; the run must be finished (model.safetensors)`); });
  const model = readSafetensorsWithMetadata(bytes, modelPath);
  if (json.family === 'sam') {
    const windowSize = parseMetadata(model.metadata, modelPath)?.windowSize;
    const patch = model.tensors.get('patch_embed.proj.weight')?.shape[2];
    if (windowSize === undefined || !patch) throw new CliError(`${modelPath}: a SAM model without its window (metadata) or patch embedding; cannot check its rel-pos tables`);
    checkSamTables(model.tensors, windowSize, s.crop / patch, modelPath);
  }
  const yaml = benchmarkConfig(s, dataset as BenchmarkDataset, encoderName);
  await ensureWritableDir(to, '--to');
  await writeAtomic(join(to, 'config.yaml'), yaml);
  await writeAtomic(join(to, 'weights.safetensors'), writeSafetensors(benchmarkWeights(model.tensors, json.mean ?? [0.485, 0.456, 0.406], json.std ?? [0.229, 0.224, 0.225]), { format: 'pt', producer: 'vfm-lab export-benchmark' }));
  await writeAtomic(join(to, 'README.md'), readme(s, encoderName));
  process.stderr.write(`wrote ${to}/config.yaml, weights.safetensors (${model.tensors.size} tensors + pixel_mean/std), README.md\n`);
}

function readme(s: ExportSettings & { recipe: string }, encoder: string): string {
  const eva = encoder.startsWith('eva02') ? ' --no_compile' : '';
  return `# Continue this vfm-lab run with tue-mps/benchmark-vfm-ss

Recipe: ${s.recipe}; crop ${s.crop}; ${s.steps} steps of batch ${s.batch} × accumulation ${s.accum}; lr ${s.lrHead} (encoder ${s.lrEncoder}); weight decay ${s.weightDecay}.

    git clone https://github.com/tue-mps/benchmark-vfm-ss && cd benchmark-vfm-ss
    pip install -r requirements.txt safetensors    # see that repository's README for the CUDA index URL

Train from the pretrained encoder with this run's settings (G GPUs, DDP; keep batch × G × accumulation = ${s.batch * s.accum} by setting
--trainer.accumulate_grad_batches to ${s.batch * s.accum} / (batch × G)):

    python main.py fit -c /path/to/config.yaml --root /data --data.num_workers 4 --trainer.devices [0,1,2,3]${eva}

Start from this run's fine-tuned weights instead: load weights.safetensors into the LightningModule before fitting
(names are the module's own: network.encoder.<timm key>, network.head.weight/bias, network.pixel_mean/std), e.g. in main.py
after the model is built:

    from safetensors.torch import load_file
    missing, unexpected = model.load_state_dict(load_file("/path/to/weights.safetensors"), strict=False)
    assert not unexpected, unexpected

The weights are at this run's crop (position embeddings for a ${s.crop}-pixel crop), so keep data.init_args.img_size as written.
`;
}
