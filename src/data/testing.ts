/**
 * @file Test helpers: tiny datasets of every supported format, built in memory with the real
 * encoders (fast-png, jpeg-js, fflate), so tests exercise the same bytes a user would drop in.
 * Not part of the public API (index.ts does not export it).
 */
import { zipSync } from 'fflate';
import jpeg from 'jpeg-js';
import { vocPalette } from './classes';
import { encodePng } from './png';

export type FileList = { path: string; bytes: Uint8Array }[];
export type Pixel = (x: number, y: number) => number;

/** RGB HWC bytes where every pixel has colour `color(x, y)`. */
export function rgb(w: number, h: number, color: (x: number, y: number) => readonly number[]): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set(color(x, y), (y * w + x) * 3);
  return out;
}

export const pngRgb = (w: number, h: number, color: (x: number, y: number) => readonly number[]) => encodePng(w, h, 3, rgb(w, h, color));

export function jpegRgb(w: number, h: number, color: (x: number, y: number) => readonly number[]): Uint8Array {
  const src = rgb(w, h, color);
  const rgba = new Uint8Array(w * h * 4).fill(255);
  for (let p = 0; p < w * h; p++) rgba.set(src.subarray(p * 3, p * 3 + 3), p * 4);
  return new Uint8Array(jpeg.encode({ width: w, height: h, data: rgba }, 95).data);
}

/** A single-channel mask PNG, or a palette PNG (indices = classes) when `palette` is given. */
export function maskPng(w: number, h: number, label: Pixel, palette?: [number, number, number][]): Uint8Array {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = label(x, y);
  return encodePng(w, h, 1, data, palette);
}

export function zipOf(files: FileList, wrap = ''): Uint8Array {
  return zipSync(Object.fromEntries(files.map((f) => [wrap + f.path, f.bytes])));
}

export const text = (s: string) => new TextEncoder().encode(s);

/** Left half class a, right half class b. */
export const halves = (w: number, a: number, b: number): Pixel => (x) => (x < w / 2 ? a : b);

/** Generic train/val layout: 3 train + 2 val 8×6 PNG images, classes 0…2 in the masks. */
export function genericFiles(classFile?: { path: string; content: string }): FileList {
  const files: FileList = [];
  const add = (split: string, stem: string, a: number, b: number) => {
    files.push({ path: `${split}/images/${stem}.png`, bytes: pngRgb(8, 6, () => [a * 80, b * 80, 10]) });
    files.push({ path: `${split}/masks/${stem}.png`, bytes: maskPng(8, 6, halves(8, a, b)) });
  };
  add('train', 'b', 0, 1); add('train', 'a', 1, 2); add('train', 'c', 0, 0);
  add('val', 'v1', 2, 0); add('val', 'v2', 1, 1);
  if (classFile) files.push({ path: classFile.path, bytes: text(classFile.content) });
  return files;
}

/** Pascal VOC 2012 under `root`: JPEG images, palette masks with a 255 border. */
export function vocFiles(root = 'VOCdevkit/VOC2012/'): FileList {
  const palette = vocPalette(256);
  const files: FileList = [];
  const stems = { train: ['2007_000032', '2007_000039'], val: ['2007_000033'] };
  for (const [i, stem] of [...stems.train, ...stems.val].entries()) {
    files.push({ path: `${root}JPEGImages/${stem}.jpg`, bytes: jpegRgb(10, 8, (x) => (x < 5 ? [0, 0, 0] : [128, 0, 0])) });
    const cls = 1 + i * 7; // 1, 8, 15
    const label: Pixel = (x, y) => (x === 0 || y === 0 ? 255 : x < 5 ? 0 : cls);
    files.push({ path: `${root}SegmentationClass/${stem}.png`, bytes: maskPng(10, 8, label, palette) });
  }
  files.push({ path: `${root}ImageSets/Segmentation/train.txt`, bytes: text(stems.train.join('\n') + '\n') });
  files.push({ path: `${root}ImageSets/Segmentation/val.txt`, bytes: text(stems.val.join('\n')) });
  return files;
}

