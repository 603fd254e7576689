/**
 * GTA5 as the benchmark reads it: images/ + labels/ (Cityscapes labelIds → 19 train ids, other ids
 * ignored), Cityscapes val as the val split when it lies beside, a label map of another size
 * resized to its image with PyTorch's nearest rule (indices below printed by
 * torch.nn.functional.interpolate(mode='nearest'), torch 1.13, Debian's python3-torch).
 */
import { describe, expect, it } from 'vitest';
import { classMismatch } from '../train/classes';
import { CITYSCAPES_CLASSES } from './classes';
import { openDataset, readSample, validateDataset } from './dataset';
import { resizeMaskNearest } from './gta5';
import { memorySource } from './source';
import { maskPng, pngRgb, type FileList } from './testing';

/** The source row of each output row of a nearest resize from n rows to `out` (values carry the row number in two bytes). */
function nearestRows(n: number, out: number): number[] {
  const lo = resizeMaskNearest({ width: 1, height: n, data: Uint8Array.from({ length: n }, (_, i) => i & 255) }, 1, out).data;
  const hi = resizeMaskNearest({ width: 1, height: n, data: Uint8Array.from({ length: n }, (_, i) => i >> 8) }, 1, out).data;
  return Array.from(lo, (v, i) => v + 256 * hi[i]);
}

const road = CITYSCAPES_CLASSES[0][1], car = CITYSCAPES_CLASSES[13][1]; // labelIds 7 and 26

function gta5Files(withCityscapesVal: boolean): FileList {
  const files: FileList = [];
  for (const [i, k] of [1, 2, 3, 4, 5].entries()) {
    const stem = String(k).padStart(5, '0');
    files.push({ path: `images/${stem}.png`, bytes: pngRgb(12, 8, () => [i * 40, 90, 20]) });
    // frame 00002's label map is 10×6: resized to its 12×8 image; id 3 (ignored in Cityscapes) and 40 (no Cityscapes id)
    files.push({ path: `labels/${stem}.png`, bytes: k === 2 ? maskPng(10, 6, (x) => (x < 5 ? road : car)) : maskPng(12, 8, (x) => (x < 4 ? road : x < 8 ? 3 : x < 10 ? 40 : car)) });
  }
  if (withCityscapesVal) {
    files.push({ path: 'leftImg8bit/val/lindau/lindau_000000_000019_leftImg8bit.png', bytes: pngRgb(16, 8, () => [1, 2, 3]) });
    files.push({ path: 'gtFine/val/lindau/lindau_000000_000019_gtFine_labelIds.png', bytes: maskPng(16, 8, (x) => (x < 8 ? road : car)) });
  }
  return files;
}

describe('GTA5', () => {
  it("resizes a label map with PyTorch's nearest rule: source ⌊dst · in/out⌋ (float32), clamped", () => {
    expect(nearestRows(5, 9)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4]);
    expect(nearestRows(7, 4)).toEqual([0, 1, 3, 5]);
    expect(nearestRows(10, 13)).toEqual([0, 0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9]);
    expect(nearestRows(3, 7)).toEqual([0, 0, 0, 1, 1, 2, 2]);
    for (const [n, out, sum, middle, last] of [[1052, 1054, 553352, [519, 520, 521, 522, 523, 524, 525, 526, 526, 527, 528, 529], [1048, 1049, 1050, 1051]],
      [1080, 1052, 567016, [533, 534, 535, 536, 537, 538, 540, 541, 542, 543, 544, 545], [1075, 1076, 1077, 1078]]] as const) {
      const rows = nearestRows(n, out);
      expect([rows.reduce((a, b) => a + b, 0), rows.slice(520, 532), rows.slice(-4)]).toEqual([sum, middle, last]);
    }
  });

  it('opens images/ + labels/ as GTA5 with Cityscapes val beside it as the val split, maps labelIds to train ids and resizes a mismatched label map', async () => {
    const ds = await openDataset(memorySource('gta5+cityscapes', gta5Files(true)));
    expect([ds.format, ds.classes.length, ds.train.length, ds.val.map((r) => r.image)]).toEqual(['gta5', 19, 5, ['leftImg8bit/val/lindau/lindau_000000_000019_leftImg8bit.png']]);
    expect(ds.note).toMatch(/validation is Cityscapes val/);
    expect(ds.note).toMatch(/resized to it with nearest neighbour, as the benchmark does/);
    const plain = await readSample(ds, ds.train[0]);
    expect(Array.from(plain.mask.subarray(0, 12))).toEqual([0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 13, 13]);
    const resized = await readSample(ds, ds.train[1]); // 10×6 → 12×8: column x reads ⌊x · 10/12⌋
    expect([resized.width, resized.height]).toEqual([12, 8]);
    expect(Array.from(resized.mask.subarray(0, 12))).toEqual([0, 0, 0, 0, 0, 0, 13, 13, 13, 13, 13, 13]); // sources 0,0,1,2,3,4,5,5,6,7,8,9
    expect((await readSample(ds, ds.val[0])).mask.slice(7, 9)).toEqual(Uint8Array.from([0, 13]));
    await expect(validateDataset(ds)).resolves.toMatchObject({ train: 5, val: 1 });
  });

  it('GTA5 alone holds out a seeded fifth for validation and says the paper evaluates on Cityscapes val', async () => {
    const ds = await openDataset(memorySource('gta5', gta5Files(false)), { seed: 0 });
    expect([ds.format, ds.train.length, ds.val.length]).toEqual(['gta5', 4, 1]);
    expect(ds.note).toMatch(/1 GTA5 image\(s\) are held out for validation; the paper's number is a cross-dataset evaluation on Cityscapes val/);
  });

  it("shares Cityscapes' classes, so a GTA5 run cross-evaluates on a Cityscapes folder (the paper's shift)", async () => {
    const city = await openDataset(memorySource('cityscapes', gta5Files(true).filter((f) => !/^(images|labels)\//.test(f.path))
      .concat(gta5Files(true).filter((f) => f.path.includes('/val/')).map((f) => ({ ...f, path: f.path.replace('/val/', '/train/') })))));
    const gta = await openDataset(memorySource('gta5', gta5Files(false)));
    expect(city.format).toBe('cityscapes');
    expect(classMismatch(gta.classes.map((c) => c.name), 'GTA5', city.classes.map((c) => c.name), 'Cityscapes')).toBeUndefined();
  });

  it('elsewhere a label map of another size stays an error naming both files', async () => {
    const files: FileList = [
      { path: 'images/a.png', bytes: pngRgb(12, 8, () => [0, 0, 0]) }, { path: 'masks/a.png', bytes: maskPng(10, 6, () => 0) },
      { path: 'images/b.png', bytes: pngRgb(12, 8, () => [0, 0, 0]) }, { path: 'masks/b.png', bytes: maskPng(10, 6, () => 1) },
    ];
    const ds = await openDataset(memorySource('plain', files));
    await expect(readSample(ds, ds.train[0])).rejects.toThrow(/the mask is 10×6 but its image images\/.\.png is 12×8/);
  });
});
