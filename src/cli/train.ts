/** @file `vfm-lab train`: the benchmark recipe, headless, on onnxruntime-node. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { BatchStream } from '../data/batches';
import { openDataset, validateDataset } from '../data/dataset';
import { FAMILY_NAMES, detectFamily } from '../model/families';
import type { FamilyName } from '../model/presets';
import { readSafetensorsWithMetadata, writeSafetensors } from '../model/safetensors';
import { describeMemory, estimateMemory } from '../runtime/memory';
import { createNodeRunner } from '../runtime/node';
import { HostEngine } from '../train/engine';
import { parseRecompute } from '../train/graphs';
import { trainLoop } from '../train/loop';
import { FeatureCache, evaluateDataset, metadataOf, normalisationFor, parseMetadata, prepareRun, type RGB } from '../train/session';
import { CliError, number, parse, requireString, triple } from './args';
import { readModel } from './model-source';
import { openSource } from './nodeSource';

export const TRAIN_HELP = `vfm-lab train --model FILE.safetensors|PRESET --data DIR|FILE.zip --out OUTDIR [options]

  --steps N            optimizer steps (default 200)
  --batch B            images per micro-batch (default 8)
  --accum K            micro-batches per optimizer step (gradient accumulation, default 1)
  --crop S             training crop and sliding-window size in pixels (default 64)
  --lr-head X          decoder learning rate (default 1e-4)
  --lr-encoder Y       encoder learning rate (default 1e-5)
  --weight-decay W     AdamW weight decay on ≥2-D weights (default 0.05)
  --schedule poly|constant   poly: lr·(1 − t/T)^0.9 (default poly)
  --freeze none|encoder|last:K   what trains (default none: full fine-tuning)
  --no-augment         no scale/crop/flip/colour jitter (images equal to the crop are used as they are)
  --no-shuffle         batch t holds training images (t·B + i) mod n in file-name order
  --seed K             seed for shuffling, augmentation and a new decoder (default 0)
  --eval-every N       evaluate mIoU on the val split every N steps (default: at the end only)
  --heads H            attention heads (default: embed dim / 64)
  --family NAME        vit | dinov2 | clip | clip-quickgelu | siglip | eva02 | sam (default: the preset's, or detected from the keys)
  --mean R,G,B --std R,G,B   pixel normalisation (default: the preset's / family's, else ImageNet)
  --cache-dir DIR      where --model PRESET looks for PRESET.safetensors (default ~/.cache/vfm-lab)
  --class-balanced     weight the loss by 1/√(class frequency)
  --recompute none|blocks|auto   recompute each block's activations in the backward pass (less memory, ~⅓ more compute);
                       auto (default): only when the step's memory plan exceeds this machine's memory

Writes OUTDIR/metrics.jsonl, OUTDIR/eval.json, OUTDIR/model.safetensors and OUTDIR/config.json.`;

const SPEC = {
  model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' },
  accum: { type: 'string' }, crop: { type: 'string' }, 'lr-head': { type: 'string' }, 'lr-encoder': { type: 'string' },
  'weight-decay': { type: 'string' }, schedule: { type: 'string' }, freeze: { type: 'string' }, 'no-augment': { type: 'boolean' },
  'no-shuffle': { type: 'boolean' }, seed: { type: 'string' }, 'eval-every': { type: 'string' }, heads: { type: 'string' },
  family: { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' }, 'class-balanced': { type: 'boolean' },
  'cache-dir': { type: 'string' }, recompute: { type: 'string' },
} as const;

export async function train(argv: string[]): Promise<void> {
  const v = parse(argv, SPEC, 'train');
  const modelPath = requireString(v, 'model', 'train');
  const dataPath = requireString(v, 'data', 'train');
  const out = requireString(v, 'out', 'train');
  const schedule = (v.schedule ?? 'poly') as string;
  if (schedule !== 'poly' && schedule !== 'constant') throw new CliError(`--schedule must be poly or constant; got "${schedule}"`);
  const family = v.family as FamilyName | undefined;
  if (family !== undefined && !FAMILY_NAMES.includes(family)) {
    throw new CliError(`--family ${family} is not a family; one of: ${FAMILY_NAMES.join(', ')}`);
  }
  const cfg = {
    steps: number(v, 'steps', 200, { integer: true, min: 1 }),
    batch: number(v, 'batch', 8, { integer: true, min: 1 }),
    accum: number(v, 'accum', 1, { integer: true, min: 1 }),
    crop: number(v, 'crop', 64, { integer: true, min: 1 }),
    lrHead: number(v, 'lr-head', 1e-4, { min: 0 }),
    lrEncoder: number(v, 'lr-encoder', 1e-5, { min: 0 }),
    weightDecay: number(v, 'weight-decay', 0.05, { min: 0 }),
    schedule: schedule as 'poly' | 'constant',
    freeze: (v.freeze ?? 'none') as string,
    augment: !v['no-augment'],
    shuffle: !v['no-shuffle'],
    seed: number(v, 'seed', 0, { integer: true }),
    evalEvery: number(v, 'eval-every', 0, { integer: true, min: 0 }),
    heads: v.heads === undefined ? undefined : number(v, 'heads', 0, { integer: true, min: 1 }),
    classBalanced: !!v['class-balanced'],
    recompute: parseRecompute((v.recompute ?? 'auto') as string),
  };
  const log = (s: string) => process.stderr.write(`${s}\n`);

  const ds = await openDataset(await openSource(dataPath), { seed: cfg.seed });
  const summary = await validateDataset(ds, (d, n) => progress(`validating dataset ${d}/${n}`));
  log(`\rdataset ${ds.name}: ${ds.format}, ${summary.train} train / ${summary.val} val images, ${ds.classes.length} classes${summary.absentFromTrain.length ? ` (absent from train: ${summary.absentFromTrain.join(', ')})` : ''}`);

  const source = await readModel(modelPath, v['cache-dir'] as string | undefined);
  const { tensors, metadata } = readSafetensorsWithMetadata(source.bytes, source.path);
  // a model exported by vfm-lab records its family, heads, norms and SAM window (an explicit --family overrides them)
  const recorded = parseMetadata(metadata);
  const saved = recorded && (!family || family === recorded.family) ? recorded : undefined;
  const resolvedFamily = family ?? source.preset?.family ?? saved?.family ?? detectFamily(tensors.keys());
  const norm = saved ?? normalisationFor(resolvedFamily, source.preset); // a vfm-lab model keeps the normalisation it was trained with
  const mean = (triple(v, 'mean') ?? norm.mean) as RGB, std = (triple(v, 'std') ?? norm.std) as RGB;
  const run = prepareRun(tensors, source.path, ds.classes.length, {
    ...cfg, heads: cfg.heads ?? saved?.heads, act: saved?.act, normEps: saved?.normEps, windowSize: saved?.windowSize,
    family: resolvedFamily, classWeights: cfg.classBalanced ? summary.classWeights : undefined, trainImages: ds.train.length, memoryBudget: totalmem(),
  });
  for (const n of run.model.notices) log(`note: ${n}`);
  const c = run.model.config;
  log(`model: ViT depth ${c.depth}, dim ${c.embedDim}, ${c.heads} heads, patch ${c.patchSize}; ${run.trainable.length} trainable tensors (freeze ${cfg.freeze})`);
  log(describeMemory(estimateMemory(run.trainGraph.manifest, cfg.accum), run.trainGraph.manifest)); // issue 13: the compiler's plan

  await mkdir(out, { recursive: true });
  const resolved = { ...cfg, family: resolvedFamily, mean, std, model: source.path, preset: source.preset?.name, data: dataPath, classes: ds.classes.map((k) => k.name), architecture: c };
  await writeFile(join(out, 'config.json'), JSON.stringify(resolved, null, 2));
  const metricsPath = join(out, 'metrics.jsonl');
  await writeFile(metricsPath, '');

  const engine = new HostEngine(await createNodeRunner(run.trainGraph), await createNodeRunner(run.evalGraph), run.model.weights, run.trainable, cfg,
    run.extractor ? 'features' : 'image');
  const batchOptions = { batch: cfg.batch, crop: cfg.crop, augment: cfg.augment, shuffle: cfg.shuffle, seed: cfg.seed, mean, std };
  const batches = run.extractor
    ? await FeatureCache.build(await createNodeRunner(run.extractor), run.model.weights, ds, batchOptions, (d, n) => progress(`caching encoder features ${d}/${n}`))
    : new BatchStream(ds, batchOptions);
  if (run.extractor) log('\rlinear probe: the frozen encoder ran once per training image; steps train the decoder on cached features');
  const evalOpts = { crop: cfg.crop, batch: cfg.batch, mean, std, onImage: (d: number, n: number) => progress(`evaluating ${d}/${n}`) };
  const started = performance.now();
  let last = { step: 0, mIoU: NaN, perClassIoU: [] as (number | null)[], confusion: [] as number[][] };
  await trainLoop(engine, cfg, {
    batch: (i) => batches.batch(i),
    evaluate: async (step) => {
      const r = await evaluateDataset(engine, ds, evalOpts);
      last = { step, ...r };
      return { step, mIoU: r.mIoU, perClassIoU: r.perClassIoU };
    },
    onStep: async (m) => {
      await appendFile(metricsPath, JSON.stringify(m) + '\n');
      const elapsed = (performance.now() - started) / 1000;
      const imgs = (m.step * cfg.batch * cfg.accum) / elapsed;
      const eta = (elapsed / m.step) * (cfg.steps - m.step);
      progress(`step ${m.step}/${cfg.steps}  loss ${m.loss.toFixed(4)}  ${imgs.toFixed(1)} img/s  ETA ${formatDuration(eta)}`);
    },
    onEval: async (m) => {
      await appendFile(metricsPath, JSON.stringify({ step: m.step, mIoU: m.mIoU }) + '\n');
      log(`\rstep ${m.step}: val mIoU ${(100 * m.mIoU).toFixed(1)}%`.padEnd(70));
    },
  });
  await writeFile(join(out, 'eval.json'), JSON.stringify({ mIoU: last.mIoU, perClassIoU: last.perClassIoU, confusion: last.confusion, classes: ds.classes.map((k) => k.name) }, null, 1));
  await writeFile(join(out, 'model.safetensors'), writeSafetensors(await engine.weights(), metadataOf(run.model, ds.classes, cfg.crop, mean, std, resolvedFamily)));
  log(`done: mIoU ${(100 * last.mIoU).toFixed(1)}% — wrote ${out}/model.safetensors, eval.json, metrics.jsonl, config.json`);
}

function progress(s: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${s.padEnd(70)}`);
  else process.stderr.write(`${s}\n`);
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
