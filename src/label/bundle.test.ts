import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSource } from '../cli/nodeSource';
import { openDataset, readSample, validateDataset } from '../data/dataset';
import { mulberry32 } from '../data/random';
import { memorySource, zipSource } from '../data/source';
import { jpegRgb, maskPng, pngRgb, zipOf } from '../data/testing';
import { exportGenericLayout, exportZip, importGenericLayout, stemsFor, type LabelledImage } from './bundle';
import { LabelStore, memoryPort } from './store';
import { chooseSplit, type LabelWorkspace } from './workspace';

/** Six photos (PNG and JPEG, two with the same name), masks with every class, unlabelled pixels and one all-unlabelled. */
function workspace(): { ws: LabelWorkspace; images: LabelledImage[] } {
  const rand = mulberry32(2);
  const ws: LabelWorkspace = {
    classes: [{ name: 'background', color: [0, 0, 0] }, { name: 'leaf', color: [20, 200, 40] }, { name: 'pot', color: [180, 90, 30] }],
    images: [],
    seed: 5,
  };
  const names = ['IMG_0001.jpg', 'IMG_0002.JPG', 'garden shot.png', 'IMG_0001.jpg', 'scan.png', 'camera-1.png'];
  const images = names.map((name, k): LabelledImage => {
    const [w, h] = [9 + k, 7 + (k % 3)];
    const bytes = name.toLowerCase().endsWith('.jpg') ? jpegRgb(w, h, (x, y) => [x * 20, y * 30, k * 40]) : pngRgb(w, h, (x, y) => [x * 20, y * 30, k * 40]);
    const mask = Uint8Array.from({ length: w * h }, () => (k === 4 || rand() < 0.4 ? 255 : Math.floor(rand() * 3)));
    return { image: { id: `id${k}`, name, width: w, height: h, split: k === 5 ? 'val' : 'auto' }, bytes, mask };
  });
  ws.images = images.map((i) => i.image);
  return { ws, images };
}

