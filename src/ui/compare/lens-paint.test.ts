import { describe, expect, it } from 'vitest';
import { RAMP, moveProbe, paintPatches, patchProbe, probePatch, rampColour, similarityColours } from './lens-paint';

describe('feature lens pictures', () => {
  it('finds the patch under a probe in grids of any size, and a patch\'s centre maps back to it', () => {
    expect(probePatch({ fx: 0, fy: 0 }, 4)).toBe(0);
    expect(probePatch({ fx: 0.99, fy: 0.3 }, 4)).toBe(1 * 4 + 3);
    expect(probePatch({ fx: 1, fy: 1 }, 4)).toBe(15); // the far edge belongs to the last patch
    for (let i = 0; i < 36; i++) expect(probePatch(patchProbe(i, 6), 6)).toBe(i);
    // the same place in a finer grid
    expect(probePatch(patchProbe(5, 4), 8)).toBe(3 * 8 + 3);
  });

  it('moves the probe one patch per arrow key, starts in the centre, stops at the edges', () => {
    const first = moveProbe(undefined, 'ArrowLeft', 5)!;
    expect(probePatch(first, 5)).toBe(12);
    expect(probePatch(moveProbe(first, 'ArrowLeft', 5)!, 5)).toBe(11);
    expect(probePatch(moveProbe(first, 'ArrowDown', 5)!, 5)).toBe(17);
    let p = first;
    for (let i = 0; i < 9; i++) p = moveProbe(p, 'ArrowUp', 5)!;
    expect(probePatch(p, 5)).toBe(2);
    expect(moveProbe(p, 'Enter', 5)).toBeUndefined();
  });

  it('ramps similarity from the first stop at −1 to the last at 1, through the middle stop at 0', () => {
    const rgb = (c: number[]) => c.map((v) => Math.round(v * 255));
    expect(rgb(rampColour(-1))).toEqual(RAMP[0]);
    expect(rgb(rampColour(0))).toEqual(RAMP[2]);
    expect(rgb(rampColour(1))).toEqual(RAMP[4]);
    expect(rgb(rampColour(7))).toEqual(RAMP[4]);
    expect(similarityColours(Float32Array.of(1, -1))).toEqual(Float32Array.from([...rampColour(1), ...rampColour(-1)]));
  });

  it('lays patch colours nearest-neighbour over the image with the blend', () => {
    const size = 4, grid = 2;
    const image = new Uint8Array(size * size * 3).fill(100);
    const colours = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1]); // red, green / blue, white
    const px = (out: Uint8ClampedArray, x: number, y: number) => [...out.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    const full = paintPatches(image, size, colours, grid, 1);
    expect([px(full, 0, 0), px(full, 1, 1), px(full, 2, 1), px(full, 1, 2), px(full, 3, 3)]).toEqual([
      [255, 0, 0, 255], [255, 0, 0, 255], [0, 255, 0, 255], [0, 0, 255, 255], [255, 255, 255, 255]]);
    expect(px(paintPatches(image, size, colours, grid, 0), 3, 0)).toEqual([100, 100, 100, 255]);
    expect(px(paintPatches(image, size, colours, grid, 0.5), 3, 0)).toEqual([50, 178, 50, 255]);
    expect(() => paintPatches(image, size, colours.subarray(3), grid, 1)).toThrow(/3 patch colours for a 2×2 grid/);
  });
});
