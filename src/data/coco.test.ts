import { describe, expect, it } from 'vitest';
import { countsFromString, fillPolygon, fillRle } from './coco-masks';
import { openDataset, readSample, validateDataset } from './dataset';
import { DatasetError } from './errors';
import { memorySource, zipSource } from './source';
import { cocoFiles, pngRgb, text, zipOf, type FileList } from './testing';

const mem = (files: FileList) => memorySource('ds', files);
async function refusal(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(DatasetError);
  return (e as Error).message;
}
const grid = (m: Uint8Array, w: number) => Array.from({ length: m.length / w }, (_, y) => [...m.subarray(y * w, y * w + w)].map((v) => (v ? '#' : '.')).join(''));
const polygon = (xy: number[], w: number, h: number) => {
  const out = new Uint8Array(w * h);
  fillPolygon(xy, w, h, out);
  return out;
};
/** The direct definition: a pixel is in when its centre is (strictly, here no centre lies on an edge). */
function centresInside(inside: (x: number, y: number) => boolean, w: number, h: number): Uint8Array {
  return Uint8Array.from({ length: w * h }, (_, i) => (inside((i % w) + 0.5, Math.floor(i / w) + 0.5) ? 1 : 0));
}

describe('polygons (pycocotools rleFrPoly: pixel centres inside)', () => {
  it('a rectangle covers the pixels whose centres it contains', () => {
    const [x0, y0, x1, y1] = [1.2, 0.7, 6.9, 4.1];
    const want = centresInside((x, y) => x > x0 && x < x1 && y > y0 && y < y1, 9, 7);
    expect(polygon([x0, y0, x1, y0, x1, y1, x0, y1], 9, 7)).toEqual(want);
    expect(want.reduce((a, b) => a + b)).toBe(6 * 3); // columns 1…6, rows 1…3
  });

  it('a triangle covers the pixels whose centres are on the inner side of its three edges', () => {
    const t = [2.1, 2.2, 11.4, 2, 5.1, 8.2];
    // signed distance of (x, y) from the edge a→b, positive inside (the vertices run clockwise on screen)
    const side = (i: number, x: number, y: number) => {
      const [ax, ay, bx, by] = [t[2 * i], t[2 * i + 1], t[(2 * i + 2) % 6], t[(2 * i + 3) % 6]];
      return ((bx - ax) * (y - ay) - (by - ay) * (x - ax)) / Math.hypot(bx - ax, by - ay);
    };
    const want = centresInside((x, y) => [0, 1, 2].every((i) => side(i, x, y) > 0), 12, 10);
    // pycocotools rounds the outline to 1/5 px: the definition holds for centres clear of the edges
    for (let i = 0; i < want.length; i++) for (const e of [0, 1, 2]) expect(Math.abs(side(e, (i % 12) + 0.5, Math.floor(i / 12) + 0.5))).toBeGreaterThan(0.15);
    expect(polygon(t, 12, 10)).toEqual(want);
    expect(want.reduce((a, b) => a + b)).toBe(30); // as pycocotools counts them
  });

  it('matches pycocotools where centres lie on the edges (its rounding decides)', () => {
    // printed by cocodataset/cocoapi common/maskApi.c (rleFrPoly + rleDecode), compiled as is;
    // 300 random polygons (integer, half and 1/100 coordinates, partly outside) agreed count for count
    expect(grid(polygon([1, 1, 11, 2, 4, 9], 12, 10), 12)).toEqual([
      '............', '.#####......', '..########..', '..#######...', '..######....',
      '...####.....', '...###......', '...##.......', '............', '............',
    ]);
    expect(grid(polygon([0.5, 0.5, 3.5, 0.5, 3.5, 3.5, 0.5, 3.5], 6, 5), 6)).toEqual(['......', '.###..', '.###..', '.###..', '......']);
    expect(polygon([0, 0, 10, 0, 10, 10, 0, 10], 12, 12).reduce((a, b) => a + b)).toBe(100);
  });

  it('clips to the image; a segment covers nothing', () => {
    expect(grid(polygon([-5, -5, 2, -5, 2, 2, -5, 2], 4, 3), 4)).toEqual(['##..', '##..', '....']);
    expect(polygon([0, 0, 3, 2], 4, 3).every((v) => v === 0)).toBe(true);
  });
});

