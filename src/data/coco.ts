/**
 * @file COCO-style segmentation JSON as a dataset layout, as Roboflow and CVAT export it:
 * Roboflow's `train/ valid/ test/`, each with `_annotations.coco.json` beside its images; COCO's
 * and CVAT's `annotations/instances_<split>.json` with the images in `<split>/`, `images/` or
 * `images/<split>/`. Each image's annotations become one semantic label map (pixels in
 * ./coco-masks, pycocotools' semantics):
 *
 * - classes: the categories by id, each its own class index; a category named "background"
 *   (or `_background_`) comes first as class 0. Roboflow's parent category (id 0, the other
 *   categories' supercategory, never annotated) is that background under its real name.
 * - pixels covered by no annotation: class 0 when the export has such a background category,
 *   otherwise 255 (ignored by the loss and mIoU) — an export without one says nothing about them.
 * - overlaps: annotations are painted largest first, so a smaller object on a larger one stays
 *   visible (the order of semantic conversions such as detectron2's; torchvision's reference
 *   instead ignores every overlapped pixel); equal areas keep the file's order, later on top.
 * - `iscrowd: 1` regions beside single-object annotations of their category in the same image
 *   are 255 where no single-object annotation covers them: COCO's own evaluation treats such a
 *   crowd as "don't care", its outline does not follow the objects. An `iscrowd: 1` region with
 *   no single object of its category in the image is labelled with its category: CVAT exports
 *   every brush mask that way, meaning the object.
 *
 * Everything is checked when the dataset opens; a malformed file or annotation is refused with
 * a message naming the JSON file and the annotation's id.
 */
import { vocPalette } from './classes';
import { countsFromString, fillPolygon, fillRle } from './coco-masks';
import type { ClassInfo, SampleRef } from './dataset';
import { DatasetError } from './errors';
import { DEFAULT_MAX_PIXELS, type DecodeLimits, type Mask } from './png';
import type { FileSource } from './source';

/** `_annotations.coco.json` (Roboflow), any `*.coco.json`, or `instances_*.json` (COCO, CVAT). */
export const isCocoJson = (path: string) => /(^|\/)([^/]*\.coco|instances_[^/]*)\.json$/i.test(path);

/** Looked into when no file is named as COCO (Label Studio's `result.json`, a hand-named `annotations.json`). */
const MAX_UNNAMED_JSONS = 8;

/**
 * The dataset's COCO files: those named as COCO, else the few other JSON files (not classes.json)
 * whose content has COCO's "images", "annotations" and "categories" arrays.
 */
export async function findCocoJsons(source: FileSource, paths: string[]): Promise<string[]> {
  const named = paths.filter(isCocoJson);
  if (named.length) return named;
  const others = paths.filter((p) => /\.json$/i.test(p) && !/(^|\/)classes\.json$/i.test(p));
  if (others.length === 0 || others.length > MAX_UNNAMED_JSONS) return [];
  const found: string[] = [];
  for (const p of others) {
    try {
      const d = JSON.parse(new TextDecoder().decode(await source.read(p)));
      if (Array.isArray(d?.images) && Array.isArray(d?.annotations) && Array.isArray(d?.categories)) found.push(p);
    } catch {
      // not JSON, or not ours: the layout detection goes on without it
    }
  }
  return found;
}

type Segmentation = { polygons: number[][] } | { counts: number[]; height: number; width: number };
interface Annotation {
  id: string;
  category: number;
  crowd: boolean;
  segmentation: Segmentation;
}
interface ImageEntry {
  ref: SampleRef;
  width: number;
  height: number;
  annotations: Annotation[];
}

export interface CocoLayout {
  classes: ClassInfo[];
  /** Images by split; `unsplit` are those of a file named for no split (CVAT's `instances_default.json`). */
  train: SampleRef[];
  val: SampleRef[];
  unsplit: SampleRef[];
  /** What pixels outside every annotation become, said in the UI. */
  note: string;
  /** The label map of one image of this layout (class ids, 255 = ignore). */
  mask(ref: SampleRef, limits?: DecodeLimits): Promise<Mask>;
}

