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
import { ADE20K_CLASSES, CITYSCAPES_CLASSES, VOC_CLASSES } from '../data/classes';
import { resolvePreset, timmArchitecture, timmModelName, type FamilyName } from '../model/presets';
import { resamplePosEmbed } from '../model/resample';
import { readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import type { VitConfig } from '../model/vit';
import { RECIPES } from '../train/recipe';
import { parseMetadata } from '../train/session';
import { CliError, parse, requireString } from './args';
import { ensureWritableDir, writeAtomic } from './files';
import { recordedSettings } from './train-options';

export const EXPORT_BENCHMARK_HELP = `vfm-lab export-benchmark --run OUT --to DIR [--dataset ade20k|voc|cityscapes] [--encoder-name TIMM_NAME] [--keep-run-settings]
Writes DIR/config.yaml (tue-mps/benchmark-vfm-ss's LightningCLI format), DIR/weights.safetensors
(the run's weights under that repository's parameter names), DIR/vfm_lab_weights.py (a callback,
named in config.yaml, that loads them before training, so "python main.py fit -c config.yaml"
continues from this run) and DIR/README.md (how to continue there).
  --dataset            the benchmark's dataset class (default: the run's recipe when it is ade20k, voc or cityscapes);
                       the run's classes must be that dataset's
  --encoder-name       timm model name for --model.network.encoder_name (default: the run's preset's timm name);
                       it must build the run's architecture
  --keep-run-settings  the run's steps, crop, batch, accumulation and learning rates instead of the
                       benchmark's schedule for the dataset (the default)`;

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
const DATASET_CLASSES: Record<BenchmarkDataset, readonly string[]> = { ade20k: ADE20K_CLASSES, voc: VOC_CLASSES, cityscapes: CITYSCAPES_CLASSES.map(([name]) => name) };

const listed = (names: readonly string[]) => `${names.length} (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''})`;

/** The head's rows are the dataset's classes in its order: a run on other classes cannot continue there. */
export function checkClasses(classes: readonly string[], dataset: BenchmarkDataset, file: string): void {
  const theirs = DATASET_CLASSES[dataset];
  if (classes.length === theirs.length && classes.every((c, i) => c.toLowerCase() === theirs[i].toLowerCase())) return;
  throw new CliError(`export-benchmark: ${file} has ${listed(classes)} classes; --dataset ${dataset} has ${listed(theirs)}. Export a run trained on that dataset, or choose its --dataset`);
}

/** What `timm.create_model(encoderName)` builds must be the run's model: family, width, depth, registers. */
export function checkArchitecture(family: FamilyName, arch: Pick<VitConfig, 'embedDim' | 'depth' | 'regTokens'>, encoderName: string, file: string): void {
  const timm = timmArchitecture(encoderName);
  const ours = `${family}, dim ${arch.embedDim}, depth ${arch.depth}${arch.regTokens ? `, ${arch.regTokens} registers` : ''}`;
  if (!timm) throw new CliError(`export-benchmark: --encoder-name ${encoderName} is not a timm model name with a size (tiny/small/base/large/huge/giant); ${file} is ${ours}`);
  const sameFamily = timm.family === family || (['vit', 'dinov2'].includes(timm.family) && ['vit', 'dinov2'].includes(family)); // one timm class, one builder here
  if (sameFamily && timm.embedDim === arch.embedDim && timm.depth === arch.depth && timm.regTokens === arch.regTokens) return;
  const hint = family === 'clip-quickgelu' && timm.family === 'clip' ? ' (timm builds OpenAI CLIP with QuickGELU as vit_base_patch16_clip_quickgelu_224.openai)' : '';
  throw new CliError(`export-benchmark: ${file} is ${ours}, but --encoder-name ${encoderName} builds ${timm.family}, dim ${timm.embedDim}, depth ${timm.depth}${timm.regTokens ? `, ${timm.regTokens} registers` : ''}${hint}`);
}

/** The benchmark's own schedule for a dataset (configs/*_linear_semantic.yaml, datasets/*.py), as our recipe of that name holds it. */
export function benchmarkSchedule(dataset: BenchmarkDataset): ExportSettings {
  const v = RECIPES[dataset].values as Required<typeof RECIPES[BenchmarkDataset]['values']>;
  return { steps: v.steps, crop: v.crop, batch: v.batch, accum: v.accum, lrHead: v.lrHead, lrEncoder: v.lrEncoder, weightDecay: v.weightDecay, freeze: v.freeze, schedule: v.schedule, evalEvery: 1000 };
}

/**
 * The weights with `pos_embed` resampled (bicubic, as timm and the benchmark's Encoder resample) to
 * the grid of `crop`, the config's image size; the benchmark's module has that shape.
 */
export function atCrop(weights: Map<string, HostTensor>, arch: VitConfig, family: FamilyName, crop: number, file: string): Map<string, HostTensor> {
  const pos = weights.get('pos_embed');
  const side = crop / arch.patchSize;
  if (!pos || arch.posEmbed === 'none') return weights;
  const prefix = arch.posEmbed === 'with-prefix' ? arch.clsTokens + arch.regTokens : 0;
  const atGrid = pos.shape.length === 4 ? pos.shape[1] === side && pos.shape[2] === side : pos.shape[1] === prefix + side * side; // SAM's [1, h, w, D]
  if (atGrid) return weights;
  if (family === 'sam') throw new CliError(`export-benchmark: ${file} is a SAM model at another crop; its attention windows and rel-pos tables are fixed to the run's crop, so export it with --keep-run-settings`);
  if (!Number.isInteger(side)) throw new CliError(`export-benchmark: crop ${crop} is not a multiple of the patch size ${arch.patchSize}`);
  return new Map([...weights, ['pos_embed', resamplePosEmbed(pos, prefix, [side, side])]]);
}

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
  callbacks:
    - class_path: lightning.pytorch.callbacks.ModelSummary  # main.py's default, kept
      init_args:
        max_depth: 2
    - class_path: vfm_lab_weights.LoadVfmLabWeights  # loads weights.safetensors (beside vfm_lab_weights.py) before training
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

/** The callback module written beside the weights (a real Python file, tested by export-benchmark.test.ts). */
const CALLBACK = new URL('./vfm_lab_weights.py', import.meta.url);

interface RunConfig { preset?: string; family?: FamilyName; mean?: number[]; std?: number[]; classes?: string[]; architecture?: VitConfig }

export async function exportBenchmark(argv: string[]): Promise<void> {
  const v = parse(argv, { run: { type: 'string' }, to: { type: 'string' }, dataset: { type: 'string' }, 'encoder-name': { type: 'string' }, 'keep-run-settings': { type: 'boolean' } }, 'export-benchmark');
  const run = requireString(v, 'run', 'export-benchmark');
  const to = requireString(v, 'to', 'export-benchmark');
  const configPath = join(run, 'config.json'), modelPath = join(run, 'model.safetensors');
  const text = await readFile(configPath, 'utf8').catch(() => { throw new CliError(`${configPath}: cannot read it; --run needs the folder of a finished vfm-lab run`); });
  let json: RunConfig;
  try { json = JSON.parse(text); } catch { throw new CliError(`${configPath}: not valid JSON`); }
  const s = recordedSettings(json, configPath);
  const dataset = (v.dataset as string | undefined) ?? (s.recipe in BENCHMARK_DATASETS ? s.recipe : undefined);
  if (!dataset || !(dataset in BENCHMARK_DATASETS)) {
    throw new CliError(`export-benchmark: the benchmark needs one of its datasets; pass --dataset ade20k|voc|cityscapes (the run's recipe is ${s.recipe})${dataset ? `; got "${dataset}"` : ''}`);
  }
  const ds = dataset as BenchmarkDataset;
  if (!json.classes || !json.architecture || !json.family) throw new CliError(`${configPath}: no classes, architecture or family recorded; export a run trained by this version of vfm-lab`);
  checkClasses(json.classes, ds, configPath);
  const preset = json.preset ? resolvePreset(json.preset) : undefined;
  const encoderName = (v['encoder-name'] as string | undefined) ?? (preset ? timmModelName(preset) : undefined);
  if (!encoderName) throw new CliError('export-benchmark: the run was not started from a preset; pass --encoder-name with the timm model name its weights come from');
  checkArchitecture(json.family, json.architecture, encoderName, configPath);
  const bytes = await readFile(modelPath).catch(() => { throw new CliError(`${modelPath}: cannot read it; the run must be finished (model.safetensors)`); });
  const model = readSafetensorsWithMetadata(bytes, modelPath);
  if (json.family === 'sam') {
    const windowSize = parseMetadata(model.metadata, modelPath)?.windowSize;
    const patch = model.tensors.get('patch_embed.proj.weight')?.shape[2];
    if (windowSize === undefined || !patch) throw new CliError(`${modelPath}: a SAM model without its window (metadata) or patch embedding; cannot check its rel-pos tables`);
    checkSamTables(model.tensors, windowSize, s.crop / patch, modelPath);
  }
  const keep = !!v['keep-run-settings'];
  const schedule = keep ? s : benchmarkSchedule(ds);
  const weights = atCrop(model.tensors, json.architecture, json.family, schedule.crop, modelPath);
  const yaml = benchmarkConfig(schedule, ds, encoderName);
  await ensureWritableDir(to, '--to');
  await writeAtomic(join(to, 'config.yaml'), yaml);
  await writeAtomic(join(to, 'weights.safetensors'), writeSafetensors(benchmarkWeights(weights, json.mean ?? [0.485, 0.456, 0.406], json.std ?? [0.229, 0.224, 0.225]), { format: 'pt', producer: 'vfm-lab export-benchmark' }));
  await writeAtomic(join(to, 'vfm_lab_weights.py'), await readFile(CALLBACK));
  const which = describeSchedule(schedule, keep, ds, s.crop);
  await writeAtomic(join(to, 'README.md'), readme(s.recipe, schedule, encoderName, which));
  process.stderr.write(`config.yaml: ${which}\nwrote ${to}/config.yaml, weights.safetensors (${model.tensors.size} tensors + pixel_mean/std), vfm_lab_weights.py, README.md\n`);
}

/** Which schedule config.yaml holds, in words (printed and in the README). */
function describeSchedule(x: ExportSettings, keep: boolean, dataset: BenchmarkDataset, runCrop: number): string {
  const what = `${x.steps} steps, crop ${x.crop}, batch ${x.batch} × accumulation ${x.accum}, lr ${x.lrHead} (encoder ${x.lrEncoder}), weight decay ${x.weightDecay}`;
  const resampled = x.crop !== runCrop ? `; position embeddings resampled from the run's ${runCrop}-pixel crop to ${x.crop}` : '';
  return keep ? `this run's settings (${what})` : `the benchmark's ${dataset} schedule (${what}); --keep-run-settings writes this run's instead${resampled}`;
}

function readme(recipe: string, s: ExportSettings, encoder: string, which: string): string {
  const eva = encoder.startsWith('eva02') ? ' --no_compile' : '';
  return `# Continue this vfm-lab run with tue-mps/benchmark-vfm-ss

The run's recipe: ${recipe}. config.yaml holds ${which}.

    git clone https://github.com/tue-mps/benchmark-vfm-ss && cd benchmark-vfm-ss
    pip install -r requirements.txt    # see that repository's README for the CUDA index URL

Train from this run's weights (G GPUs, DDP; keep batch × G × accumulation = ${s.batch * s.accum} by setting
--trainer.accumulate_grad_batches to ${s.batch * s.accum} / (batch × G)):

    PYTHONPATH=/path/to/this/folder python main.py fit -c /path/to/this/folder/config.yaml --root /data --data.num_workers 4 --trainer.devices [0,1,2,3]${eva}

config.yaml names the callback vfm_lab_weights.LoadVfmLabWeights (this folder's vfm_lab_weights.py, hence
PYTHONPATH): when fitting starts it copies weights.safetensors into the LightningModule (network.encoder.<timm key>,
network.head.weight/bias, network.pixel_mean/std; torch.compile's _orig_mod. names are matched too) and stops with
the tensor's name if one is missing or of another shape. Without the callback (delete it from trainer.callbacks) the
run starts from timm's pretrained encoder and a fresh head instead.

The position embeddings are at a ${s.crop}-pixel crop, so keep data.init_args.img_size as written.
`;
}