describe('export → import', () => {
  it('the exported zip opens with the dataset reader: classes (with colours), splits, images and masks byte for byte', async () => {
    const { ws, images } = workspace();
    const ds = await openDataset(zipSource('labels.zip', exportZip(ws, images)));
    expect(ds.format).toBe('generic');
    expect(ds.classes).toEqual(ws.classes);
    const split = chooseSplit(ws.images, ws.seed);
    const stems = stemsFor(ws.images);
    const expectStems = (s: 'train' | 'val') => images.filter((i) => split.get(i.image.id) === s).map((i) => stems.get(i.image.id)).sort();
    expect(ds.train.map((r) => r.stem).sort()).toEqual(expectStems('train'));
    expect(ds.val.map((r) => r.stem).sort()).toEqual(expectStems('val'));
    expect(ds.val.map((r) => r.stem)).toContain('camera-1'); // the user's override
    expect(new Set(stems.values()).size).toBe(6);
    expect(stems.get('id3')).toBe('IMG_0001-2');
    expect(stems.get('id2')).toBe('garden_shot');
    for (const item of images) {
      const ref = [...ds.train, ...ds.val].find((r) => r.stem === stems.get(item.image.id))!;
      expect(await ds.source.read(ref.image)).toEqual(item.bytes); // the original file, untouched
      expect(ref.image.endsWith(item.bytes[0] === 0xff ? '.jpg' : '.png')).toBe(true);
      expect((await readSample(ds, ref)).mask, item.image.name).toEqual(item.mask);
    }
    // the reader's full check (labels in range, a labelled pixel in each split) passes
    const summary = await validateDataset(ds);
    expect(summary.pixelsPerClass.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('the CLI reads the zip from disk the same way (its openSource)', async () => {
    const { ws, images } = workspace();
    const dir = await mkdtemp(join(tmpdir(), 'label-export-'));
    try {
      await writeFile(join(dir, 'labels.zip'), exportZip(ws, images));
      const ds = await openDataset(await openSource(join(dir, 'labels.zip')));
      expect(ds.classes.map((c) => c.name)).toEqual(['background', 'leaf', 'pot']);
      expect(ds.train.length + ds.val.length).toBe(6);
      expect(ds.val.length).toBe(1);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('import gives back the workspace: masks, bytes, sizes and classes equal; the split kept as it was exported', async () => {
    const { ws, images } = workspace();
    const progress: string[] = [];
    const back = await importGenericLayout(zipSource('labels.zip', exportZip(ws, images)), { onProgress: (done, total) => progress.push(`${done}/${total}`) });
    expect(progress).toEqual(['1/6', '2/6', '3/6', '4/6', '5/6', '6/6']);
    expect(back.ws.classes).toEqual(ws.classes);
    const split = chooseSplit(ws.images, ws.seed);
    const stems = stemsFor(ws.images);
    expect(back.images.length).toBe(6);
    for (const item of images) {
      const got = back.images.find((i) => i.image.id === stems.get(item.image.id))!;
      expect(got.mask, item.image.name).toEqual(item.mask);
      expect(got.bytes).toEqual(item.bytes);
      expect([got.image.width, got.image.height]).toEqual([item.image.width, item.image.height]);
      expect(got.image.split).toBe(split.get(item.image.id));
    }
    // and exporting the import again gives the same files
    const again = exportGenericLayout(back.ws, back.images);
    const first = exportGenericLayout(ws, images);
    expect(Object.fromEntries(again.map((f) => [f.path, f.bytes]))).toEqual(Object.fromEntries(first.map((f) => [f.path, f.bytes])));
  });

  it('a dataset with no classes file and no val folder comes in with classes from its masks and an automatic split', async () => {
    const files = ['a', 'b', 'c'].flatMap((stem, k) => [
      { path: `images/${stem}.png`, bytes: pngRgb(6, 4, () => [k, k, k]) },
      { path: `masks/${stem}.png`, bytes: maskPng(6, 4, (x) => (x < 2 ? 255 : k)) },
    ]);
    const back = await importGenericLayout(memorySource('flat', files));
    expect(back.ws.classes.map((c) => c.name)).toEqual(['background', 'class 1', 'class 2']);
    expect(back.images.map((i) => i.image.split)).toEqual(['auto', 'auto', 'auto']);
  });

  it('imported ids are safe, unique file names for the store, whatever the stems (spaces, accents, case twins)', async () => {
    const stems = ['Garden shot', 'garden shot', 'été']; // (a stem starting with '.' is a hidden file the reader skips)
    const files = stems.flatMap((stem, k) => [
      { path: `images/${stem}.png`, bytes: pngRgb(4, 4, () => [k, k, k]) },
      { path: `masks/${stem}.png`, bytes: maskPng(4, 4, () => 0) },
    ]);
    const back = await importGenericLayout(memorySource('names', files));
    const ids = back.images.map((i) => i.image.id);
    expect(ids.sort()).toEqual(['Garden_shot', 'garden_shot-2', '_t_'].sort());
    const store = new LabelStore(memoryPort());
    for (const { image, bytes, mask } of back.images) {
      await store.saveImage(image.id, bytes);
      await store.saveMask(image, mask);
    }
    await store.saveWorkspace(back.ws);
  });

  it('refuses a mask of the wrong size, naming the file, and returns nothing', async () => {
    const { ws, images } = workspace();
    const files = exportGenericLayout(ws, images).map((f) => (f.path.endsWith('/masks/scan.png') ? { ...f, bytes: maskPng(3, 3, () => 1) } : f));
    await expect(importGenericLayout(zipSource('bad.zip', zipOf(files)))).rejects.toThrow(/masks\/scan\.png: the mask is 3×3 but its image .*scan\.png is 13×8/);
  });

  it('refuses a label beyond the classes, naming the mask', async () => {
    const { ws, images } = workspace();
    const files = exportGenericLayout(ws, images).map((f) => (f.path.endsWith('/masks/scan.png') ? { ...f, bytes: maskPng(13, 8, () => 7) } : f));
    await expect(importGenericLayout(zipSource('bad.zip', zipOf(files)))).rejects.toThrow(/masks\/scan\.png: label 7 is out of range \(the dataset has 3 classes/);
  });

  it('export refuses, naming the image: a file that is not PNG or JPEG, a mask of another size, a class id beyond the classes', () => {
    const { ws, images } = workspace();
    const webp = images.map((i, k) => (k === 2 ? { ...i, bytes: new TextEncoder().encode('RIFF....WEBPVP8 ') } : i));
    expect(() => exportGenericLayout(ws, webp)).toThrow(/garden shot\.png: not a PNG or JPEG/);
    const short = images.map((i, k) => (k === 1 ? { ...i, mask: i.mask.subarray(1) } : i));
    expect(() => exportGenericLayout(ws, short)).toThrow(/IMG_0002\.JPG: its mask holds 79 pixels, the image is 10×8/);
    const beyond = images.map((i, k) => (k === 0 ? { ...i, mask: i.mask.map((v, p) => (p === 3 ? 3 : v)) } : i));
    expect(() => exportGenericLayout(ws, beyond)).toThrow(/IMG_0001\.jpg: class 3 at pixel \(3, 0\) is not one of the 3 classes/);
    const twice = images.map((i, k) => (k === 4 ? { ...i, image: { ...i.image, id: 'id0' } } : i));
    expect(() => exportGenericLayout(ws, twice)).toThrow(/scan\.png: its id "id0" is used by another image too/);
  });
});
