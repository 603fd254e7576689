import { describe, expect, it } from 'vitest';
import { chooseSplit, defaultWorkspace, emptyMask, fillBackground, labelledCount, type LabelImage } from './workspace';

const image = (id: string, split: LabelImage['split'] = 'auto'): LabelImage => ({ id, name: `${id}.jpg`, width: 4, height: 3, split });
const images = (n: number) => Array.from({ length: n }, (_, i) => image(`img${String(i).padStart(2, '0')}`));
const count = (m: Map<string, string>, s: string) => [...m.values()].filter((v) => v === s).length;

describe('chooseSplit', () => {
  it('holds out 20 % (rounded), at least one image from two on, never all', () => {
    // n → val: 0.2·n rounded, at least 1 when n ≥ 2
    for (const [n, val] of [[1, 0], [2, 1], [3, 1], [6, 1], [8, 2], [10, 2], [13, 3], [50, 10]]) {
      const split = chooseSplit(images(n), 7);
      expect(split.size).toBe(n);
      expect(count(split, 'val'), `${n} images`).toBe(val);
    }
  });

  it('depends on the seed and the images, not the order they were added in', () => {
    const a = chooseSplit(images(20), 1), b = chooseSplit([...images(20)].reverse(), 1);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    const seeds = new Set(Array.from({ length: 8 }, (_, s) => JSON.stringify([...chooseSplit(images(20), s).entries()].sort())));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('keeps the user’s choices and fills the rest up to 20 %', () => {
    const list = images(10);
    list[0].split = 'val';
    list[1].split = 'train';
    const split = chooseSplit(list, 3);
    expect(split.get('img00')).toBe('val');
    expect(split.get('img01')).toBe('train');
    expect(count(split, 'val')).toBe(2);
    // all chosen as val by hand: the user's word stands; auto images never make it all-val
    const allVal = images(3).map((i) => ({ ...i, split: 'val' as const }));
    expect(count(chooseSplit(allVal, 0), 'val')).toBe(3);
    const twoVal = [image('a', 'val'), image('b', 'val'), image('c')];
    expect(chooseSplit(twoVal, 0).get('c')).toBe('train');
  });
});

describe('masks', () => {
  it('labelledCount counts masks with at least one class pixel; fillBackground turns 255 into 0 and nothing else', () => {
    const a = emptyMask(image('a')), b = emptyMask(image('b')), c = emptyMask(image('c'));
    b[5] = 0;
    c[0] = 3;
    expect(labelledCount([a, b, c, undefined])).toBe(2);
    expect(fillBackground(c)).toBe(11);
    expect([...c]).toEqual([3, ...new Array(11).fill(0)]);
    expect(fillBackground(c)).toBe(0);
  });

  it('a new workspace has one class, background', () => {
    expect(defaultWorkspace().classes.map((c) => c.name)).toEqual(['background']);
  });
});
