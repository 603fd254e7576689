/**
 * @file The workspace as a dataset file set: the generic layout that src/data's `openDataset` (and
 * so the CLI) reads unchanged — `train/images/<stem>.<ext>` (the original file bytes),
 * `train/masks/<stem>.png` (8-bit gray, value = class id, 255 = unlabelled), the same under `val/`,
 * and the classes as `classes.txt` (one name per line) plus `classes.json` (names and colours,
 * which `openDataset` prefers, so colours survive a round trip). Importing reads any layout
 * `openDataset` knows through the same reader, so what the CLI would train on is what comes back.
 */
import { zipSync } from 'fflate';
import { openDataset, readSample, type Dataset } from '../data/dataset';
import { DatasetError } from '../data/errors';
import { vocPalette } from '../data/classes';
import { encodePng, type DecodeLimits } from '../data/png';
import type { FileSource } from '../data/source';
import { MAX_CLASSES, UNLABELLED, chooseSplit, type LabelClass, type LabelImage, type LabelWorkspace } from './workspace';

export interface LabelledImage {
  image: LabelImage;
  /** The original file's bytes (PNG or JPEG: the formats the dataset reader takes). */
  bytes: Uint8Array;
  mask: Uint8Array;
}

export interface BundleFile {
  path: string;
  bytes: Uint8Array;
}

/** An image the export cannot write; the message names the image. */
export class LabelExportError extends Error {
  override name = 'LabelExportError';
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** A file-name-safe stem: characters other than letters, digits, '-', '_' and '.' become '_'. */
const safeName = (stem: string) => stem.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '').slice(0, 100) || 'image';
const stemOf = (fileName: string) => fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');

