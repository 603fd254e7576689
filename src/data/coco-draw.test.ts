/**
 * The label map of a COCO image is drawn with one rasterisation per object: the masks below were
 * printed by the earlier labelMap (which rasterised every object twice: once for its area, once to
 * paint it) and must not change by a pixel.
 */
import { describe, expect, it, vi } from 'vitest';
import * as masks from './coco-masks';
import { openDataset, readSample } from './dataset';
import { memorySource } from './source';
import { pngRgb, text } from './testing';

vi.mock('./coco-masks', async (original) => {
  const m = await original<typeof import('./coco-masks')>();
  return { ...m, fillPolygon: vi.fn(m.fillPolygon), fillRle: vi.fn(m.fillRle) };
});

const [W, H] = [10, 8];
const categories = [{ id: 0, name: 'background' }, { id: 1, name: 'cat' }, { id: 2, name: 'dog' }, { id: 3, name: 'bird' }];
const annotations = [
  { id: 1, image_id: 1, category_id: 1, segmentation: [[0.5, 0.5, 9, 1, 8, 7.5, 1, 6]] }, // large polygon
  { id: 2, image_id: 1, category_id: 2, segmentation: { counts: [26, 4, 4, 4, 4, 4, 34], size: [H, W] } }, // RLE: columns 3–5, rows 2–5
  { id: 3, image_id: 1, category_id: 3, segmentation: [[6, 0, 10, 0, 10, 3, 6, 3], [0, 6, 3, 6, 3, 8, 0, 8]] }, // two polygons, one object
  { id: 4, image_id: 1, category_id: 2, iscrowd: 1, segmentation: { counts: [70, 2, 8], size: [H, W] } }, // crowd: ignored
];
const files = ['train', 'valid'].flatMap((split) => [
  { path: `${split}/_annotations.coco.json`, bytes: text(JSON.stringify({ categories, annotations, images: [{ id: 1, file_name: 'one.png', width: W, height: H }] })) },
  { path: `${split}/one.png`, bytes: pngRgb(W, H, () => [9, 9, 9]) },
]);
const rows = (m: Uint8Array) => Array.from({ length: H }, (_, y) => [...m.subarray(y * W, y * W + W)].map((v) => (v === 255 ? 'x' : v)).join(''));

describe('COCO label map', () => {
  it('polygons and RLE draw the same mask as before, each object rasterised once', async () => {
    const ds = await openDataset(memorySource('ds', files));
    vi.mocked(masks.fillPolygon).mockClear();
    vi.mocked(masks.fillRle).mockClear();
    const { mask } = await readSample(ds, ds.train[0]);
    expect(rows(mask)).toEqual(PREVIOUS);
    // cat's polygon, bird's two polygons; dog's and the crowd's RLE (a polygon's own RLE fill is inside coco-masks, not counted)
    expect(vi.mocked(masks.fillPolygon).mock.calls.length).toBe(3);
    expect(vi.mocked(masks.fillRle).mock.calls.length).toBe(2);
  });
});

// x: ignored (the crowd); the dog's RLE on the cat; the bird's two parts, one on the cat
const PREVIOUS = ['0000003333', '0111113333', '0112223333', '0112221110', '0112221100', '0112221100', '33311111x0', '33300000x0'];
