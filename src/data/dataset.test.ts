import { describe, expect, it } from 'vitest';
import { ADE20K_CLASSES, VOC_CLASSES, vocPalette } from './classes';
import { openDataset, readSample, validateDataset, type Dataset } from './dataset';
import { DatasetError } from './errors';
import { memorySource, zipSource } from './source';
import {
  adeFiles, cityscapesFiles, genericFiles, halves, jpegRgb, maskPng, pngRgb, text, vocFiles, zipOf, type FileList,
} from './testing';

const mem = (files: FileList) => memorySource('ds', files);
/** The same files as a folder, a zip and a zip wrapping everything in one top folder. */
const sources = (files: FileList) => [
  ['folder', memorySource('ds', files)],
  ['zip', zipSource('ds.zip', zipOf(files))],
  ['wrapped zip', zipSource('ds.zip', zipOf(files, 'my-dataset/'))],
] as const;

async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(DatasetError);
  return (e as Error).message;
}
const validated = async (files: FileList) => validateDataset(await openDataset(mem(files)));

describe('generic layout', () => {
  it.each(sources(genericFiles({ path: 'classes.txt', content: 'sky\nroad\ncar\n' })))('train/ + val/ from a %s, classes.txt', async (_, source) => {
    const ds = await openDataset(source);
    expect(ds.format).toBe('generic');
    expect(ds.classes.map((c) => c.name)).toEqual(['sky', 'road', 'car']);
    expect(ds.train.map((r) => r.stem)).toEqual(['a', 'b', 'c']); // stem order
    expect(ds.val.map((r) => r.stem)).toEqual(['v1', 'v2']);
    const s = await readSample(ds, ds.train[1]);
    expect([s.width, s.height]).toEqual([8, 6]);
    expect(Array.from(s.mask.subarray(0, 8))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(s.image.subarray(0, 3))).toEqual([0, 80, 10]);
  });

  it('reads classes.json as names or as {name, color}', async () => {
    const names = await openDataset(mem(genericFiles({ path: 'classes.json', content: '["a","b","c"]' })));
    expect(names.classes.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(names.classes[1].color).toEqual(vocPalette(2)[1]);
    const coloured = await openDataset(mem(genericFiles({ path: 'classes.json', content: JSON.stringify([
      { name: 'x', color: [1, 2, 3] }, { name: 'y', color: [4, 5, 6] }, { name: 'z' },
    ]) })));
    expect(coloured.classes).toEqual([{ name: 'x', color: [1, 2, 3] }, { name: 'y', color: [4, 5, 6] }, { name: 'z', color: vocPalette(3)[2] }]);
  });

  it('names classes from the ids found in the masks when there is no class file', async () => {
    const ds = await openDataset(mem(genericFiles()));
    expect(ds.classes).toEqual([]);
    await validateDataset(ds);
    expect(ds.classes.map((c) => c.name)).toEqual(['class 0', 'class 1', 'class 2']);
  });

  it('splits a flat images/ + masks/ folder by a seeded val fraction', async () => {
    const files: FileList = [];
    for (let i = 0; i < 10; i++) {
      files.push({ path: `images/img${i}.jpg`, bytes: jpegRgb(4, 4, () => [i, i, i]) });
      files.push({ path: `masks/img${i}.png`, bytes: maskPng(4, 4, () => i % 2) });
    }
    const a = await openDataset(mem(files), { seed: 1 });
    const b = await openDataset(mem(files), { seed: 1 });
    const c = await openDataset(mem(files), { seed: 2, valFraction: 0.5 });
    expect([a.train.length, a.val.length]).toEqual([8, 2]);
    expect(b).toEqual({ ...a, source: b.source });
    expect([c.train.length, c.val.length]).toEqual([5, 5]);
    expect([...a.train, ...a.val].map((r) => r.stem).sort()).toEqual(files.filter((f) => f.path.startsWith('images')).map((f) => f.path.slice(7, -4)));
    expect(a.train.map((r) => r.stem)).toEqual([...a.train.map((r) => r.stem)].sort());
  });

  it('holds out a val fraction of train/ when there is no val/ folder', async () => {
    const ds = await openDataset(mem(genericFiles().filter((f) => !f.path.startsWith('val/'))), { valFraction: 0.3 });
    expect([ds.train.length, ds.val.length]).toEqual([2, 1]);
  });

  it('matches masks whose extension is upper case (.PNG, as some cameras and Windows tools write it)', async () => {
    const files = genericFiles().map((f) => (f.path.includes('/masks/') ? { ...f, path: f.path.replace(/\.png$/, '.PNG') } : f));
    const ds = await openDataset(mem(files));
    expect(ds.train.map((r) => r.mask)).toEqual(['train/masks/a.PNG', 'train/masks/b.PNG', 'train/masks/c.PNG']);
    expect(Array.from((await readSample(ds, ds.train[1])).mask.subarray(0, 8))).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('ignores hidden files such as macOS resource forks', async () => {
    const ds = await openDataset(mem([...genericFiles(), { path: 'train/images/._a.png', bytes: text('junk') }, { path: '.DS_Store', bytes: text('x') }]));
    expect(ds.train.map((r) => r.stem)).toEqual(['a', 'b', 'c']);
  });
});

describe('Pascal VOC', () => {
  it.each([...sources(vocFiles()), ['inner folder', mem(vocFiles('VOC2012/'))] as const])('from a %s: 21 classes, palette indices as labels', async (_, source) => {
    const ds = await openDataset(source);
    expect(ds.format).toBe('voc');
    expect(ds.classes.map((c) => c.name)).toEqual(VOC_CLASSES);
    expect(ds.classes[15]).toEqual({ name: 'person', color: [192, 128, 128] });
    expect([ds.train.length, ds.val.length]).toEqual([2, 1]);
    const s = await readSample(ds, ds.train[1]);
    expect([s.width, s.height]).toEqual([10, 8]);
    expect(s.mask[0]).toBe(255); // the border stays "ignore"
    expect(Array.from(s.mask.subarray(10, 20))).toEqual([255, 0, 0, 0, 0, 8, 8, 8, 8, 8]); // indices, not colours
    const summary = await validateDataset(ds);
    expect(summary.pixelsPerClass[1]).toBe(35);
    expect(summary.pixelsPerClass[15]).toBe(0); // only in val
    expect(summary.absentFromTrain).toContain('person');
  });
});

describe('ADE20K', () => {
  it.each(sources(adeFiles()))('from a %s: 0 → ignore, 1…150 → 0…149', async (_, source) => {
    const ds = await openDataset(source);
    expect(ds.format).toBe('ade20k');
    expect(ds.classes).toHaveLength(150);
    expect(ds.classes.map((c) => c.name)).toEqual(ADE20K_CLASSES);
    expect([ds.train.length, ds.val.length]).toEqual([2, 1]);
    const s = await readSample(ds, ds.val[0]);
    expect(Array.from(s.mask.subarray(0, 6))).toEqual([255, 0, 149, 255, 0, 149]);
    const summary = await validateDataset(ds);
    expect(summary.pixelsPerClass[0]).toBe(16);
  });

  it('refuses stored labels above 150, naming the value and the file', async () => {
    const files = adeFiles();
    files[1] = { path: files[1].path, bytes: maskPng(6, 4, (x) => (x === 2 ? 200 : 1)) };
    const msg = await refusal(validated(files));
    expect(msg).toContain(files[1].path);
    expect(msg).toMatch(/label 200 is out of range/);
  });
});

describe('Cityscapes', () => {
  it.each(sources(cityscapesFiles()))('from a %s: labelIds → 19 train ids', async (_, source) => {
    const ds = await openDataset(source);
    expect(ds.format).toBe('cityscapes');
    expect(ds.classes).toHaveLength(19);
    expect(ds.classes[13].name).toBe('car');
    expect([ds.train.length, ds.val.length]).toEqual([2, 1]);
    expect(ds.train[0].mask).toMatch(/gtFine\/train\/aachen\/aachen_000000_000010_gtFine_labelIds\.png$/);
    const s = await readSample(ds, ds.train[0]);
    expect(Array.from(s.mask.subarray(0, 4))).toEqual([255, 0, 13, 13]);
    const summary = await validateDataset(ds);
    expect(summary.absentFromTrain).toHaveLength(17);
  });
});

describe('validation summary', () => {
  it('counts pixels, reports absent classes, weights ∝ 1/√freq with mean 1, and reports progress', async () => {
    const ds = await openDataset(mem(genericFiles({ path: 'classes.txt', content: 'a\nb\nc\nd' })));
    const progress: [number, number][] = [];
    const s = await validateDataset(ds, (done, total) => progress.push([done, total]));
    expect(progress).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
    expect([s.train, s.val]).toEqual([3, 2]);
    // train masks: a = 1|2, b = 0|1, c = 0|0 → 24 pixels per half
    expect(s.pixelsPerClass).toEqual([72, 48, 24, 0]);
    expect(s.absentFromTrain).toEqual(['d']);
    const w = Array.from(s.classWeights);
    expect(w[3]).toBe(0);
    expect((w[0] + w[1] + w[2]) / 3).toBeCloseTo(1, 5);
    expect(w[2] / w[0]).toBeCloseTo(Math.sqrt(3), 5);
  });
});

describe('refusals name the file and the problem', () => {
  const swap = (files: FileList, path: string, bytes: Uint8Array) => files.map((f) => (f.path === path ? { path, bytes } : f));

  it('mask size mismatch', async () => {
    const msg = await refusal(validated(swap(genericFiles(), 'train/masks/b.png', maskPng(7, 6, () => 0))));
    expect(msg).toBe('train/masks/b.png: the mask is 7×6 but its image train/images/b.png is 8×6.');
  });

  it('missing mask', async () => {
    const msg = await refusal(openDataset(mem(genericFiles().filter((f) => f.path !== 'val/masks/v2.png'))));
    expect(msg).toContain('missing mask for val/images/v2.png (expected val/masks/v2.png)');
  });

  it('label out of range', async () => {
    const files = swap(genericFiles({ path: 'classes.txt', content: 'a\nb\nc' }), 'val/masks/v1.png', maskPng(8, 6, halves(8, 1, 3)));
    const msg = await refusal(validated(files));
    expect(msg).toContain('val/masks/v1.png: label 3 is out of range');
  });

  it('VOC mask index out of range', async () => {
    const files = vocFiles();
    const path = 'VOCdevkit/VOC2012/SegmentationClass/2007_000033.png';
    const msg = await refusal(validated(swap(files, path, maskPng(10, 8, () => 40, vocPalette(256)))));
    expect(msg).toContain(`${path}: label 40 is out of range`);
  });

  it('truncated image and truncated mask', async () => {
    const files = genericFiles();
    const img = files.find((f) => f.path === 'train/images/c.png')!;
    expect(await refusal(validated(swap(files, img.path, img.bytes.subarray(0, 40))))).toMatch(/^train\/images\/c\.png: unreadable PNG/);
    const jpg = jpegRgb(16, 16, () => [1, 2, 3]);
    const jfiles = [...files.filter((f) => !f.path.startsWith('train/images/c')), { path: 'train/images/c.jpg', bytes: jpg.subarray(0, jpg.length - 40) }];
    expect(await refusal(validated(jfiles))).toMatch(/^train\/images\/c\.jpg: unreadable JPEG/);
    const mask = files.find((f) => f.path === 'val/masks/v1.png')!;
    expect(await refusal(validated(swap(files, mask.path, mask.bytes.subarray(0, mask.bytes.length - 30))))).toMatch(/^val\/masks\/v1\.png: unreadable PNG/);
  });

  it('not an image; colour masks', async () => {
    expect(await refusal(validated(swap(genericFiles(), 'train/images/a.png', text('hello'))))).toBe(
      'train/images/a.png: not an image (expected a PNG or JPEG file).',
    );
    expect(await refusal(validated(swap(genericFiles(), 'train/masks/a.png', jpegRgb(8, 6, () => [0, 0, 0]))))).toMatch(/^train\/masks\/a\.png: a mask must be a PNG/);
    expect(await refusal(validated(swap(genericFiles(), 'train/masks/a.png', pngRgb(8, 6, () => [0, 0, 0]))))).toMatch(/^train\/masks\/a\.png: the mask has 3 channels/);
  });

  it('empty dataset', async () => {
    expect(await refusal(openDataset(mem([])))).toMatch(/^ds: the dataset is empty/);
    expect(await refusal(openDataset(mem([{ path: 'images/x.txt', bytes: text('') }, { path: 'masks/readme', bytes: text('') }])))).toMatch(/^ds: the dataset is empty/);
  });

  it('missing folders and unrecognised layouts', async () => {
    expect(await refusal(openDataset(mem(genericFiles().filter((f) => !f.path.includes('train/masks/') && !f.path.startsWith('val')).map((f) => ({ ...f, path: f.path.replace('train/', '') })))))).toBe(
      'ds: found images/ but no masks/ folder beside it.',
    );
    expect(await refusal(openDataset(mem(vocFiles().filter((f) => !f.path.includes('SegmentationClass')))))).toMatch(/without the folder VOCdevkit\/VOC2012\/SegmentationClass\//);
    expect(await refusal(openDataset(mem(vocFiles().filter((f) => !f.path.endsWith('val.txt')))))).toMatch(/VOC layout without the split file VOCdevkit\/VOC2012\/ImageSets\/Segmentation\/val\.txt/);
    expect(await refusal(openDataset(mem(adeFiles().filter((f) => !f.path.includes('annotations')))))).toMatch(/without the folder ADEChallengeData2016\/annotations\/training\//);
    expect(await refusal(openDataset(mem(cityscapesFiles('cs/').filter((f) => !f.path.includes('gtFine')))))).toMatch(/^ds: Cityscapes layout \(cs\/leftImg8bit\/\) without the folder cs\/gtFine\//);
    const noMask = cityscapesFiles().filter((f) => !f.path.endsWith('aachen_000000_000011_gtFine_labelIds.png'));
    expect(await refusal(openDataset(mem(noMask)))).toContain('missing mask for leftImg8bit/train/aachen/aachen_000000_000011_leftImg8bit.png');
    expect(await refusal(openDataset(mem([{ path: 'photos/a.png', bytes: pngRgb(2, 2, () => [0, 0, 0]) }])))).toMatch(/^ds: unrecognised layout/);
  });

  it('bad classes.json', async () => {
    expect(await refusal(openDataset(mem(genericFiles({ path: 'classes.json', content: '{oops' }))))).toBe('classes.json: not valid JSON');
  });

  it('nothing half-loaded: the first bad file stops validation', async () => {
    const ds: Dataset = await openDataset(mem(swap(genericFiles(), 'val/images/v2.png', text('x'))));
    const seen: number[] = [];
    await refusal(validateDataset(ds, (d) => seen.push(d)));
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});

describe('hostile datasets', () => {
  it('a split whose masks hold no labelled pixel is an error naming the split', async () => {
    const allIgnore = (split: string) => genericFiles().map((f) => (f.path.startsWith(`${split}/masks/`) ? { ...f, bytes: maskPng(8, 6, () => 255) } : f));
    expect(await refusal(validated(allIgnore('val')))).toMatch(/^ds: the val split has no labelled pixel — all 2 of its masks are 255 \(ignore\) everywhere/);
    expect(await refusal(validated(allIgnore('train')))).toMatch(/^ds: the train split has no labelled pixel — all 3 of its masks/);
  });

  it('the pixel limit given to openDataset bounds every decode', async () => {
    const ds = await openDataset(mem(genericFiles()), { limits: { maxPixels: 47 } }); // the images are 8×6 = 48 pixels
    expect(await refusal(validateDataset(ds))).toMatch(/8×6 pixels .* over the limit/);
    await validateDataset(await openDataset(mem(genericFiles()), { limits: { maxPixels: 48 } }));
  });
});