describe('RLE', () => {
  it('plain counts run down the columns, starting with background', () => {
    const out = new Uint8Array(3 * 2);
    fillRle([1, 2, 1, 2], 3, 2, out); // column-major: (0,0)=0 (0,1)=1 (1,0)=1 (1,1)=0 (2,0)=1 (2,1)=1
    expect(grid(out, 3)).toEqual(['.##', '#.#']);
    expect(() => fillRle([1, 2], 3, 2, out)).toThrow(/cover 3 pixels, the image has 3×2 = 6/);
  });

  it('compressed strings decode as pycocotools rleFrString (strings and counts from its rleToString)', () => {
    expect(countsFromString('935000o0')).toEqual([9, 3, 5, 3, 5, 3, 36]);
    expect(countsFromString(';193M3M00O2N1O1O1Oc0')).toEqual([11, 1, 9, 4, 6, 7, 3, 7, 3, 6, 5, 4, 6, 3, 7, 2, 8, 1, 27]); // negative deltas
    expect(countsFromString('0:200000000000000000h0')).toEqual([0, 10, ...Array(9).fill([2, 10]).flat(), 26]);
    expect(countsFromString('Xl4U1`<lNRR4')).toEqual([5000, 37, 400, 1, 4562]); // multi-character counts
    expect(countsFromString('66600000')).toEqual([6, 6, 6, 6, 6, 6, 6, 6]);
    expect(() => countsFromString('9h')).toThrow(/ends inside a count/);
  });
});

