/** The mask layer, the outline and the class renumbering against pixel-by-pixel expectations. */
import { describe, expect, it } from 'vitest';
import { renumberAfterRemoval } from './classes';
import { paintSelected } from './paint';
import { outlineRgba, paintOverlay } from './overlay';
import { commandFor } from './shortcuts';

describe('label overlay', () => {
  it('writes class colours inside the box only, unlabelled and unknown ids transparent', () => {
    const width = 4, mask = Uint8Array.from([0, 1, 255, 7, 1, 1, 0, 0]);
    const rgba = new Uint8ClampedArray(8 * 4).fill(9);
    paintOverlay(rgba, mask, width, { x0: 0, y0: 0, x1: 4, y1: 1 }, [[10, 20, 30], [40, 50, 60]]);
    expect([...rgba.subarray(0, 16)]).toEqual([10, 20, 30, 255, 40, 50, 60, 255, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...rgba.subarray(16)].every((v) => v === 9)).toBe(true); // the second row is outside the box
  });

  it('outlines edge pixels only', () => {
    const rgba = outlineRgba(Uint8Array.from([0, 1]));
    expect([...rgba]).toEqual([0, 0, 0, 0, 255, 255, 255, 140]);
  });

  it('removing class 1 makes it unlabelled and moves 2, 3 down; 0 and 255 stay', () => {
    const mask = Uint8Array.from([0, 1, 2, 3, 255]);
    renumberAfterRemoval(mask, 1);
    expect([...mask]).toEqual([0, 255, 1, 2, 255]);
  });

  it('paints the selected pixels and returns their bounding box', () => {
    const width = 5, mask = new Uint8Array(15).fill(255), selected = new Uint8Array(15);
    selected[6] = selected[13] = 1; // (1,1) and (3,2)
    expect(paintSelected(mask, width, selected, 4)).toEqual({ x0: 1, y0: 1, x1: 4, y1: 3 });
    expect([...mask].map((v, i) => (v === 4 ? i : -1)).filter((i) => i >= 0)).toEqual([6, 13]);
    expect(paintSelected(mask, width, new Uint8Array(15), 4)).toEqual({ x0: 0, y0: 0, x1: 0, y1: 0 });
  });

  it('keys: tools, classes 1–9, undo and redo, nothing with Alt', () => {
    const k = (key: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) =>
      commandFor({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(k('b')).toEqual({ kind: 'tool', tool: 'brush' });
    expect(k('F')).toEqual({ kind: 'tool', tool: 'fill' });
    expect(k('3')).toEqual({ kind: 'class', index: 2 });
    expect(k('z', { ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(k('Z', { ctrlKey: true, shiftKey: true })).toEqual({ kind: 'redo' });
    expect(k('y', { metaKey: true })).toEqual({ kind: 'redo' });
    expect(k('b', { altKey: true })).toBeUndefined();
    expect(k('0')).toEqual({ kind: 'zoom-reset' });
  });
});
