/**
 * JPEG decoding against PIL: fixtures encoded and decoded by PIL with libjpeg-turbo
 * (src/data/fixtures/jpeg_fixtures.py) at 4:4:4, 4:2:2, 4:2:0 (odd size, progressive too). The
 * benchmark decodes with PIL; the aim is a mean |difference| ≤ 0.5 levels. EXIF orientation is
 * ignored as PIL ignores it, and a mask that fits only the rotated image names EXIF as the cause.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataset, readSample } from './dataset';
import { decodeImage } from './png';
import { readJpegFrame } from './jpeg';
import { maskPng, pngRgb } from './testing';
import type { FileSource } from './source';

const DIR = new URL('./fixtures/', import.meta.url).pathname;
const fixtures = JSON.parse(readFileSync(join(DIR, 'jpeg.json'), 'utf8')) as {
  pil: string; libjpeg_turbo: string; cases: { name: string; width: number; height: number; subsampling: string }[];
};
const bytesOf = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

describe(`JPEG decoding as PIL ${fixtures.pil} (libjpeg-turbo ${fixtures.libjpeg_turbo})`, () => {
  for (const c of fixtures.cases) {
    it(`${c.name} (${c.subsampling}, ${c.width}×${c.height}): mean |difference| ≤ 0.5 levels, none over 4`, () => {
      const img = decodeImage(bytesOf(`${c.name}.jpg`), c.name);
      const pil = bytesOf(`${c.name}.rgb`);
      expect([img.width, img.height]).toEqual([c.width, c.height]);
      let sum = 0, max = 0;
      pil.forEach((v, i) => {
        const d = Math.abs(img.data[i] - v);
        sum += d;
        max = Math.max(max, d);
      });
      expect(sum / pil.length).toBeLessThanOrEqual(0.5);
      expect(max).toBeLessThanOrEqual(4); // the IDCT's rounding only; chroma upsampling differed by up to 90
    });
  }

  it('reads the sampling and the EXIF orientation from the headers, and ignores the orientation as PIL does', () => {
    expect(readJpegFrame(bytesOf('s420.jpg'))?.components.map((k) => [k.h, k.v])).toEqual([[2, 2], [1, 1], [1, 1]]);
    expect(readJpegFrame(bytesOf('s422.jpg'))?.components.map((k) => [k.h, k.v])).toEqual([[2, 1], [1, 1], [1, 1]]);
    const rotated = bytesOf('exif-rotated.jpg');
    expect(readJpegFrame(rotated)?.orientation).toBe(6);
    const img = decodeImage(rotated, 'exif-rotated.jpg');
    expect([img.width, img.height]).toEqual([40, 24]); // as stored, not turned
  });

  it('a mask that fits only the EXIF-rotated image says EXIF rotation is the likely cause; a plain size mismatch does not', async () => {
    const files = new Map<string, Uint8Array>([
      ['train/images/a.jpg', bytesOf('exif-rotated.jpg')], ['train/masks/a.png', maskPng(24, 40, () => 1)], // drawn on the rotated view
      ['val/images/b.png', pngRgb(40, 24, () => [0, 0, 0])], ['val/masks/b.png', maskPng(24, 40, () => 1)], // no EXIF: no hint
    ]);
    const source: FileSource = { name: 'rotated', list: async () => [...files.keys()], read: async (p) => files.get(p)! };
    const ds = await openDataset(source);
    await expect(readSample(ds, ds.train[0])).rejects.toThrow(
      /^train\/masks\/a\.png: the mask is 24×40 but its image train\/images\/a\.jpg is 40×24\. The mask fits the image turned a quarter, and the image's EXIF orientation is 6: EXIF rotation is the likely cause/);
    await expect(readSample(ds, ds.val[0])).rejects.toThrow(/^val\/masks\/b\.png: the mask is 24×40 but its image val\/images\/b\.png is 40×24\.$/);
  });
});
