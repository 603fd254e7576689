import { describe, expect, it } from 'vitest';
import { sameItems } from './stable';

describe('sameItems', () => {
  it('compares arrays item by item, objects field by field (by identity, one level deep)', () => {
    const data = [1, 2];
    expect(sameItems([0, 25, 50], [0, 25, 50])).toBe(true);
    expect(sameItems([0, 25, 50], [0, 25])).toBe(false);
    expect(sameItems([0, 25, 50], [0, 25, 51])).toBe(false);
    expect(sameItems([NaN], [NaN])).toBe(true);
    expect(sameItems([{ id: 'a', data }], [{ id: 'a', data }])).toBe(true);
    expect(sameItems([{ id: 'a', data }], [{ id: 'a', data: [1, 2] }])).toBe(false); // new data is a new line
    expect(sameItems([{ id: 'a', data }], [{ id: 'a', data, extra: 1 }])).toBe(false);
    expect(sameItems([{ id: 'a' }], [null])).toBe(false);
  });
});
