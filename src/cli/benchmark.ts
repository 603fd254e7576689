/**
 * @file `vfm-lab benchmark`: the paper's comparison on your data — train several backbones with
 * the same settings, one after the other, each by the `train` command itself into OUT/<name>/,
 * then rank them in OUT/leaderboard.{json,csv,md}. Everything (options, names, output folders)
 * is checked before the first model trains, so a typo in the third model cannot waste the first two.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatMIoU, rankRows, stepStats, toCsv, toMarkdown, type Leaderboard, type LeaderboardRow } from '../compare/leaderboard';
import { resolvePreset } from '../model/presets';
import { sameClasses } from '../train/classes';
import { CliError, parse, requireString } from './args';
import { checkCrossData, crossEvaluate } from './cross-eval';
import { ensureWritableDir, writeAtomic } from './files';
import { checkModel } from './model-source';
import { checkOutFolder, train, type TrainResult } from './train';
import { parseTrainArgs, SPEC as TRAIN_SPEC } from './train-options';

export const BENCHMARK_HELP = `vfm-lab benchmark --models A,B,… --data DIR|FILE.zip --out OUT [train options]

Trains each model with the same settings (every "vfm-lab train" option except --model and
--resume; see vfm-lab train --help), one after the other, into OUT/<name>/ — the same files as
"vfm-lab train" — and ranks them, best validation mIoU first, in OUT/leaderboard.json
({"classes": […], "rows": […]}), OUT/leaderboard.csv and OUT/leaderboard.md (also printed).
  --models LIST   comma-separated checkpoints or preset names; NAME=MODEL names one (the folder
                  and leaderboard name; default: the preset's name or the file's stem)
  --cross-data D2 also evaluate each trained model on the val split of D2, a dataset with the same
                  classes (domain shift): the leaderboard's cross-dataset column`;

export interface BenchmarkEntry {
  name: string;
  model: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `--models` → named entries; a name must make a plain folder name, and names must differ. */
export function parseModels(list: string): BenchmarkEntry[] {
  const entries = list.split(',').map((s) => s.trim()).filter(Boolean).map((item): BenchmarkEntry => {
    const eq = item.indexOf('=');
    if (eq >= 0) return { name: item.slice(0, eq).trim(), model: item.slice(eq + 1).trim() };
    const preset = existsSync(item) ? undefined : resolvePreset(item);
    return { name: preset ? preset.name : basename(item).replace(/\.safetensors$/, ''), model: item };
  });
  if (!entries.length) throw new CliError('benchmark: --models needs at least one model (comma-separated)');
  for (const e of entries) {
    if (!e.model) throw new CliError(`benchmark: --models entry "${e.name}=" names no model`);
    if (!NAME.test(e.name) || e.name.startsWith('leaderboard')) {
      throw new CliError(`benchmark: "${e.name}" cannot name a run folder (letters, digits, . _ -, not starting with "leaderboard"); name it with NAME=${e.model}`);
    }
  }
  const seen = new Map<string, string>();
  for (const e of entries) {
    const other = seen.get(e.name);
    if (other !== undefined) throw new CliError(`benchmark: ${other} and ${e.model} would both be named "${e.name}"; name them apart with NAME=MODEL`);
    seen.set(e.name, e.model);
  }
  return entries;
}

/** The options given to benchmark, written back as `train` arguments (so `train` parses and checks them, once per model). */
function trainOptions(v: Record<string, string | boolean | undefined>): string[] {
  return Object.entries(v).flatMap(([key, value]) => {
    if (key === 'models' || key === 'out' || key === 'cross-data' || key === 'help' || value === undefined || value === false) return [];
    return value === true ? [`--${key}`] : [`--${key}`, value];
  });
}

/** A leaderboard row from what `train` returned and how long it took. */
export function leaderboardRow(name: string, r: TrainResult, wallSeconds: number): LeaderboardRow {
  return {
    model: name, family: r.family, recipe: r.recipe, mIoU: r.mIoU, mIoUDefinition: r.mIoUDefinition, perClassIoU: r.perClassIoU, steps: r.steps, wallSeconds,
    ...stepStats(r.stepMs, r.imagesPerStep), memoryPlanBytes: r.memoryPlanBytes,
  };
}

export async function benchmark(argv: string[]): Promise<void> {
  const v = parse(argv, { ...TRAIN_SPEC, models: { type: 'string' }, 'cross-data': { type: 'string' } }, 'benchmark');
  for (const refused of ['model', 'resume'] as const) {
    if (v[refused] !== undefined) throw new CliError(`benchmark: --${refused} is not a benchmark option; list the models with --models A,B,…`);
  }
  const entries = parseModels(requireString(v, 'models', 'benchmark'));
  const out = requireString(v, 'out', 'benchmark');
  const common = trainOptions(v);
  const argvOf = (e: BenchmarkEntry) => [...common, '--model', e.model, '--out', join(out, e.name)];
  const settings = entries.map((e) => parseTrainArgs(argvOf(e))); // every option is checked before anything trains
  const crossData = v['cross-data'] as string | undefined;
  const first = settings[0].kind === 'fresh' ? settings[0].settings : undefined;
  if (crossData && first) await checkCrossData(first.data, crossData, first);
  await ensureWritableDir(out);
  for (const e of entries) await checkOutFolder(join(out, e.name), !!v.overwrite);
  for (const [i, s] of settings.entries()) { // every model file, before the first trains
    if (s.kind !== 'fresh') continue;
    process.stderr.write(`checking model ${i + 1}/${entries.length}: ${entries[i].model}\n`);
    await checkModel(s.settings.model, s.settings.cacheDir);
  }

  const rows: LeaderboardRow[] = [];
  let classes: string[] | undefined;
  for (const [i, e] of entries.entries()) {
    process.stderr.write(`\n=== benchmark ${i + 1}/${entries.length}: ${e.name} (${e.model}) ===\n`);
    const started = performance.now();
    const result = await train(argvOf(e));
    const row = leaderboardRow(e.name, result, (performance.now() - started) / 1000);
    const s = settings[i].kind === 'fresh' ? settings[i].settings : undefined;
    if (crossData && s) {
      const cross = await crossEvaluate(join(out, e.name, 'model.safetensors'), crossData, s);
      process.stderr.write(`cross-dataset: ${e.name} on ${cross.dataset}: mIoU ${formatMIoU(cross.mIoU)}\n`);
      row.crossDataset = { dataset: cross.dataset, mIoU: cross.mIoU };
    }
    rows.push(row);
    if (classes && !sameClasses(classes, result.classes)) {
      throw new CliError(`benchmark: ${e.name} was trained on the classes ${result.classes.join(', ')}, the others on ${classes.join(', ')}; a leaderboard needs one class list`);
    }
    classes = result.classes;
  }
  const board: Leaderboard = { classes: classes ?? [], rows: rankRows(rows) };
  const json = JSON.stringify(board, (_, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 1);
  await writeAtomic(join(out, 'leaderboard.json'), json);
  await writeAtomic(join(out, 'leaderboard.csv'), toCsv(board));
  const md = toMarkdown(board);
  await writeAtomic(join(out, 'leaderboard.md'), md);
  process.stdout.write(md);
  process.stderr.write(`wrote ${out}/leaderboard.json, leaderboard.csv, leaderboard.md and one run folder per model\n`);
}