/** ADE20K: stored labels 0 (other), 1 (wall), 150 (flag). */
export function adeFiles(root = 'ADEChallengeData2016/'): FileList {
  const files: FileList = [];
  for (const [split, stem] of [['training', 'ADE_train_00000001'], ['training', 'ADE_train_00000002'], ['validation', 'ADE_val_00000001']]) {
    files.push({ path: `${root}images/${split}/${stem}.jpg`, bytes: jpegRgb(6, 4, () => [90, 90, 90]) });
    files.push({ path: `${root}annotations/${split}/${stem}.png`, bytes: maskPng(6, 4, (x) => [0, 1, 150][x % 3]) });
  }
  return files;
}

/** Cityscapes: labelIds 0 (unlabeled), 7 (road), 26 (car). */
export function cityscapesFiles(root = ''): FileList {
  const files: FileList = [];
  for (const [split, city, n] of [['train', 'aachen', 2], ['val', 'frankfurt', 1]] as const) {
    for (let i = 0; i < n; i++) {
      const stem = `${city}_000000_00001${i}`;
      files.push({ path: `${root}leftImg8bit/${split}/${city}/${stem}_leftImg8bit.png`, bytes: pngRgb(8, 4, () => [1, 2, 3]) });
      files.push({ path: `${root}gtFine/${split}/${city}/${stem}_gtFine_labelIds.png`, bytes: maskPng(8, 4, (x) => [0, 7, 26, 26][x % 4]) });
      files.push({ path: `${root}gtFine/${split}/${city}/${stem}_gtFine_color.png`, bytes: pngRgb(8, 4, () => [0, 0, 0]) });
    }
  }
  return files;
}

/**
 * A Roboflow-style COCO export (8×6 images): train/ (a polygon and a plain RLE), valid/ (a
 * compressed RLE string, from pycocotools' rleToString), test/; categories 0 "shapes" (Roboflow's
 * parent), 1 "cat", 2 "dog". Expected label maps: train/a.png cat for x < 4; train/b.jpg dog in
 * columns 2–4; valid/c.png cat in columns 2–4; background 0 elsewhere.
 */
export function cocoFiles(): FileList {
  const categories = [{ id: 0, name: 'shapes', supercategory: 'none' }, { id: 1, name: 'cat', supercategory: 'shapes' }, { id: 2, name: 'dog', supercategory: 'shapes' }];
  const doc = (images: { id: number; file_name: string }[], annotations: object[]) =>
    text(JSON.stringify({ info: {}, categories, images: images.map((im) => ({ ...im, width: 8, height: 6 })), annotations }));
  const image = pngRgb(8, 6, (x) => [x * 30, 90, 120]);
  return [
    { path: 'train/a.png', bytes: image },
    { path: 'train/b.jpg', bytes: jpegRgb(8, 6, () => [200, 100, 50]) },
    { path: 'train/_annotations.coco.json', bytes: doc([{ id: 0, file_name: 'a.png' }, { id: 1, file_name: 'b.jpg' }], [
      { id: 10, image_id: 0, category_id: 1, iscrowd: 0, segmentation: [[0, 0, 4, 0, 4, 6, 0, 6]] },
      { id: 11, image_id: 1, category_id: 2, iscrowd: 0, segmentation: { counts: [12, 18, 18], size: [6, 8] } },
    ]) },
    { path: 'valid/c.png', bytes: image },
    { path: 'valid/_annotations.coco.json', bytes: doc([{ id: 0, file_name: 'c.png' }], [
      { id: 20, image_id: 0, category_id: 1, iscrowd: 0, segmentation: { counts: '<b0b0', size: [6, 8] } },
    ]) },
    { path: 'test/d.png', bytes: image },
    { path: 'test/_annotations.coco.json', bytes: doc([{ id: 0, file_name: 'd.png' }], []) },
  ];
}
