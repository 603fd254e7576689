/** The canvas's zoom and pan against direct computations: the point under the pointer stays, edges hold, pixels map back. */
import { describe, expect, it } from 'vitest';
import { clampView, fitSize, pan, toPhoto, zoomAt } from './view';

describe('label view', () => {
  it('zooming about a point keeps the photo pixel under it', () => {
    const photo = { width: 300, height: 200 };
    const before = toPhoto({ zoom: 1, x: 0, y: 0 }, 0.3, 0.7, photo);
    const v = zoomAt({ zoom: 1, x: 0, y: 0 }, 0.3, 0.7, 2);
    expect(v.zoom).toBe(2);
    const after = toPhoto(v, 0.3, 0.7, photo);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    // direct: at zoom 2 about (0.3, 0.7) the offset is p − 2p = −p
    expect(v.x).toBeCloseTo(-0.3, 12);
    expect(v.y).toBeCloseTo(-0.7, 12);
  });

  it('never shows past the photo: offsets stay in [1 − zoom, 0], zoom in [1, 16]', () => {
    expect(pan({ zoom: 2, x: 0, y: 0 }, 0.4, -5)).toEqual({ zoom: 2, x: 0, y: -1 });
    expect(clampView({ zoom: 0.5, x: 0.2, y: 0.2 })).toEqual({ zoom: 1, x: 0, y: 0 });
    expect(clampView({ zoom: 40, x: -100, y: 0 }).zoom).toBe(16);
  });

  it('maps the canvas to photo pixels: the whole photo at zoom 1, a quarter at zoom 2', () => {
    const photo = { width: 96, height: 64 };
    expect(toPhoto({ zoom: 1, x: 0, y: 0 }, 1, 1, photo)).toEqual({ x: 96, y: 64 });
    expect(toPhoto({ zoom: 2, x: -1, y: -1 }, 0, 0, photo)).toEqual({ x: 48, y: 32 });
  });

  it('fits the photo into the stage at its own aspect', () => {
    expect(fitSize({ width: 96, height: 64 }, 960, 400)).toEqual({ width: 600, height: 400 });
    expect(fitSize({ width: 96, height: 64 }, 300, 900)).toEqual({ width: 300, height: 200 });
  });
});
