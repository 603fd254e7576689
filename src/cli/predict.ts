/** @file `vfm-lab predict`: palette PNG masks (pixel value = class id) for an image or a folder. */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, isAbsolute } from 'node:path';
import { normalizeInto } from '../data/augment';
import { vocPalette } from '../data/classes';
import { DEFAULT_MAX_PIXELS, decodeImage, encodePng } from '../data/image';
import { CheckpointError, readSafetensorsWithMetadata } from '../model/safetensors';
import { detectFamily, loadFamilyModel } from '../model/families';
import { createNodeRunner } from '../runtime/node';
import { compileEval } from '../train/graphs';
import { argmaxClasses, slidingLogits, windowsOf, type Windows } from '../train/evaluate';
import { RECIPES } from '../train/recipe';
import { IMAGENET_MEAN, IMAGENET_STD, parseMetadata, recordedArchitecture, recordedWindows, type ModelMetadata } from '../train/session';
import { CliError, number, parse, requireString } from './args';
import { ensureWritableDir, writeAtomic } from './files';

export const PREDICT_HELP = `vfm-lab predict --model FILE.safetensors --input IMAGE|DIR --out OUTDIR [--crop S] [--batch B]

Writes OUTDIR/<name>.png for every PNG/JPEG input: a palette PNG whose pixel values are class ids.
The model must contain a decoder (seg_head), e.g. the model.safetensors written by "vfm-lab train";
its class names and its run's evaluation procedure (crop, windows, resize, normalisation) are read
from the file's metadata, so the masks are those its evaluation scored (eval.json).`;

export async function predict(argv: string[]): Promise<void> {
  const v = parse(argv, {
    model: { type: 'string' }, input: { type: 'string' }, out: { type: 'string' }, crop: { type: 'string' }, batch: { type: 'string' },
    overwrite: { type: 'boolean' }, 'max-pixels': { type: 'string' },
  }, 'predict');
  const modelPath = requireString(v, 'model', 'predict');
  const input = requireString(v, 'input', 'predict');
  const out = requireString(v, 'out', 'predict');
  const maxPixels = number(v, 'max-pixels', DEFAULT_MAX_PIXELS / 1e6, { min: 0.000001 }) * 1e6;
  const batch = number(v, 'batch', 1, { integer: true, min: 1 });
  const jobs = await plan(input, out, !!v.overwrite);
  await ensureWritableDir(out);
  const bytes = await readFile(modelPath).catch(() => {
    throw new CheckpointError(`${modelPath}: cannot read the checkpoint file`);
  });
  const { tensors, metadata } = readSafetensorsWithMetadata(new Uint8Array(bytes), modelPath);
  const head = tensors.get('seg_head.weight');
  if (!head) throw new CheckpointError(`${modelPath}: no seg_head (decoder); train the model first with "vfm-lab train"`);
  const meta = parseMetadata(metadata, modelPath);
  const pos = tensors.get('pos_embed');
  const patch = tensors.get('patch_embed.proj.weight')?.shape[2] ?? 16;
  const nativeCrop = pos ? (pos.shape.length === 4 ? pos.shape[1] : Math.floor(Math.sqrt(pos.shape[1]))) * patch : 224; // SAM: [1, h, w, D]
  const crop = number(v, 'crop', meta?.crop ?? nativeCrop, { integer: true, min: 1 });
  const windows = windowsFor(meta, modelPath);
  const family = meta?.family ?? detectFamily(tensors.keys());
  const model = loadFamilyModel(tensors, modelPath, { family, numClasses: head.shape[0], crop, ...recordedArchitecture(meta) });
  const shapes = new Map([...model.weights].map(([k, t]) => [k, t.shape]));
  const runner = await createNodeRunner(compileEval(model.config, shapes, { batch, crop }, family));
  const feeds = Object.fromEntries([...model.weights].map(([k, t]) => [k, t.data]));
  const mean = meta?.mean ?? IMAGENET_MEAN, std = meta?.std ?? IMAGENET_STD;
  const palette = meta?.classes.map((c) => c.color) ?? vocPalette(head.shape[0]);

  for (const [i, { file, target }] of jobs.entries()) {
    const img = decodeImage(new Uint8Array(await readFile(file)), file, { maxPixels });
    const pixels = img.width * img.height;
    const chw = new Float32Array(3 * pixels);
    normalizeInto(chw, 0, img.data, pixels, mean, std);
    const scores = await slidingLogits({ chw, height: img.height, width: img.width, label: new Uint8Array(0) }, crop, batch, head.shape[0],
      async (x) => (await runner.run({ ...feeds, image: x }, ['logits'])).logits.data as Float32Array, windows);
    const mask = argmaxClasses(scores, head.shape[0], pixels);
    await writeAtomic(target, encodePng(img.width, img.height, 1, mask, palette.slice(0, 256)));
    process.stderr.write(`predicted ${i + 1}/${jobs.length}: ${file} → ${target}\n`);
  }
}

/**
 * The windows the model's run evaluated with (its metadata's record). A file without the record
 * (saved before it existed, or not by vfm-lab) gets the demo's 2-D grid, and the log says so.
 */
function windowsFor(meta: ModelMetadata | undefined, file: string): Windows {
  const recorded = recordedWindows(meta);
  if (recorded) return recorded;
  const grid = windowsOf(RECIPES.demo.rules);
  process.stderr.write(`note: ${file} records no evaluation procedure (saved before vfm-lab recorded it, or not by vfm-lab); predicting with the demo recipe's ${grid.layout} windows, which differ from a benchmark recipe's evaluation\n`);
  return grid;
}

/**
 * Input files and their mask paths, checked before the model is loaded: the output folder is not
 * the input folder or inside it, no two inputs share a mask name, and no mask is replaced without
 * --overwrite.
 */
async function plan(input: string, out: string, overwrite: boolean): Promise<{ file: string; target: string }[]> {
  const info = await stat(input).catch(() => undefined);
  if (!info) throw new CliError(`${input}: no such file or folder`);
  const files = info.isDirectory()
    ? (await readdir(input)).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().map((f) => join(input, f))
    : [input];
  if (!files.length) throw new CliError(`${input}: no PNG or JPEG images found`);
  const inputDir = await realpath(info.isDirectory() ? input : dirname(input));
  const outDir = await realpath(out).catch(() => resolve(out)); // a folder to be created: compare where it would be
  const rel = relative(inputDir, outDir);
  if (info.isDirectory() && (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))) {
    throw new CliError(`--out ${out} is ${rel === '' ? 'the input folder' : 'inside the input folder'} ${input}: masks would mix with (or replace) the images; choose another folder`);
  }
  const stems = new Map<string, number>();
  for (const f of files) stems.set(basename(f, extname(f)), (stems.get(basename(f, extname(f))) ?? 0) + 1);
  const jobs = files.map((file) => {
    const stem = basename(file, extname(file));
    // x.png and x.jpg would both write x.png: such inputs keep their extension in the name
    const name = stems.get(stem)! > 1 ? `${stem}_${extname(file).slice(1).toLowerCase()}` : stem;
    return { file, target: join(out, `${name}.png`) };
  });
  for (const { file, target } of jobs) {
    if (resolve(target) === resolve(file)) throw new CliError(`${target}: the mask would replace its own input image; choose another --out`);
    if (!overwrite && (await stat(target).then(() => true, () => false))) {
      throw new CliError(`${target} already exists; pass --overwrite to replace the masks in ${out}, or choose another --out`);
    }
  }
  return jobs;
}
