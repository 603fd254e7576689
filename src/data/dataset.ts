/**
 * @file Dataset formats, auto-detected from the file layout (a folder or a zip, possibly wrapped
 * in one top folder): generic (`train/`+`val/` or flat `images/`+`masks/`), Pascal VOC 2012,
 * ADE20K, Cityscapes and COCO-style segmentation JSON (./coco). Opening only lists files; `validateDataset` decodes everything once and
 * refuses bad input with a message that names the file.
 */
import {
  ADE20K_CLASSES, CITYSCAPES_CLASSES, INVALID_LABEL, VOC_CLASSES, adeLabels, cityscapesLabels, identityLabels, vocPalette, type LabelMap, type RGB,
} from './classes';
import { findCocoJsons, openCoco } from './coco';
import { DatasetError } from './errors';
import { decodeImage, decodeMask, type DecodeLimits, type Mask } from './image';
import { exifRotationHint } from './jpeg';
import { gta5Labels, gta5Note, resizeMaskNearest } from './gta5';
import { unrecognisedLayout } from './layouts';
import { mulberry32 } from './random';
import type { FileSource } from './source';

export interface ClassInfo {
  name: string;
  color: RGB;
}
export interface SampleRef {
  stem: string;
  image: string;
  /** The mask's file; for COCO, the JSON file and the image's id (its label map is drawn from the annotations). */
  mask: string;
}
export type DatasetFormat = 'generic' | 'voc' | 'ade20k' | 'cityscapes' | 'gta5' | 'coco';

export interface Dataset {
  name: string;
  format: DatasetFormat;
  classes: ClassInfo[];
  train: SampleRef[];
  val: SampleRef[];
  source: FileSource;
  labelMap: LabelMap;
  /** Bounds on every decode (pixel limit per image); defaults when absent. */
  limits?: DecodeLimits;
  /** Label maps that are not files (COCO): drawn per sample instead of decoding `ref.mask`. */
  drawMask?: (ref: SampleRef, limits?: DecodeLimits) => Promise<Mask>;
  /** Something the user should know about the labels (COCO: what unannotated pixels become). */
  note?: string;
  /** A label map of another size than its image is resized to it (nearest), as the benchmark does for GTA5. */
  resizeLabels?: boolean;
}

