import { describe, expect, it } from 'vitest';
import { ERROR_COLORS, IGNORE, backgroundIndex, blend, errorKind, errorKindsFor, paintErrors, paintImage, paintMask } from './composite';

// two pixels: image colours, and class ids / labels
const image = new Uint8Array([10, 20, 30, 200, 100, 50]);
const colors = [[255, 0, 0], [0, 0, 255]] as const;

describe('overlay opacity', () => {
  it('0 shows the image only, 1 the mask colour fully opaque, between a linear mix', () => {
    expect(blend(10, 255, 0)).toBe(10);
    expect(blend(10, 255, 1)).toBe(255);
    expect(blend(0, 200, 0.25)).toBe(50);
    const ids = new Uint8Array([0, 1]);
    expect([...paintMask(image, ids, colors, 0)]).toEqual([...paintImage(image)]);
    expect([...paintMask(image, ids, colors, 1)]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
    expect([...paintMask(image, ids, colors, 0.5)]).toEqual([133, 10, 15, 255, 100, 50, 153, 255]);
  });

  it('an ignore pixel shows the image at any opacity; an unknown id is white', () => {
    expect([...paintMask(image, new Uint8Array([IGNORE, 7]), colors, 1)]).toEqual([10, 20, 30, 255, 255, 255, 255, 255]);
  });
});

describe('error map', () => {
  it('classifies each pixel against the background class', () => {
    const bg = 0;
    expect(errorKind(IGNORE, 2, bg)).toBe('ignore');
    expect(errorKind(2, IGNORE, bg)).toBe('ignore');
    expect(errorKind(2, 2, bg)).toBe('correct');
    expect(errorKind(2, 0, bg)).toBe('missed'); // object predicted as background: false negative
    expect(errorKind(0, 2, bg)).toBe('falseAlarm'); // background predicted as object: false positive
    expect(errorKind(2, 3, bg)).toBe('wrongClass');
    expect(errorKind(0, 2)).toBe('wrongClass'); // no background class: every error is a wrong class
    expect(errorKindsFor(undefined)).toEqual(['wrongClass']);
    expect(new Set(Object.values(ERROR_COLORS).map(String)).size).toBe(3);
  });

  it('draws errors over the image and leaves correct and ignored pixels clear', () => {
    const img = new Uint8Array(4 * 3).fill(100);
    const truth = new Uint8Array([1, 0, 1, IGNORE]), predicted = new Uint8Array([0, 1, 1, 0]);
    const out = paintErrors(img, truth, predicted, 0, 1);
    expect([...out.slice(0, 4)]).toEqual([...ERROR_COLORS.missed, 255]);
    expect([...out.slice(4, 8)]).toEqual([...ERROR_COLORS.falseAlarm, 255]);
    expect([...out.slice(8, 16)]).toEqual([100, 100, 100, 255, 100, 100, 100, 255]);
    expect([...paintErrors(img, truth, predicted, 0, 0)]).toEqual([...paintImage(img)]);
  });

  it('finds the background class by name', () => {
    expect(backgroundIndex(['background', 'disc'])).toBe(0);
    expect(backgroundIndex(['cat', '_background_'])).toBe(1);
    expect(backgroundIndex(['road', 'sidewalk'])).toBeUndefined();
    expect(backgroundIndex(['backgrounds'])).toBeUndefined();
  });
});