describe('COCO layout', () => {
  it.each([['folder', mem(cocoFiles())], ['wrapped zip', zipSource('rf.zip', zipOf(cocoFiles(), 'export/'))]] as const)(
    'a Roboflow export (%s): train/ and valid/ splits, test/ left out, the parent category as background', async (_, source) => {
      const ds = await openDataset(source);
      expect(ds.format).toBe('coco');
      expect(ds.classes.map((c) => c.name)).toEqual(['background', 'cat', 'dog']);
      expect(ds.train.map((r) => r.stem)).toEqual(['a', 'b']);
      expect(ds.val.map((r) => r.image.replace('export/', ''))).toEqual(['valid/c.png']);
      expect(ds.note).toMatch(/class 0, background \(Roboflow's parent category "shapes"\)/);
      const rows = async (ref: (typeof ds.train)[0]) => {
        const m = (await readSample(ds, ref)).mask;
        return Array.from({ length: 6 }, (_, y) => m.subarray(y * 8, y * 8 + 8).join(''));
      };
      expect((await rows(ds.train[0]))[0]).toBe('11110000'); // polygon: cat on x < 4
      expect((await rows(ds.train[1]))[5]).toBe('00222000'); // plain RLE: dog in columns 2–4
      expect(new Set(await rows(ds.val[0]))).toEqual(new Set(['00111000'])); // compressed RLE
      const summary = await validateDataset(ds);
      expect(summary.pixelsPerClass).toEqual([48 - 24 + 48 - 18, 24, 18]);
    });

  it('category ids map to class indices in id order; without a background category unannotated pixels are ignored', async () => {
    const files = cocoDoc({ categories: [{ id: 7, name: 'road' }, { id: 3, name: 'car' }], annotations: [
      { id: 1, image_id: 1, category_id: 7, segmentation: [[0, 0, 2, 0, 2, 4, 0, 4]] },
      { id: 2, image_id: 2, category_id: 3, segmentation: [[0, 0, 4, 0, 4, 1, 0, 1]] },
    ] });
    const ds = await openDataset(mem(files));
    expect(ds.classes.map((c) => c.name)).toEqual(['car', 'road']);
    expect(ds.note).toMatch(/ignored \(the export has no background category\)/);
    const s = await readSample(ds, ds.train.find((r) => r.stem === 'one')!);
    expect([...s.mask.subarray(0, 4)]).toEqual([1, 1, 255, 255]);
  });

  it('a category named background is class 0; overlaps: larger first, smaller on top; crowds are ignored', async () => {
    const files = cocoDoc({ categories: [{ id: 1, name: 'table' }, { id: 2, name: 'cup' }, { id: 5, name: 'Background' }], annotations: [
      { id: 1, image_id: 1, category_id: 2, segmentation: [[1, 1, 3, 1, 3, 3, 1, 3]] }, // small, listed first
      { id: 2, image_id: 1, category_id: 1, segmentation: [[0, 0, 4, 0, 4, 3, 0, 3]] }, // large, listed later
      { id: 3, image_id: 1, category_id: 1, iscrowd: 1, segmentation: { counts: [3, 1, 3, 1, 3, 1, 3, 1], size: [4, 4] } },
      { id: 4, image_id: 2, category_id: 2, segmentation: [[0, 0, 4, 0, 4, 4, 0, 4]] },
    ] });
    const ds = await openDataset(mem(files));
    expect(ds.classes.map((c) => c.name)).toEqual(['Background', 'table', 'cup']);
    const s = await readSample(ds, ds.train.find((r) => r.stem === 'one')!);
    const rows = Array.from({ length: 4 }, (_, y) => [...s.mask.subarray(y * 4, y * 4 + 4)].join(','));
    expect(rows).toEqual(['1,1,1,1', '1,2,2,1', '1,2,2,1', '255,255,255,255']);
  });

  it("CVAT's brush masks (RLE, iscrowd 1) keep their category; a crowd beside single objects of its category stays ignored", async () => {
    const files = cocoDoc({ categories: [{ id: 1, name: 'person' }, { id: 2, name: 'dog' }], annotations: [
      { id: 1, image_id: 1, category_id: 1, segmentation: [[0, 0, 2, 0, 2, 2, 0, 2]] }, // one person: rows 0–1, columns 0–1
      { id: 2, image_id: 1, category_id: 1, iscrowd: 1, segmentation: { counts: [3, 1, 3, 1, 8], size: [4, 4] } }, // a crowd of people beside the person: (x 0, y 3) and (x 1, y 3)
      { id: 3, image_id: 1, category_id: 2, iscrowd: 1, segmentation: { counts: [12, 4], size: [4, 4] } }, // CVAT brush: the dog, column 3
      { id: 4, image_id: 2, category_id: 2, segmentation: [[0, 0, 4, 0, 4, 4, 0, 4]] },
    ] });
    const ds = await openDataset(mem(files));
    const s = await readSample(ds, ds.train.find((r) => r.stem === 'one')!);
    // column-major RLE: the crowd covers (x 0, y 3) and (x 1, y 3); the brush mask covers column 3
    const rows = Array.from({ length: 4 }, (_, y) => [...s.mask.subarray(y * 4, y * 4 + 4)].map((v) => (v === 255 ? 'x' : v)).join(''));
    expect(rows).toEqual(['00x1', '00x1', 'xxx1', 'xxx1']);
  });

  it('COCO/CVAT instances files: images in <split>/ or images/; one unsplit file is split by seed', async () => {
    const coco = await openDataset(mem([
      ...cocoDoc({ json: 'annotations/instances_train2017.json', dir: 'train2017/' }),
      ...cocoDoc({ json: 'annotations/instances_val2017.json', dir: 'val2017/' }),
    ]));
    expect([coco.train.length, coco.val.length]).toEqual([2, 2]);
    expect(coco.val[0].image).toMatch(/^val2017\//);
    const cvat = await openDataset(mem(cocoDoc({ json: 'annotations/instances_default.json', dir: 'images/' })));
    expect([cvat.train.length, cvat.val.length]).toEqual([1, 1]);
  });

  it('a COCO file under another name is found by its content (Label Studio: result.json beside images/)', async () => {
    const files = cocoDoc({ json: 'result.json', dir: 'images/' });
    const ds = await openDataset(mem([...files, { path: 'notes.json', bytes: text('{"images": 3}') }]));
    expect(ds.format).toBe('coco');
    expect([ds.train.length, ds.val.length]).toEqual([1, 1]);
    expect(ds.train[0].image).toMatch(/^images\//);
  });

  it('malformed files and annotations are refused naming the file and the annotation id', async () => {
    const bad = (annotation: object) => refusal(openDataset(mem(cocoDoc({ annotations: [annotation] }))));
    const seg = (segmentation: unknown) => ({ id: 42, image_id: 1, category_id: 1, segmentation });
    expect(await bad(seg([[0, 0, 1]]))).toBe('train/_annotations.coco.json: annotation 42: polygon 0 must be a flat list of numbers x0, y0, x1, y1, … of even length.');
    expect(await bad(seg({ counts: [1, 2], size: [4, 4] }))).toBe('train/_annotations.coco.json: annotation 42: its RLE counts cover 3 pixels, the image has 4×4 = 16.');
    expect(await bad(seg({ counts: [16], size: [4, 5] }))).toMatch(/annotation 42: its RLE size is 4×5 \(h×w\) but the image is 4×4/);
    expect(await bad(seg({ counts: '9h', size: [4, 4] }))).toMatch(/annotation 42: the RLE string ends inside a count/);
    expect(await bad(seg('oops'))).toMatch(/annotation 42: "segmentation" must be a list of polygons or an RLE object/);
    expect(await bad({ ...seg([]), category_id: 9 })).toMatch(/annotation 42 has category 9, which is not in "categories"/);
    expect(await bad({ ...seg([]), image_id: 8 })).toMatch(/annotation 42 refers to image 8, which is not in "images"/);
    const broken = cocoDoc({}).map((f) => (f.path.endsWith('.json') ? { ...f, bytes: text('{"images": [') } : f));
    expect(await refusal(openDataset(mem(broken)))).toMatch(/^train\/_annotations\.coco\.json: not valid JSON/);
    expect(await refusal(openDataset(mem(cocoDoc({}).filter((f) => !f.path.endsWith('two.png')))))).toMatch(/image "two.png" is not in the dataset/);
    expect(await refusal(openDataset(mem([{ path: 'x/instances_a.json', bytes: text('{"images": []}') }])))).toMatch(/x\/instances_a\.json: a COCO file needs an "annotations" array/);
  });

  it('an unrecognised layout says what it found and what it expected', async () => {
    const msg = await refusal(openDataset(mem([
      { path: 'photos/a.jpg', bytes: pngRgb(2, 2, () => [0, 0, 0]) }, { path: 'photos/b.jpg', bytes: pngRgb(2, 2, () => [0, 0, 0]) },
      { path: 'labels/export.json', bytes: text('{}') },
    ])));
    expect(msg).toMatch(/^ds: unrecognised layout\. Found: labels\/ \(1 \.json\), photos\/ \(2 \.jpg\) \(labels\/export\.json is not a COCO file/);
    expect(msg).toMatch(/Expected one of — Images \+ masks: train\/images.*COCO segmentation JSON.*Pascal VOC.*ADE20K.*Cityscapes/);
  });
});

/** Two 4×4 images (one.png, two.png) with the given categories and annotations. */
function cocoDoc(o: { json?: string; dir?: string; categories?: object[]; annotations?: object[] }): FileList {
  const json = o.json ?? 'train/_annotations.coco.json';
  const dir = o.dir ?? json.slice(0, json.lastIndexOf('/') + 1);
  const images = [{ id: 1, file_name: 'one.png', width: 4, height: 4 }, { id: 2, file_name: 'two.png', width: 4, height: 4 }];
  const annotations = o.annotations ?? [{ id: 1, image_id: 1, category_id: 1, segmentation: [[0, 0, 2, 0, 2, 2, 0, 2]] }];
  return [
    { path: json, bytes: text(JSON.stringify({ images, annotations, categories: o.categories ?? [{ id: 1, name: 'thing' }] })) },
    ...images.map((im) => ({ path: `${dir}${im.file_name}`, bytes: pngRgb(4, 4, () => [9, 9, 9]) })),
  ];
}
