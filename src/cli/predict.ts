/** @file `vfm-lab predict`: palette PNG masks (pixel value = class id) for an image or a folder. */
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { normalizeInto } from '../data/augment';
import { vocPalette } from '../data/classes';
import { decodeImage, encodePng } from '../data/image';
import { CheckpointError, readSafetensorsWithMetadata } from '../model/safetensors';
import { detectFamily, loadFamilyModel } from '../model/families';
import { createNodeRunner } from '../runtime/node';
import { compileEval } from '../train/graphs';
import { argmaxClasses, slidingLogits } from '../train/evaluate';
import { IMAGENET_MEAN, IMAGENET_STD, parseMetadata } from '../train/session';
import { CliError, number, parse, requireString } from './args';

export const PREDICT_HELP = `vfm-lab predict --model FILE.safetensors --input IMAGE|DIR --out OUTDIR [--crop S] [--batch B]

Writes OUTDIR/<name>.png for every PNG/JPEG input: a palette PNG whose pixel values are class ids.
The model must contain a decoder (seg_head), e.g. the model.safetensors written by "vfm-lab train";
its crop, normalisation and class names are read from the file's metadata.`;

export async function predict(argv: string[]): Promise<void> {
  const v = parse(argv, { model: { type: 'string' }, input: { type: 'string' }, out: { type: 'string' }, crop: { type: 'string' }, batch: { type: 'string' } }, 'predict');
  const modelPath = requireString(v, 'model', 'predict');
  const input = requireString(v, 'input', 'predict');
  const out = requireString(v, 'out', 'predict');
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
  const batch = number(v, 'batch', 1, { integer: true, min: 1 });
  const family = meta?.family ?? detectFamily(tensors.keys());
  const model = loadFamilyModel(tensors, modelPath, { family, numClasses: head.shape[0], crop, heads: meta?.heads, act: meta?.act, normEps: meta?.normEps, windowSize: meta?.windowSize });
  const shapes = new Map([...model.weights].map(([k, t]) => [k, t.shape]));
  const runner = await createNodeRunner(compileEval(model.config, shapes, { batch, crop }, family));
  const feeds = Object.fromEntries([...model.weights].map(([k, t]) => [k, t.data]));
  const mean = meta?.mean ?? IMAGENET_MEAN, std = meta?.std ?? IMAGENET_STD;
  const palette = meta?.classes.map((c) => c.color) ?? vocPalette(head.shape[0]);

  const info = await stat(input).catch(() => undefined);
  if (!info) throw new CliError(`${input}: no such file or folder`);
  const files = info.isDirectory()
    ? (await readdir(input)).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().map((f) => join(input, f))
    : [input];
  if (!files.length) throw new CliError(`${input}: no PNG or JPEG images found`);
  await mkdir(out, { recursive: true });
  for (const [i, file] of files.entries()) {
    const img = decodeImage(new Uint8Array(await readFile(file)), file);
    const pixels = img.width * img.height;
    const chw = new Float32Array(3 * pixels);
    normalizeInto(chw, 0, img.data, pixels, mean, std);
    const scores = await slidingLogits({ chw, height: img.height, width: img.width, label: new Uint8Array(0) }, crop, batch, head.shape[0],
      async (x) => (await runner.run({ ...feeds, image: x }, ['logits'])).logits.data as Float32Array);
    const mask = argmaxClasses(scores, head.shape[0], pixels);
    await writeFile(join(out, `${basename(file, extname(file))}.png`), encodePng(img.width, img.height, 1, mask, palette.slice(0, 256)));
    process.stderr.write(`predicted ${i + 1}/${files.length}: ${file}\n`);
  }
}