type Split = 'train' | 'val' | 'test' | 'unsplit';
const BACKGROUND = /^_*background_*$/i;

/** Which split a JSON file holds: Roboflow's folder name, or COCO's `instances_<split>…`. */
function splitOf(json: string): Split {
  const file = json.slice(json.lastIndexOf('/') + 1);
  const named = /^instances_(.*)\.json$/i.exec(file)?.[1] ?? json.split('/').at(-2) ?? '';
  if (/^train/i.test(named)) return 'train';
  if (/^(val|valid|validation)(\d|$)/i.test(named)) return 'val';
  if (/^test/i.test(named)) return 'test';
  return 'unsplit';
}

export async function openCoco(source: FileSource, paths: string[], jsons: string[]): Promise<CocoLayout> {
  const parsed = await Promise.all(jsons.map(async (json) => ({ json, split: splitOf(json), doc: parseJson(json, await source.read(json)) })));
  const { classes, indexOf, background, note } = classesOf(parsed);
  const entries = new Map<string, ImageEntry>();
  const present = new Set(paths);
  const splits: Record<Split, SampleRef[]> = { train: [], val: [], test: [], unsplit: [] };
  for (const { json, split, doc } of parsed) {
    for (const e of imagesOf(json, doc, present)) {
      entries.set(e.ref.mask, e);
      splits[split].push(e.ref);
    }
  }
  // Roboflow's test split stands in for a missing valid/ split; otherwise it is left out
  const val = splits.val.length ? splits.val : splits.test;
  return {
    classes, note, train: splits.train, val, unsplit: splits.unsplit,
    mask: async (ref, limits) => {
      const e = entries.get(ref.mask);
      if (!e) throw new DatasetError(`${ref.mask}: no such image in the COCO annotations.`);
      return labelMap(e, indexOf, background, limits);
    },
  };
}

type Doc = { images: Record<string, unknown>[]; annotations: Record<string, unknown>[]; categories: Record<string, unknown>[] };

function parseJson(json: string, bytes: Uint8Array): Doc {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new DatasetError(`${json}: not valid JSON (${(e as Error).message}).`);
  }
  const d = doc as Partial<Doc>;
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (!Array.isArray(d?.[key])) throw new DatasetError(`${json}: a COCO file needs an "${key}" array (found ${d && typeof d === 'object' ? typeof d[key] : typeof d}).`);
    if (d[key].some((x) => !x || typeof x !== 'object')) throw new DatasetError(`${json}: every entry of "${key}" must be an object.`);
  }
  return d as Doc;
}