export interface Sample {
  stem: string;
  width: number;
  height: number;
  /** RGB, HWC. */
  image: Uint8Array;
  /** Class ids, 255 = ignore. */
  mask: Uint8Array;
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;
const stemOf = (p: string) => p.slice(p.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
const byStem = (a: SampleRef, b: SampleRef) => (a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : 0);

export async function openDataset(source: FileSource, opts: { valFraction?: number; seed?: number; limits?: DecodeLimits } = {}): Promise<Dataset> {
  const ds = await openLayout(source, opts);
  return opts.limits ? { ...ds, limits: opts.limits } : ds;
}

async function openLayout(source: FileSource, opts: { valFraction?: number; seed?: number }): Promise<Dataset> {
  // hidden files (.DS_Store, macOS "._x.png" forks) are never samples
  const paths = (await source.list()).filter((p) => !p.split('/').some((part) => part.startsWith('.')));
  if (paths.length === 0) throw new DatasetError(`${source.name}: the dataset is empty (no files).`);
  const find = (re: RegExp) => paths.map((p) => re.exec(p)).find(Boolean)?.[1];
  const base = { name: source.name, source };

  const voc = find(/^(.*?)JPEGImages\//);
  if (voc !== undefined) {
    if (!paths.some((p) => p.startsWith(`${voc}SegmentationClass/`))) {
      throw new DatasetError(`${source.name}: Pascal VOC layout (${voc}JPEGImages/) without the folder ${voc}SegmentationClass/.`);
    }
    const split = async (s: string) => {
      const list = `${voc}ImageSets/Segmentation/${s}.txt`;
      if (!paths.includes(list)) throw new DatasetError(`${source.name}: Pascal VOC layout without the split file ${list}.`);
      const stems = new TextDecoder().decode(await source.read(list)).split(/\s+/).filter(Boolean);
      return stems.map((stem) => ({ stem, image: `${voc}JPEGImages/${stem}.jpg`, mask: `${voc}SegmentationClass/${stem}.png` }));
    };
    const palette = vocPalette(21);
    return finish({ ...base, format: 'voc', classes: VOC_CLASSES.map((name, i) => ({ name, color: palette[i] })), train: await split('train'), val: await split('val'), labelMap: identityLabels() }, paths);
  }

  const ade = find(/^(.*?)images\/training\//);
  if (ade !== undefined) {
    if (!paths.some((p) => p.startsWith(`${ade}annotations/training/`))) {
      throw new DatasetError(`${source.name}: ADE20K layout (${ade}images/training/) without the folder ${ade}annotations/training/.`);
    }
    const split = (s: string) => pairs(paths, `${ade}images/${s}/`, `${ade}annotations/${s}/`, (stem) => `${stem}.png`);
    const palette = vocPalette(151).slice(1);
    return finish({ ...base, format: 'ade20k', classes: ADE20K_CLASSES.map((name, i) => ({ name, color: palette[i] })), train: split('training'), val: split('validation'), labelMap: adeLabels() }, paths);
  }

  const city = find(/^(.*?)leftImg8bit\/(?:train|val)\//);
  const cityClasses = CITYSCAPES_CLASSES.map(([name, , color]) => ({ name, color }));
  // GTA5 (./gta5): images/ + labels/; with Cityscapes val beside them, that is its val split
  const gta = find(/^(.*?)images\/\d{5}\.png$/); // GTA5 names its frames 00001.png …
  if (gta !== undefined && paths.some((p) => p.startsWith(`${gta}labels/`))) {
    const all = pairs(paths, `${gta}images/`, `${gta}labels/`);
    const withCity = city === gta && paths.some((p) => p.startsWith(`${gta}gtFine/val/`));
    const { train, val } = withCity ? { train: all, val: cityscapesSplit(paths, gta, 'val') } : seededSplit(all, opts.valFraction ?? 0.2, opts.seed ?? 0);
    return finish({ ...base, format: 'gta5', classes: cityClasses, train, val, labelMap: gta5Labels(), resizeLabels: true, note: gta5Note(withCity, val.length) }, paths);
  }
  if (city !== undefined) {
    if (!paths.some((p) => p.startsWith(`${city}gtFine/`))) {
      throw new DatasetError(`${source.name}: Cityscapes layout (${city}leftImg8bit/) without the folder ${city}gtFine/ (extract gtFine_trainvaltest beside it).`);
    }
    return finish({ ...base, format: 'cityscapes', classes: cityClasses, train: cityscapesSplit(paths, city, 'train'), val: cityscapesSplit(paths, city, 'val'), labelMap: cityscapesLabels() }, paths);
  }

  const cocoJsons = await findCocoJsons(source, paths);
  if (cocoJsons.length) {
    const coco = await openCoco(source, paths, cocoJsons);
    let train = [...coco.train, ...coco.unsplit], val = coco.val;
    // no val/valid/test file (CVAT's one instances_default.json): hold out a seeded fraction
    if (val.length === 0 && train.length > 1) ({ train, val } = seededSplit(train, opts.valFraction ?? 0.2, opts.seed ?? 0));
    return finish({ ...base, format: 'coco', classes: coco.classes, train: [...train].sort(byStem), val: [...val].sort(byStem), labelMap: identityLabels(), drawMask: coco.mask, note: coco.note }, paths);
  }

  const generic = find(/^(.*?)train\/images\//);
  if (generic !== undefined) {
    const split = (s: string) => pairs(paths, `${generic}${s}/images/`, `${generic}${s}/masks/`);
    const classes = await readClassFile(source, paths, generic);
    let train = split('train'), val = split('val');
    // no val/ folder: hold out a seeded fraction of train/, as for the flat layout
    if (val.length === 0 && train.length > 1) ({ train, val } = seededSplit(train, opts.valFraction ?? 0.2, opts.seed ?? 0));
    return finish({ ...base, format: 'generic', classes, train, val, labelMap: identityLabels() }, paths);
  }
  const flat = find(/^(.*?)images\//);
  if (flat !== undefined) {
    if (!paths.some((p) => p.startsWith(`${flat}masks/`))) throw new DatasetError(`${source.name}: found ${flat}images/ but no ${flat}masks/ folder beside it.`);
    const all = pairs(paths, `${flat}images/`, `${flat}masks/`);
    const { train, val } = seededSplit(all, opts.valFraction ?? 0.2, opts.seed ?? 0);
    const classes = await readClassFile(source, paths, flat);
    return finish({ ...base, format: 'generic', classes, train, val, labelMap: identityLabels() }, paths);
  }
  throw new DatasetError(unrecognisedLayout(source.name, paths));
}

/** Cityscapes' `leftImg8bit/<split>/<city>/*_leftImg8bit.png` with `gtFine/<split>/<city>/*_gtFine_labelIds.png`. */
function cityscapesSplit(paths: string[], root: string, s: string): SampleRef[] {
  return paths
    .filter((p) => p.startsWith(`${root}leftImg8bit/${s}/`) && p.endsWith('_leftImg8bit.png'))
    .map((image) => {
      const stem = stemOf(image).replace(/_leftImg8bit$/, '');
      const cityDir = image.slice(`${root}leftImg8bit/`.length, image.lastIndexOf('/') + 1); // "train/aachen/"
      return { stem, image, mask: `${root}gtFine/${cityDir}${stem}_gtFine_labelIds.png` };
    })
    .sort(byStem);
}

/** A path with its extension in lower case: `x.PNG` and `x.png` name the same mask. */
const lowerExt = (p: string) => p.replace(/\.[^./]+$/, (ext) => ext.toLowerCase());

/** Image/mask pairs by stem; a mask is a PNG with the image's stem (or `maskName(stem)`), its extension in any case. */
function pairs(paths: string[], imageDir: string, maskDir: string, maskName = (stem: string) => `${stem}.png`): SampleRef[] {
  const masks = new Map(paths.filter((p) => p.startsWith(maskDir)).map((p) => [lowerExt(p), p]));
  return paths
    .filter((p) => p.startsWith(imageDir) && !p.slice(imageDir.length).includes('/') && IMAGE_EXT.test(p))
    .map((image) => {
      const mask = `${maskDir}${maskName(stemOf(image))}`;
      return { stem: stemOf(image), image, mask: masks.get(lowerExt(mask)) ?? mask };
    })
    .sort(byStem);
}

function finish(ds: Dataset, paths: string[]): Dataset {
  const present = new Set(paths);
  for (const ref of [...ds.train, ...ds.val]) {
    if (!present.has(ref.image)) throw new DatasetError(`${ds.name}: missing image ${ref.image} (listed in the split file).`);
    if (!ds.drawMask && !present.has(ref.mask)) throw new DatasetError(`${ds.name}: missing mask for ${ref.image} (expected ${ref.mask}).`);
  }
  if (ds.train.length === 0) throw new DatasetError(`${ds.name}: the dataset is empty: no training images found (${ds.format} layout).`);
  if (ds.val.length === 0) throw new DatasetError(`${ds.name}: no validation images found (${ds.format} layout).`);
  return ds;
}

async function readClassFile(source: FileSource, paths: string[], root: string): Promise<ClassInfo[]> {
  const palette = vocPalette();
  const json = `${root}classes.json`;
  const txt = `${root}classes.txt`;
  if (paths.includes(json)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(await source.read(json)));
    } catch {
      throw new DatasetError(`${json}: not valid JSON`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw new DatasetError(`${json}: expected a non-empty array of class names or {name, color} objects`);
    return parsed.map((c, i) => {
      if (typeof c === 'string') return { name: c, color: palette[i] };
      if (c && typeof c.name === 'string') return { name: c.name, color: Array.isArray(c.color) && c.color.length === 3 ? (c.color as RGB) : palette[i] };
      throw new DatasetError(`${json}: entry ${i} is neither a name nor {name, color}`);
    });
  }
  if (paths.includes(txt)) {
    const names = new TextDecoder().decode(await source.read(txt)).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    if (!names.length) throw new DatasetError(`${txt}: no class names`);
    return names.map((name, i) => ({ name, color: palette[i] }));
  }
  return []; // filled from the ids found in the masks by validateDataset
}

/** A seeded (mulberry32) shuffle, then the first ⌈f·n⌉ go to val. */
function seededSplit(all: SampleRef[], fraction: number, seed: number): { train: SampleRef[]; val: SampleRef[] } {
  const order = [...all];
  const rand = mulberry32(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nVal = Math.min(order.length - 1, Math.max(1, Math.ceil(fraction * order.length)));
  return { train: order.slice(nVal).sort(byStem), val: order.slice(0, nVal).sort(byStem) };
}

export async function readSample(ds: Dataset, ref: SampleRef): Promise<Sample> {
  const bytes = await ds.source.read(ref.image);
  const image = decodeImage(bytes, ref.image, ds.limits);
  let mask = ds.drawMask ? await ds.drawMask(ref, ds.limits) : decodeMask(await ds.source.read(ref.mask), ref.mask, ds.limits);
  if (ds.resizeLabels && (image.width !== mask.width || image.height !== mask.height)) mask = resizeMaskNearest(mask, image.width, image.height);
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new DatasetError(`${ref.mask}: the mask is ${mask.width}×${mask.height} but its image ${ref.image} is ${image.width}×${image.height}.${exifRotationHint(bytes, image, mask)}`);
  }
  const labels = new Uint8Array(mask.data.length);
  const map = ds.labelMap;
  for (let i = 0; i < labels.length; i++) {
    const y = map[mask.data[i]];
    if (y === INVALID_LABEL) {
      throw new DatasetError(`${ref.mask}: label ${mask.data[i]} is out of range for the ${ds.format} format (at pixel ${i % mask.width}, ${Math.floor(i / mask.width)}).`);
    }
    labels[i] = y;
  }
  return { stem: ref.stem, width: image.width, height: image.height, image: image.data, mask: labels };
}

export interface DatasetSummary {
  train: number;
  val: number;
  /** Labelled training pixels per class. */
  pixelsPerClass: number[];
  /** Images per split in which each class appears (the dataset zone's class preview). */
  imagesPerClass: { train: number[]; val: number[] };
  absentFromTrain: string[];
  /** ∝ 1/√frequency, mean 1 over present classes; 0 for absent ones. */
  classWeights: Float32Array;
  /** Samples whose label map holds a single value (the benchmark's recipe leaves them out). */
  singleValued: SampleRef[];
}

/** Decodes every sample once; fills class names from the masks when the dataset had none. */
export async function validateDataset(ds: Dataset, onProgress?: (done: number, total: number) => void): Promise<DatasetSummary> {
  const all = [...ds.train.map((r) => [r, true] as const), ...ds.val.map((r) => [r, false] as const)];
  const counts: number[] = [];
  const known = ds.classes.length;
  const labelled = { train: 0, val: 0 };
  let done = 0;
  const singleValued: SampleRef[] = [];
  const images = { train: [] as number[], val: [] as number[] };
  for (const [ref, isTrain] of all) {
    const s = await readSample(ds, ref);
    if (s.mask.every((v) => v === s.mask[0])) singleValued.push(ref);
    const seen = new Uint8Array(256);
    for (let i = 0; i < s.mask.length; i++) {
      const y = s.mask[i];
      if (y === 255) continue;
      seen[y] = 1;
      labelled[isTrain ? 'train' : 'val']++;
      if (known && y >= known) {
        throw new DatasetError(`${ref.mask}: label ${y} is out of range (the dataset has ${known} classes, ids 0…${known - 1}, and 255 = ignore).`);
      }
      if (isTrain) counts[y] = (counts[y] ?? 0) + 1;
      else counts[y] = counts[y] ?? 0;
    }
    const perImage = images[isTrain ? 'train' : 'val'];
    seen.forEach((v, y) => (perImage[y] = (perImage[y] ?? 0) + v));
    onProgress?.(++done, all.length);
  }
  // a split of all-ignore masks would train on nothing or report a meaningless 0% mIoU
  for (const split of ['train', 'val'] as const) {
    if (labelled[split] === 0) {
      throw new DatasetError(`${ds.name}: the ${split} split has no labelled pixel — all ${ds[split].length} of its masks are 255 (ignore) everywhere.`);
    }
  }
  if (!known) {
    const palette = vocPalette();
    ds.classes = Array.from({ length: counts.length }, (_, i) => ({ name: `class ${i}`, color: palette[i] }));
  }
  const pixels = ds.classes.map((_, i) => counts[i] ?? 0);
  const present = pixels.filter((p) => p > 0);
  const raw = pixels.map((p) => (p > 0 ? 1 / Math.sqrt(p) : 0));
  const mean = present.length ? raw.reduce((a, b) => a + b, 0) / present.length : 1;
  return {
    train: ds.train.length,
    val: ds.val.length,
    pixelsPerClass: pixels,
    imagesPerClass: { train: ds.classes.map((_, i) => images.train[i] ?? 0), val: ds.classes.map((_, i) => images.val[i] ?? 0) },
    absentFromTrain: ds.classes.filter((_, i) => pixels[i] === 0).map((c) => c.name),
    classWeights: Float32Array.from(raw, (w) => w / mean),
    singleValued,
  };
}
