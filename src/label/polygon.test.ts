import { describe, expect, it } from 'vitest';
import { fillPolygon } from '../data/coco-masks';
import { mulberry32 } from '../data/random';
import { fillPolygonMask } from './polygon';

describe('fillPolygonMask', () => {
  it('paints exactly the pixels the COCO reader fills for the same polygon (random polygons, on the full image)', () => {
    const rand = mulberry32(11);
    const [W, H] = [40, 27];
    for (let trial = 0; trial < 400; trial++) {
      const k = 3 + Math.floor(rand() * 7);
      // mostly inside, some vertices off the image; half of them on whole or half pixels (pycocotools' rounding ties)
      const coord = (size: number) => {
        const v = rand() * (size + 12) - 6;
        return trial % 2 ? Math.round(v * 2) / 2 : v;
      };
      const points = Array.from({ length: 2 * k }, (_, i) => coord(i % 2 ? H : W));
      const reference = new Uint8Array(W * H);
      fillPolygon(points, W, H, reference);
      const before = Uint8Array.from({ length: W * H }, () => (rand() < 0.7 ? 255 : 0));
      const mask = before.slice();
      const box = fillPolygonMask(mask, W, H, points, 4);
      const wrong = [...mask.keys()].filter((i) => mask[i] !== (reference[i] ? 4 : before[i])).map((i) => [i % W, Math.floor(i / W)]);
      expect(wrong, `trial ${trial}: ${points.map((v) => v.toFixed(2)).join(',')}`).toEqual([]);
      const inside = [...reference.keys()].filter((i) => reference[i]);
      if (inside.length === 0) expect(box.x0 >= box.x1).toBe(true);
      else {
        const xs = inside.map((i) => i % W), ys = inside.map((i) => Math.floor(i / W));
        expect(box).toEqual({ x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs) + 1, y1: Math.max(...ys) + 1 });
      }
    }
  });

  it('by hand: the square (1, 1)–(4, 3) covers the pixels whose centres are inside it', () => {
    const mask = new Uint8Array(6 * 5).fill(255);
    fillPolygonMask(mask, 6, 5, [1, 1, 4, 1, 4, 3, 1, 3], 2);
    const rows = Array.from({ length: 5 }, (_, y) => [...mask.subarray(y * 6, y * 6 + 6)].map((v) => (v === 255 ? '.' : v)).join(''));
    expect(rows).toEqual(['......', '.222..', '.222..', '......', '......']);
  });

  it('too few points paint nothing; an odd count of coordinates is refused', () => {
    const mask = new Uint8Array(9).fill(255);
    expect(fillPolygonMask(mask, 3, 3, [0, 0, 3, 3], 1).x1).toBe(0);
    expect(mask.every((v) => v === 255)).toBe(true);
    expect(() => fillPolygonMask(mask, 3, 3, [0, 0, 3, 3, 1], 1)).toThrow(/x, y pairs/);
    expect(() => fillPolygonMask(mask, 3, 3, [0, 0, 3, 3, 0, 3], 1.5)).toThrow(/mask value 1.5/);
  });
});
