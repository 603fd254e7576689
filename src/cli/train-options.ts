/**
 * @file `vfm-lab train` options: parsed and checked in full before anything is read or decoded,
 * and recorded in OUTDIR/config.json, from which `--resume` takes them back (schema-checked).
 */
import { z } from 'zod';
import { parseRecompute } from '../train/graphs';
import { parseMemory } from '../train/memory-policy';
import { DEFAULT_MAX_PIXELS } from '../data/png';
import { DEFAULT_MAX_ENTRY_BYTES } from '../data/zip';
import { FAMILY_NAMES } from '../model/families';
import type { FamilyName } from '../model/presets';
import { RECIPE_NAMES, RECIPES, resolveRecipe, type RecipeValues } from '../train/recipe';
import { RECIPE_SETTINGS, RECIPE_SHAPE, settingProblem, type RecipeSettings } from '../train/recipe-schema';
import { CliError, number, parse, requireString, triple } from './args';

export const TRAIN_HELP = `vfm-lab train --model FILE.safetensors|PRESET --data DIR|FILE.zip --out OUTDIR [options]
vfm-lab train --resume --out OUTDIR
  --recipe NAME        ${RECIPE_NAMES.join(' | ')} (default demo): a set of values and rules; every
                       option below given explicitly overrides the recipe's value
${RECIPE_NAMES.map((n) => `                         ${n.padEnd(11)}${RECIPES[n].title}`).join('\n')}
  --steps N            optimizer steps (demo: 200)
  --batch B            images per micro-batch (demo: 8)
  --accum K            micro-batches per optimizer step (gradient accumulation, demo: 1)
  --crop S             training crop and sliding-window size in pixels (demo: 64)
  --lr-head X          decoder learning rate (default 1e-4)
  --lr-encoder Y       encoder learning rate (default 1e-5)
  --weight-decay W     AdamW weight decay (0.05; demo: on ≥2-D weights, benchmark recipes: on all parameters)
  --schedule poly|constant   poly: lr·(1 − t/T)^0.9 (default poly)
  --freeze none|encoder|last:K   what trains (default none: full fine-tuning)
  --no-augment         no scale/crop/flip/colour jitter (images equal to the crop are used as they are)
  --no-shuffle         batch t holds training images (t·B + i) mod n in file-name order
  --seed K             seed for shuffling, augmentation and a new decoder (default 0)
  --eval-every N       evaluate mIoU on the val split every N steps (default: at the end only)
  --save-every N       write OUTDIR/checkpoint.safetensors every N steps (default: the --eval-every
                       interval, or 100 when evaluating only at the end)
  --resume             continue the unfinished run in --out from its checkpoint, with its recorded
                       settings (no other options); ends exactly as an uninterrupted run would
  --overwrite          replace a run already in --out (never done without it)
  --heads H            attention heads (default: embed dim / 64)
  --family NAME        vit | dinov2 | clip | clip-quickgelu | siglip | eva02 | sam (default: the preset's, or detected from the keys)
  --mean R,G,B --std R,G,B   pixel normalisation (default: the preset's / family's, else ImageNet)
  --cache-dir DIR      where --model PRESET looks for PRESET.safetensors (default ~/.cache/vfm-lab)
  --class-balanced     weight the loss by 1/√(class frequency)
  --recompute none|blocks|auto   recompute each block's activations in the backward pass (less memory, ~⅓ more compute);
                       auto (default): only when the step's memory plan exceeds this machine's free memory
  --memory fast|lean|auto   fast: onnxruntime's CPU arena, no values rebuilt in the
                       backward pass; lean: less memory, more time; auto (default): fast when its plan
                       fits comfortably in this machine's free memory (train prints the choice and why)
  --max-pixels MP      refuse images or masks over MP megapixels, from their header (default ${DEFAULT_MAX_PIXELS / 1e6})
  --max-zip-entry MB   refuse zip entries over MB megabytes uncompressed (default ${DEFAULT_MAX_ENTRY_BYTES / 2 ** 20})
Writes OUTDIR/metrics.jsonl, OUTDIR/eval.json, OUTDIR/model.safetensors and OUTDIR/config.json,
each through a temporary file and a rename.`;

export const SPEC = {
  recipe: { type: 'string' }, model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, steps: { type: 'string' }, batch: { type: 'string' },
  accum: { type: 'string' }, crop: { type: 'string' }, 'lr-head': { type: 'string' }, 'lr-encoder': { type: 'string' },
  'weight-decay': { type: 'string' }, schedule: { type: 'string' }, freeze: { type: 'string' }, 'no-augment': { type: 'boolean' },
  'no-shuffle': { type: 'boolean' }, seed: { type: 'string' }, 'eval-every': { type: 'string' }, 'save-every': { type: 'string' },
  resume: { type: 'boolean' }, overwrite: { type: 'boolean' }, heads: { type: 'string' },
  family: { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' }, 'class-balanced': { type: 'boolean' },
  'cache-dir': { type: 'string' }, 'max-pixels': { type: 'string' }, 'max-zip-entry': { type: 'string' },
  recompute: { type: 'string' }, memory: { type: 'string' },
} as const;

const positive = z.number().int().positive();
const rgb = z.tuple([z.number(), z.number(), z.number()]);
/** Everything a run depends on; config.json holds it (plus what was resolved), `--resume` reads it back. */
const SETTINGS = z.object({
  ...RECIPE_SHAPE, // the recipe's settings, checked as the form and a saved queue check them
  rules: z.object({
    weightDecayScope: z.enum(['matrices', 'all']), windowLayout: z.enum(['grid-2/3', 'long-side']),
    augmentation: z.enum(['demo', 'torchvision']), labelFilter: z.enum(['none', 'drop-single-value']),
    // recorded before the rule existed: SAM's tables kept the checkpoint's length
    samRelPos: z.enum(['checkpoint-length', 'resized-once']).default('checkpoint-length'),
    // absent: recorded before the rule existed, the mean over the classes present (src/train/recipe.ts)
    miou: z.enum(['present-classes', 'all-classes']).optional(),
  }).default(RECIPES.demo.rules), // runs recorded before recipes existed ran the demo's rules
  model: z.string(), data: z.string(), cacheDir: z.string().optional(),
  saveEvery: positive,
  heads: positive.optional(), family: z.enum(FAMILY_NAMES as [FamilyName, ...FamilyName[]]).optional(),
  mean: rgb.optional(), std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]).optional(),
  classBalanced: z.boolean(), maxPixels: z.number().positive(), maxZipEntryBytes: z.number().positive(),
  recompute: z.enum(['none', 'blocks', 'auto']).default('auto'), // runs recorded before the option existed: auto
  memory: z.enum(['fast', 'lean', 'auto']).default('auto'), // the same for a run recorded before --memory
});
export type TrainSettings = z.infer<typeof SETTINGS>;

