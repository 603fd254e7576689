import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { paintStroke, strokeBox } from './brush';
import { outside, watched } from './testing';

/** Distance from p to segment ab, written the other way round: perpendicular when the foot is on the segment, else the nearer end. */
function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const len = Math.hypot(bx - ax, by - ay);
  const toA = Math.hypot(px - ax, py - ay), toB = Math.hypot(px - bx, py - by);
  if (len === 0) return toA;
  const along = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len;
  if (along <= 0 || along >= len) return Math.min(toA, toB);
  return Math.abs((px - ax) * (by - ay) - (py - ay) * (bx - ax)) / len;
}

describe('paintStroke', () => {
  it('paints exactly the pixels whose centre is within the radius of the segment (brute force over every pixel)', () => {
    const rand = mulberry32(7);
    const [W, H] = [37, 23];
    for (let trial = 0; trial < 300; trial++) {
      const from = { x: rand() * 50 - 6, y: rand() * 35 - 6 };
      const to = trial % 5 === 0 ? { ...from } : { x: rand() * 50 - 6, y: rand() * 35 - 6 }; // some dabs (a click)
      const r = 0.3 + rand() * 6;
      const value = Math.floor(rand() * 256);
      const before = Uint8Array.from({ length: W * H }, () => Math.floor(rand() * 4));
      const mask = before.slice();
      const box = paintStroke(mask, W, H, from, to, r, value);
      const expected = before.slice();
      const outsideBox: number[][] = [];
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = y * W + x;
          const d = segmentDistance(x + 0.5, y + 0.5, from.x, from.y, to.x, to.y);
          if (Math.abs(d - r) < 1e-9) expected[i] = mask[i]; // on the rim: rounding may go either way
          else if (d <= r) expected[i] = value;
          if (d <= r && !(x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1)) outsideBox.push([x, y]);
        }
      }
      const wrong = [...mask.keys()].filter((i) => mask[i] !== expected[i]).map((i) => [i % W, Math.floor(i / W)]);
      expect(wrong, `trial ${trial}: pixels that differ from the brute force`).toEqual([]);
      expect(outsideBox, `trial ${trial}: painted pixels outside ${JSON.stringify(box)}`).toEqual([]);
      // the box is the capsule's bounding rectangle, clipped, give or take the pixel a centre falls in
      const lo = (v: number) => Math.max(0, Math.floor(v - r - 0.5)), hiX = (v: number) => Math.min(W, Math.ceil(v + r + 0.5)), hiY = (v: number) => Math.min(H, Math.ceil(v + r + 0.5));
      if (box.x0 < box.x1) {
        expect(box.x0).toBeGreaterThanOrEqual(lo(Math.min(from.x, to.x)));
        expect(box.y0).toBeGreaterThanOrEqual(lo(Math.min(from.y, to.y)));
        expect(box.x1).toBeLessThanOrEqual(hiX(Math.max(from.x, to.x)));
        expect(box.y1).toBeLessThanOrEqual(hiY(Math.max(from.y, to.y)));
      }
    }
  });

  it('by hand: a click of radius 1.6 at (5, 5) paints a 2×2 block and the two pixels beside each side; a line erases two rows', () => {
    const mask = new Uint8Array(10 * 10).fill(255);
    paintStroke(mask, 10, 10, { x: 5, y: 5 }, { x: 5, y: 5 }, 1.6, 2);
    // centre offsets (±½, ±½) are 0.71 away, (±1½, ±½) 1.58 (in), (±1½, ±1½) 2.12 (out)
    const painted = [...mask.keys()].filter((i) => mask[i] === 2).map((i) => [i % 10, Math.floor(i / 10)]);
    expect(painted).toEqual([[4, 3], [5, 3], [3, 4], [4, 4], [5, 4], [6, 4], [3, 5], [4, 5], [5, 5], [6, 5], [4, 6], [5, 6]]);
    paintStroke(mask, 10, 10, { x: 0, y: 5 }, { x: 10, y: 5 }, 0.6, 255);
    expect([...mask.keys()].filter((i) => mask[i] === 2).map((i) => [i % 10, Math.floor(i / 10)])).toEqual([[4, 3], [5, 3], [4, 6], [5, 6]]);
  });

  it('a stroke outside the image touches nothing and returns an empty box; a wrong-sized mask is refused', () => {
    const mask = new Uint8Array(20).fill(255);
    const box = paintStroke(mask, 5, 4, { x: -10, y: -10 }, { x: -3, y: 20 }, 2, 1);
    expect(box.x0 >= box.x1 || box.y0 >= box.y1).toBe(true);
    expect(mask.every((v) => v === 255)).toBe(true);
    expect(() => paintStroke(mask, 5, 5, { x: 1, y: 1 }, { x: 1, y: 1 }, 1, 1)).toThrow(/20 pixels, not 5×5/);
    expect(paintStroke(mask, 5, 4, { x: NaN, y: 1 }, { x: 2, y: 2 }, 3, 1)).toEqual({ x0: 0, y0: 0, x1: 0, y1: 0 }); // a pointer off the page
    expect(mask.every((v) => v === 255)).toBe(true);
    expect(() => paintStroke(mask, 5, 4, { x: 1, y: 1 }, { x: 1, y: 1 }, 1, 256)).toThrow(/mask value 256 is not a class id/);
    const dab = strokeBox(5, 4, { x: 2, y: 2 }, { x: 2, y: 2 }, 0.4); // the nearest centre, 2.5, is 0.5 away: nothing
    expect(dab.x0 >= dab.x1 || dab.y0 >= dab.y1).toBe(true);
  });

  it('reads and writes only the stroke’s box: a dab on a 1024×768 mask touches its few pixels', () => {
    const { array, touched } = watched(new Uint8Array(1024 * 768).fill(255));
    const box = paintStroke(array, 1024, 768, { x: 500.2, y: 300.7 }, { x: 510.9, y: 296.1 }, 4, 1);
    expect(touched.size).toBeGreaterThan(0);
    expect(outside(touched, 1024, box)).toEqual([]);
    expect((box.x1 - box.x0) * (box.y1 - box.y0)).toBeLessThan(25 * 25);
  });
});
