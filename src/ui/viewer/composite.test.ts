import { describe, expect, it } from 'vitest';
import { DISAGREE_COLOR, ERROR_COLORS, IGNORE, backgroundIndex, blend, disagreement, errorKind, errorKindsFor, paintDisagreement, paintErrors, paintImage, paintMask } from './composite';

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

describe('disagreement map', () => {
  /** The definition, pixel by pixel: the set of classes the predicting runs name there. */
  function direct(preds: Uint8Array[]): { map: number[]; share: number } {
    const map: number[] = [];
    let compared = 0, differing = 0;
    for (let i = 0; i < preds[0].length; i++) {
      const named = preds.map((p) => p[i]).filter((k) => k !== IGNORE);
      if (named.length < 2) { map.push(IGNORE); continue; }
      const d = new Set(named).size > 1 ? 1 : 0;
      map.push(d);
      compared++;
      differing += d;
    }
    return { map, share: compared ? differing / compared : 0 };
  }

  it('marks pixels where the predicting runs name different classes; ignore pixels do not vote', () => {
    const a = new Uint8Array([0, 1, 2, IGNORE, IGNORE, 3]);
    const b = new Uint8Array([0, 2, 2, 1, IGNORE, 3]);
    const c = new Uint8Array([0, 1, IGNORE, 2, 1, 4]);
    const { map, share } = disagreement([a, b, c]);
    // agree; differ; agree (c does not predict); differ (a does not); one run only; differ
    expect([...map]).toEqual([0, 1, 0, 1, IGNORE, 1]);
    expect(share).toBeCloseTo(3 / 5, 12);
    expect(disagreement([a, a]).share).toBe(0);
    expect(disagreement([a]).map.every((v) => v === IGNORE)).toBe(true);
  });

  it('equals the direct per-pixel definition on random predictions with ignore pixels', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const runs of [2, 3, 6]) {
      const preds = Array.from({ length: runs }, () => Uint8Array.from({ length: 400 }, () => (rand() < 0.15 ? IGNORE : Math.floor(rand() * 3))));
      const got = disagreement(preds);
      const want = direct(preds);
      expect([...got.map]).toEqual(want.map);
      expect(got.share).toBeCloseTo(want.share, 12);
    }
  });

  it('refuses predictions of different sizes, naming them', () => {
    expect(() => disagreement([new Uint8Array(4), new Uint8Array(6)])).toThrow('4 / 6 pixels');
  });

  it('paints disagreeing pixels over the image; agreeing and unpredicted ones show the image', () => {
    const rgba = paintDisagreement(image, new Uint8Array([1, 0]), 1);
    expect([...rgba]).toEqual([...DISAGREE_COLOR, 255, 200, 100, 50, 255]);
    expect([...paintDisagreement(image, new Uint8Array([IGNORE, 0]), 1)]).toEqual([...paintImage(image)]);
  });
});
