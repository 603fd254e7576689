import { describe, expect, it } from 'vitest';
import { IDENTITY, MAX_ZOOM, clampView, pan, square, toContent, viewForKey, wheelFactor, zoomAt, zoomCentre, type View } from './zoom';

const SIZE = square(256);
const close = (a: readonly number[], b: readonly number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));

describe('zoom about a point', () => {
  it('keeps the content point under the cursor fixed, at any start view', () => {
    const views: View[] = [IDENTITY, { zoom: 2, x: -100, y: -30 }, { zoom: 5.5, x: -700, y: -900 }];
    for (const v of views) {
      for (const p of [[10, 200], [128, 128], [250, 3]] as const) {
        const before = toContent(v, p);
        const after = zoomAt(v, p, 1.25, SIZE);
        expect(after.zoom).toBeCloseTo(v.zoom * 1.25, 9);
        close(toContent(after, p), before);
      }
    }
  });

  it('differs from zooming about the top-left corner (the old +/− bug)', () => {
    const v = zoomAt(IDENTITY, [200, 200], 2, SIZE);
    expect(v).toEqual({ zoom: 2, x: -200, y: -200 });
    expect(zoomCentre(IDENTITY, 2, SIZE)).toEqual({ zoom: 2, x: -128, y: -128 });
  });

  it('zooming back out at the same point returns to the start', () => {
    const p = [40, 90] as const;
    const v = zoomAt(zoomAt(IDENTITY, p, 1.25, SIZE), p, 1.25, SIZE);
    close(Object.values(zoomAt(zoomAt(v, p, 0.8, SIZE), p, 0.8, SIZE)), Object.values(IDENTITY));
  });

  it('stops at the zoom limits and never shows past the content edges', () => {
    expect(zoomAt(IDENTITY, [0, 0], 0.5, SIZE)).toEqual(IDENTITY);
    expect(zoomAt({ zoom: MAX_ZOOM, x: 0, y: 0 }, [0, 0], 2, SIZE).zoom).toBe(MAX_ZOOM);
    expect(clampView({ zoom: 2, x: 50, y: -1000 }, SIZE)).toEqual({ zoom: 2, x: 0, y: -256 });
    expect(pan(IDENTITY, 30, 30, SIZE)).toEqual(IDENTITY); // nothing to pan at zoom 1
  });
});

describe('wheel and keys', () => {
  it('wheel up zooms in, down zooms out, a notch by 1.25, lines count as 16 px', () => {
    expect(wheelFactor(-100)).toBeCloseTo(1.25, 9);
    expect(wheelFactor(100)).toBeCloseTo(0.8, 9);
    expect(wheelFactor(-3, 1)).toBeCloseTo(wheelFactor(-48), 9);
    expect(wheelFactor(0)).toBe(1);
  });

  it('+/− zoom about the centre, arrows pan, 0 resets, other keys are not used', () => {
    const zoomed = viewForKey(IDENTITY, '+', SIZE)!;
    close(toContent(zoomed, [128, 128]), [128, 128]);
    expect(viewForKey(zoomed, '-', SIZE)).toEqual(IDENTITY);
    const right = viewForKey(zoomed, 'ArrowRight', SIZE)!;
    expect(toContent(right, [128, 128])[0]).toBeGreaterThan(128); // shows what lies to the right
    expect(viewForKey(right, '0', SIZE)).toEqual(IDENTITY);
    expect(viewForKey(zoomed, 'a', SIZE)).toBeUndefined();
  });
});