/** Categories of every file, united by id (a clash of names is refused); background first. */
function classesOf(files: { json: string; doc: Doc }[]) {
  const names = new Map<number, { name: string; json: string; parentOf: boolean }>();
  const used = new Set<number>();
  for (const { json, doc } of files) {
    for (const c of doc.categories) {
      if (!Number.isInteger(c.id) || typeof c.name !== 'string') throw new DatasetError(`${json}: category ${JSON.stringify(c)} needs an integer "id" and a "name".`);
      const had = names.get(c.id as number);
      if (had && had.name !== c.name) throw new DatasetError(`${json}: category ${c.id} is "${c.name}" here but "${had.name}" in ${had.json}.`);
      names.set(c.id as number, { name: c.name, json, parentOf: had?.parentOf ?? false });
    }
    for (const a of doc.annotations) used.add(a.category_id as number);
  }
  for (const { doc } of files) {
    for (const c of doc.categories) for (const p of names.values()) if (c.supercategory === p.name && c.name !== p.name) p.parentOf = true;
  }
  const ids = [...names.keys()].sort((a, b) => a - b);
  // Roboflow's parent category: id 0, the supercategory of the others, never annotated
  const roboflowParent = names.get(0)?.parentOf && !used.has(0) ? 0 : undefined;
  const background = ids.find((id) => BACKGROUND.test(names.get(id)!.name)) ?? roboflowParent;
  const order = background === undefined ? ids : [background, ...ids.filter((id) => id !== background)];
  if (order.length > 255) throw new DatasetError(`${files[0].json}: ${order.length} categories; at most 255 fit in a label map (255 means ignore).`);
  const palette = vocPalette();
  const classes = order.map((id, i) => ({ name: id === roboflowParent ? 'background' : names.get(id)!.name, color: palette[i] }));
  const indexOf = new Map(order.map((id, i) => [id, i]));
  const note = background === undefined
    ? 'pixels outside every annotation are ignored (the export has no background category)'
    : `pixels outside every annotation are class 0, ${classes[0].name}${background === roboflowParent ? ` (Roboflow's parent category "${names.get(0)!.name}")` : ''}`;
  return { classes, indexOf, background: background !== undefined, note };
}

function imagesOf(json: string, doc: Doc, paths: Set<string>): ImageEntry[] {
  const byId = new Map<unknown, ImageEntry>();
  const dir = json.slice(0, json.lastIndexOf('/') + 1);
  const split = /instances_(.*)\.json$/i.exec(json)?.[1];
  const categories = new Set(doc.categories.map((c) => c.id));
  for (const im of doc.images) {
    const { id, file_name: file, width, height } = im;
    if ((typeof id !== 'number' && typeof id !== 'string') || typeof file !== 'string' || !Number.isInteger(width) || !Number.isInteger(height) || (width as number) <= 0 || (height as number) <= 0) {
      throw new DatasetError(`${json}: image ${JSON.stringify(id)} needs "id", "file_name" and positive integer "width" and "height".`);
    }
    if (byId.has(id)) throw new DatasetError(`${json}: image id ${id} appears twice.`);
    const image = findImage(json, dir, split, file, paths);
    byId.set(id, { ref: { stem: image.slice(image.lastIndexOf('/') + 1).replace(/\.[^.]+$/, ''), image, mask: `${json} (image id ${id})` }, width: width as number, height: height as number, annotations: [] });
  }
  for (const a of doc.annotations) {
    const where = `${json}: annotation ${JSON.stringify(a.id ?? '(without id)')}`;
    const entry = byId.get(a.image_id);
    if (!entry) throw new DatasetError(`${where} refers to image ${JSON.stringify(a.image_id)}, which is not in "images".`);
    if (!Number.isInteger(a.category_id)) throw new DatasetError(`${where} has no integer "category_id".`);
    if (!categories.has(a.category_id)) throw new DatasetError(`${where} has category ${a.category_id}, which is not in "categories".`);
    entry.annotations.push({ id: String(a.id), category: a.category_id as number, crowd: a.iscrowd === 1 || a.iscrowd === true, segmentation: segmentationOf(where, a.segmentation, entry) });
  }
  return [...byId.values()];
}

/** An image's file: beside the JSON (Roboflow), else in `<split>/`, `images/`, `images/<split>/` beside `annotations/`, else the one file of that name. */
function findImage(json: string, dir: string, split: string | undefined, file: string, paths: Set<string>): string {
  const parent = dir.replace(/[^/]*\/$/, '');
  const candidates = [`${dir}${file}`, ...(split ? [`${parent}${split}/${file}`, `${parent}images/${split}/${file}`] : []), `${parent}images/${file}`];
  const found = candidates.find((p) => paths.has(p));
  if (found) return found;
  const named = [...paths].filter((p) => p === file || p.endsWith(`/${file}`));
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new DatasetError(`${json}: image "${file}" is ambiguous: ${named.slice(0, 3).join(', ')}${named.length > 3 ? ', …' : ''}.`);
  throw new DatasetError(`${json}: image "${file}" is not in the dataset (looked for ${candidates.join(', ')}).`);
}

function segmentationOf(where: string, s: unknown, image: { width: number; height: number }): Segmentation {
  if (Array.isArray(s)) {
    const polygons = s.map((poly, i) => {
      if (!Array.isArray(poly) || poly.length % 2 !== 0 || poly.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        throw new DatasetError(`${where}: polygon ${i} must be a flat list of numbers x0, y0, x1, y1, … of even length.`);
      }
      return poly as number[];
    });
    return { polygons };
  }
  const rle = s as { counts?: unknown; size?: unknown } | null;
  if (rle && typeof rle === 'object' && Array.isArray(rle.size) && rle.size.length === 2) {
    const [height, width] = rle.size as number[];
    if (height !== image.height || width !== image.width) {
      throw new DatasetError(`${where}: its RLE size is ${height}×${width} (h×w) but the image is ${image.height}×${image.width}.`);
    }
    let counts: number[];
    if (typeof rle.counts === 'string') {
      try {
        counts = countsFromString(rle.counts);
      } catch (e) {
        throw new DatasetError(`${where}: ${(e as Error).message}.`);
      }
    } else if (Array.isArray(rle.counts) && rle.counts.every((c) => Number.isInteger(c) && c >= 0)) {
      counts = rle.counts as number[];
    } else {
      throw new DatasetError(`${where}: RLE "counts" must be a list of non-negative integers or a compressed RLE string.`);
    }
    const total = counts.reduce((a, b) => a + b, 0);
    if (total !== height * width) throw new DatasetError(`${where}: its RLE counts cover ${total} pixels, the image has ${width}×${height} = ${width * height}.`);
    return { counts, height, width };
  }
  throw new DatasetError(`${where}: "segmentation" must be a list of polygons or an RLE object {counts, size: [h, w]} (found ${JSON.stringify(s)?.slice(0, 60)}).`);
}

/** The row-major indices of a segmentation's pixels (its length is the area), drawn in `scratch`. */
function pixelsOf(seg: Segmentation, width: number, height: number, scratch: Uint8Array): Uint32Array {
  scratch.fill(0);
  if ('polygons' in seg) for (const p of seg.polygons) fillPolygon(p, width, height, scratch);
  else fillRle(seg.counts, width, height, scratch);
  let area = 0;
  for (let i = 0; i < scratch.length; i++) area += scratch[i];
  const pixels = new Uint32Array(area);
  for (let i = 0, k = 0; i < scratch.length; i++) if (scratch[i]) pixels[k++] = i;
  return pixels;
}

/**
 * A COCO crowd ("a group of people") sits beside single-object annotations of its category in the
 * same image, and is "don't care". CVAT exports every brush mask as an RLE with `iscrowd: 1`; such
 * a region, with no single object of its category in the image, is the object and keeps its class.
 */
const isTrueCrowd = (a: Annotation, all: Annotation[]) => a.crowd && all.some((b) => !b.crowd && b.category === a.category);

function labelMap(e: ImageEntry, indexOf: Map<number, number>, background: boolean, limits: DecodeLimits = {}): Mask {
  const { width, height } = e;
  const max = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > max) throw new DatasetError(`${e.ref.mask}: ${width}×${height} pixels is over the limit of ${max / 1e6} MP per image.`);
  const data = new Uint8Array(width * height).fill(background ? 0 : 255);
  const scratch = new Uint8Array(width * height);
  // each object is rasterised once; its pixels are kept as indices until the order (by area) is known
  const objects = e.annotations.map((a, order) => ({ a, order, pixels: pixelsOf(a.segmentation, width, height, scratch) }));
  const crowds = objects.filter(({ a }) => isTrueCrowd(a, e.annotations));
  for (const { pixels } of crowds) for (const i of pixels) data[i] = 255;
  const things = objects.filter((o) => !crowds.includes(o));
  things.sort((p, q) => q.pixels.length - p.pixels.length || p.order - q.order); // largest first; equal areas in file order
  for (const { a, pixels } of things) {
    const value = indexOf.get(a.category)!;
    for (const i of pixels) data[i] = value;
  }
  return { width, height, data };
}