/** `base`, or "base-2", "base-3", … — the first not yet taken (ignoring case: macOS and Windows folders do). */
function unique(base: string, taken: Set<string>): string {
  let name = base;
  for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}-${k}`;
  taken.add(name.toLowerCase());
  return name;
}

/** One file stem per image, from its name (made safe, repeats numbered). */
export function stemsFor(images: readonly LabelImage[]): Map<string, string> {
  const taken = new Set<string>();
  return new Map(images.map((img) => [img.id, unique(safeName(stemOf(img.name)), taken)]));
}

function checkImage(ws: LabelWorkspace, { image, bytes, mask }: LabelledImage): 'png' | 'jpg' {
  if (mask.length !== image.width * image.height) {
    throw new LabelExportError(`${image.name}: its mask holds ${mask.length} pixels, the image is ${image.width}×${image.height}`);
  }
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== UNLABELLED && mask[i] >= ws.classes.length) {
      throw new LabelExportError(`${image.name}: class ${mask[i]} at pixel (${i % image.width}, ${Math.floor(i / image.width)}) is not one of the ${ws.classes.length} classes`);
    }
  }
  if (isPng(bytes)) return 'png';
  if (isJpeg(bytes)) return 'jpg';
  throw new LabelExportError(`${image.name}: not a PNG or JPEG file, which is all the dataset reader takes; add it again as PNG or JPEG`);
}

/** The workspace's files in the generic layout, splits by `chooseSplit(ws.images, ws.seed)`. */
export function exportGenericLayout(ws: LabelWorkspace, images: readonly LabelledImage[]): BundleFile[] {
  if (ws.classes.length === 0 || ws.classes.length > MAX_CLASSES) throw new LabelExportError(`the workspace has ${ws.classes.length} classes; a dataset needs 1 to ${MAX_CLASSES}`);
  const ids = new Set<string>();
  for (const { image } of images) {
    // stems and splits are looked up by id: a repeated id would write two photos to one file
    if (ids.has(image.id)) throw new LabelExportError(`${image.name}: its id ${JSON.stringify(image.id)} is used by another image too`);
    ids.add(image.id);
  }
  const splits = chooseSplit(images.map((i) => i.image), ws.seed);
  const stems = stemsFor(images.map((i) => i.image));
  const files: BundleFile[] = [];
  for (const item of images) {
    const ext = checkImage(ws, item);
    const split = splits.get(item.image.id)!;
    const stem = stems.get(item.image.id)!;
    files.push({ path: `${split}/images/${stem}.${ext}`, bytes: item.bytes });
    files.push({ path: `${split}/masks/${stem}.png`, bytes: encodePng(item.image.width, item.image.height, 1, item.mask) });
  }
  // a newline inside a name would split it into two classes in classes.txt
  const names = ws.classes.map((c) => c.name.replace(/[\r\n]+/g, ' ').trim() || 'unnamed');
  files.push({ path: 'classes.txt', bytes: new TextEncoder().encode(names.join('\n') + '\n') });
  files.push({ path: 'classes.json', bytes: new TextEncoder().encode(JSON.stringify(ws.classes.map((c, i) => ({ name: names[i], color: c.color })), null, 1)) });
  return files;
}

/** The same files as one zip (fflate; a fixed time stamp, so the same workspace gives the same bytes). */
export function exportZip(ws: LabelWorkspace, images: readonly LabelledImage[]): Uint8Array {
  const files = exportGenericLayout(ws, images);
  // images are already compressed: storing them costs nothing and saves the time
  return zipSync(Object.fromEntries(files.map((f) => [f.path, [f.bytes, { level: f.path.includes('/images/') ? 0 : 6 }]])), { mtime: new Date(Date.UTC(2024, 0, 1)) });
}

/** Whether the dataset's train/val split is in its files (kept as overrides) or drawn by openDataset (left 'auto'). */
async function splitIsInFiles(ds: Dataset): Promise<boolean> {
  if (ds.format === 'coco') return false;
  if (ds.format !== 'generic') return true;
  return (await ds.source.list()).some((p) => /(^|\/)val\/images\//.test(p));
}

/**
 * A dataset (the exported zip, or any layout `openDataset` reads) as a workspace to go on labelling.
 * Every mask is read with the dataset reader's checks (a mask of the wrong size, or a label out of
 * range, is refused with a DatasetError naming the file); nothing is returned unless all are good.
 * Every image is decoded once (for its size and the reader's checks): run it off the page's thread.
 */
export async function importGenericLayout(
  source: FileSource,
  opts: { limits?: DecodeLimits; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ ws: LabelWorkspace; images: LabelledImage[] }> {
  const ds = await openDataset(source, { limits: opts.limits });
  const pinned = await splitIsInFiles(ds);
  const refs = [...ds.train.map((r) => ({ ref: r, split: 'train' as const })), ...ds.val.map((r) => ({ ref: r, split: 'val' as const }))];
  const ids = new Set<string>();
  const images: LabelledImage[] = [];
  let maxId = -1;
  for (const { ref, split } of refs) {
    const sample = await readSample(ds, ref);
    for (let i = 0; i < sample.mask.length; i++) {
      const v = sample.mask[i];
      if (v === UNLABELLED) continue;
      if (ds.classes.length && v >= ds.classes.length) {
        throw new DatasetError(`${ref.mask}: label ${v} is out of range (the dataset has ${ds.classes.length} classes, ids 0…${ds.classes.length - 1}, and 255 = unlabelled).`);
      }
      maxId = Math.max(maxId, v);
    }
    // the id names the image's files in storage: made safe and unique like an export's stems
    const id = unique(safeName(ref.stem), ids);
    const name = ref.image.slice(ref.image.lastIndexOf('/') + 1);
    images.push({ image: { id, name, width: sample.width, height: sample.height, split: pinned ? split : 'auto' }, bytes: await source.read(ref.image), mask: sample.mask });
    opts.onProgress?.(images.length, refs.length);
  }
  const palette = vocPalette();
  const classes: LabelClass[] = ds.classes.length
    ? ds.classes.map((c) => ({ name: c.name, color: [...c.color] as LabelClass['color'] }))
    : Array.from({ length: Math.max(1, maxId + 1) }, (_, i) => ({ name: i === 0 ? 'background' : `class ${i}`, color: palette[i] }));
  return { ws: { classes, images: images.map((i) => i.image), seed: 0 }, images };
}
