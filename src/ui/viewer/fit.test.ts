import { describe, expect, it } from 'vitest';
import { fitPicture, pixelAt } from './fit';
import { IDENTITY, clampView, pan, zoomAt, type View } from './zoom';

const SIZE = 256;
/** The photos of issue 24 (640×480, 375×500), a square, and sizes whose fit is not whole pixels. */
const PICTURES = [[640, 480], [375, 500], [256, 256], [800, 600], [333, 500], [8, 6]] as const;

/**
 * The forward direction, written out on its own: image pixel (x, y)'s centre on the canvas, for a
 * w × h picture whose longer side fills the canvas, centred, then zoomed and panned by `v`.
 */
function centreOnCanvas(w: number, h: number, v: View, x: number, y: number): [number, number] {
  const k = SIZE / Math.max(w, h);
  const left = (SIZE - w * k) / 2, top = (SIZE - h * k) / 2;
  return [(left + (x + 0.5) * k) * v.zoom + v.x, (top + (y + 0.5) * k) * v.zoom + v.y];
}

/** About 90 indices from 0 to n − 1, the last one included (all of them for a small picture). */
function sampled(n: number): number[] {
  const step = Math.ceil(n / 90);
  return [...Array.from({ length: Math.ceil(n / step) }, (_, i) => step * i), n - 1];
}

/** Views a user reaches: none, zoomed about a corner and the centre, zoomed and dragged. */
function viewsFor(w: number, h: number): View[] {
  const f = fitPicture(w, h, SIZE);
  const zoomed = zoomAt(IDENTITY, [200, 230], 2.5, f);
  return [IDENTITY, zoomed, zoomAt(IDENTITY, [128, 128], 1.25, f), pan(zoomed, 37, -51, f), zoomAt(zoomed, [10, 250], 4, f)];
}

describe('a picture in a square pane', () => {
  it('keeps its aspect ratio: one scale on both axes, its longer side fills the pane, centred on the other', () => {
    for (const [w, h] of PICTURES) {
      const f = fitPicture(w, h, SIZE);
      expect(f.width / f.height).toBeCloseTo(w / h, 12);
      expect(Math.max(f.width, f.height)).toBeCloseTo(SIZE, 12);
      expect(f.left * 2 + f.width).toBeCloseTo(SIZE, 12);
      expect(f.top * 2 + f.height).toBeCloseTo(SIZE, 12);
    }
    expect(fitPicture(640, 480, SIZE)).toMatchObject({ scale: 0.4, left: 0, top: 32, width: 256, height: 192 });
    expect(fitPicture(375, 500, SIZE)).toMatchObject({ scale: 0.512, left: 32, top: 0, width: 192, height: 256 });
    expect(() => fitPicture(0, 480, SIZE)).toThrow(/0 × 480/);
  });

  it('the pixel under the pointer is the one drawn there, at any zoom and pan (about 90 × 90 pixels of each picture)', () => {
    for (const [w, h] of PICTURES) {
      const f = fitPicture(w, h, SIZE);
      for (const v of viewsFor(w, h)) {
        let checked = 0;
        for (const y of sampled(h)) {
          for (const x of sampled(w)) {
            const p = centreOnCanvas(w, h, v, x, y);
            if (p[0] < 0 || p[1] < 0 || p[0] >= SIZE || p[1] >= SIZE) continue; // zoomed off the canvas
            expect(pixelAt(v, p, f), `${w}×${h} at zoom ${v.zoom}: pixel (${x}, ${y})`).toEqual([x, y]);
            checked++;
          }
        }
        expect(checked, `${w}×${h} at zoom ${v.zoom}`).toBeGreaterThan(0);
      }
    }
  });

  it('every canvas point names the pixel whose square (drawn directly) contains it, and no pixel over the bars', () => {
    for (const [w, h] of PICTURES) {
      const f = fitPicture(w, h, SIZE);
      const k = SIZE / Math.max(w, h);
      for (const v of viewsFor(w, h)) {
        // image pixel (x, y) covers [corner(x), corner(x + 1)) on the canvas
        const corner = (i: number, axis: 0 | 1) => ((axis ? (SIZE - h * k) / 2 : (SIZE - w * k) / 2) + i * k) * v.zoom + (axis ? v.y : v.x);
        for (let cy = 0.25; cy < SIZE; cy += 3.3) {
          for (let cx = 0.25; cx < SIZE; cx += 3.3) {
            const got = pixelAt(v, [cx, cy], f);
            const inside = cx >= corner(0, 0) && cx < corner(w, 0) && cy >= corner(0, 1) && cy < corner(h, 1);
            if (!got) { expect(inside, `${w}×${h} (${cx}, ${cy})`).toBe(false); continue; }
            const [x, y] = got;
            expect(cx).toBeGreaterThanOrEqual(corner(x, 0) - 1e-9);
            expect(cx).toBeLessThan(corner(x + 1, 0) + 1e-9);
            expect(cy).toBeGreaterThanOrEqual(corner(y, 1) - 1e-9);
            expect(cy).toBeLessThan(corner(y + 1, 1) + 1e-9);
          }
        }
      }
    }
  });

  it('the last row and column are named up to the picture\'s edge; the letterbox bars name no pixel', () => {
    const wide = fitPicture(640, 480, SIZE); // rows 0…479 on canvas y 32 … 224
    expect(pixelAt(IDENTITY, [255.9, 223.9], wide)).toEqual([639, 479]);
    expect(pixelAt(IDENTITY, [0, 32], wide)).toEqual([0, 0]);
    expect(pixelAt(IDENTITY, [128, 31.9], wide)).toBeUndefined();
    expect(pixelAt(IDENTITY, [128, 224], wide)).toBeUndefined();
    const tall = fitPicture(375, 500, SIZE); // columns 0…374 on canvas x 32 … 224
    expect(pixelAt(IDENTITY, [31.9, 100], tall)).toBeUndefined();
    expect(pixelAt(IDENTITY, [223.9, 255.9], tall)).toEqual([374, 499]);
    expect(pixelAt(IDENTITY, [224, 100], tall)).toBeUndefined();
  });

  it('zoom and pan keep the picture covering the pane where it is big enough, else centred as at zoom 1', () => {
    for (const [w, h] of PICTURES) {
      const f = fitPicture(w, h, SIZE);
      expect(clampView(IDENTITY, f)).toEqual(IDENTITY);
      for (const zoom of [1, 1.1, 1.25, 1.5, 2, 7]) {
        for (const [x, y] of [[-1000, -1000], [0, 0], [300, -40], [-90, 500]]) {
          const v = clampView({ zoom, x, y }, f);
          for (const [offset, start, length] of [[v.x, f.left, f.width], [v.y, f.top, f.height]]) {
            const from = start * zoom + offset, to = (start + length) * zoom + offset; // the picture on the canvas
            if (length * zoom >= SIZE) {
              expect(from).toBeLessThanOrEqual(1e-9);
              expect(to).toBeGreaterThanOrEqual(SIZE - 1e-9);
            } else {
              expect(from).toBeCloseTo(SIZE - to, 9); // equal bars on both sides
            }
          }
        }
      }
    }
  });
});