export type TrainRequest = { kind: 'fresh'; out: string; overwrite: boolean; settings: TrainSettings } | { kind: 'resume'; out: string };

/** Parses argv; every option is checked here, so a bad value is refused before any file is read. */
export function parseTrainArgs(argv: string[]): TrainRequest {
  const v = parse(argv, SPEC, 'train');
  if (v.resume) {
    const out = requireString(v, 'out', 'train');
    const extra = Object.keys(v).filter((k) => k !== 'resume' && k !== 'out' && v[k] !== undefined);
    if (extra.length) throw new CliError(`train --resume continues with the settings recorded in ${out}/config.json; drop ${extra.map((k) => `--${k}`).join(', ')}`);
    return { kind: 'resume', out };
  }
  const model = requireString(v, 'model', 'train');
  const data = requireString(v, 'data', 'train');
  const out = requireString(v, 'out', 'train');
  /** A recipe setting given on the command line, checked by the recipe schema, or undefined so that the recipe decides. */
  const given = <K extends keyof RecipeSettings>(key: K): RecipeSettings[K] | undefined => {
    const { flag, kind } = RECIPE_SETTINGS[key];
    const raw = v[flag];
    if (raw === undefined) return undefined;
    if (kind.type === 'switch') return false as RecipeSettings[K]; // --no-augment, --no-shuffle
    const value = kind.type === 'number' ? Number(raw) : raw;
    const problem = settingProblem(key, value);
    if (problem) throw new CliError(`--${flag} ${problem}; got "${raw}"`);
    return value as RecipeSettings[K];
  };
  const recipe = given('recipe') ?? 'demo';
  const family = v.family as FamilyName | undefined;
  if (family !== undefined && !FAMILY_NAMES.includes(family)) throw new CliError(`--family ${family} is not a family; one of: ${FAMILY_NAMES.join(', ')}`);
  const std = triple(v, 'std');
  if (std?.some((s) => !(s > 0))) throw new CliError(`--std must be three positive numbers (a std of 0 divides by zero); got "${v.std}"`);
  const evalEvery = given('evalEvery') ?? 0;
  const explicit: Partial<RecipeValues> = {
    steps: given('steps'), batch: given('batch'), accum: given('accum'), crop: given('crop'),
    lrHead: given('lrHead'), lrEncoder: given('lrEncoder'), weightDecay: given('weightDecay'),
    schedule: given('schedule'), freeze: given('freeze'), augment: given('augment'),
  };
  const resolved = resolveRecipe(recipe, explicit);
  const r = resolved.values;
  return {
    kind: 'fresh',
    out,
    overwrite: !!v.overwrite,
    settings: {
      recipe, rules: resolved.rules,
      model, data, cacheDir: v['cache-dir'] as string | undefined,
      steps: r.steps, batch: r.batch, accum: r.accum, crop: r.crop,
      lrHead: r.lrHead, lrEncoder: r.lrEncoder, weightDecay: r.weightDecay,
      schedule: r.schedule, freeze: r.freeze, augment: r.augment,
      shuffle: given('shuffle') ?? true,
      seed: given('seed') ?? 0,
      evalEvery,
      saveEvery: number(v, 'save-every', evalEvery || Math.min(100, r.steps), { integer: true, min: 1 }),
      heads: v.heads === undefined ? undefined : number(v, 'heads', 0, { integer: true, min: 1 }),
      family,
      mean: triple(v, 'mean'),
      std,
      classBalanced: !!v['class-balanced'],
      maxPixels: number(v, 'max-pixels', DEFAULT_MAX_PIXELS / 1e6, { min: 0.000001 }) * 1e6,
      maxZipEntryBytes: number(v, 'max-zip-entry', DEFAULT_MAX_ENTRY_BYTES / 2 ** 20, { min: 0.000001 }) * 2 ** 20,
      recompute: parseRecompute((v.recompute ?? 'auto') as string),
      memory: parseMemory((v.memory ?? 'auto') as string),
    },
  };
}

/** The settings recorded in a run's config.json, checked against the schema (a hand-edited file is named). */
export function recordedSettings(json: unknown, file: string): TrainSettings {
  const r = SETTINGS.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new CliError(`${file}: cannot resume from it — ${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  return r.data;
}
