import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { meanPixelEntropy, orderByEntropy } from './entropy';

describe('meanPixelEntropy', () => {
  it('by hand: equal logits give ln C; probabilities ¼ and ¾ give −(¼ ln ¼ + ¾ ln ¾); the mean is over pixels', () => {
    // [C = 2, pixels = 2], class-major: pixel 0 has logits (0, 0), pixel 1 has (0, ln 3)
    const logits = Float32Array.from([0, 0, 0, Math.log(3)]);
    const h1 = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    expect(meanPixelEntropy(logits, 2, 2)).toBeCloseTo((Math.log(2) + h1) / 2, 6);
    expect(meanPixelEntropy(new Float32Array(5 * 3).fill(7), 5, 3)).toBeCloseTo(Math.log(5), 6);
  });

  it('matches −Σ p ln p of a direct softmax on random logits, and stays finite for huge logits', () => {
    const rand = mulberry32(4);
    const [C, P] = [6, 50];
    const logits = Float32Array.from({ length: C * P }, () => (rand() - 0.5) * 12);
    let sum = 0;
    for (let i = 0; i < P; i++) {
      const e = Array.from({ length: C }, (_, c) => Math.exp(logits[c * P + i]));
      const z = e.reduce((a, b) => a + b, 0);
      sum += -e.reduce((h, v) => h + (v / z) * Math.log(v / z), 0);
    }
    expect(meanPixelEntropy(logits, C, P)).toBeCloseTo(sum / P, 5);
    // e^1000 overflows a naive softmax; a certain pixel has entropy 0
    expect(meanPixelEntropy(Float32Array.from([1000, 0]), 2, 1)).toBeCloseTo(0, 10);
    expect(() => meanPixelEntropy(logits, C, P + 1)).toThrow(/6 classes × 51 pixels/);
  });
});

describe('orderByEntropy', () => {
  it('puts the least certain image first, keeps ties in their order and leaves the input alone', () => {
    const items = [
      { id: 'a', entropy: 0.1 }, { id: 'b', entropy: 0.9 }, { id: 'c', entropy: 0.5 }, { id: 'd', entropy: 0.9 }, { id: 'e', entropy: 0 },
    ];
    expect(orderByEntropy(items).map((i) => i.id)).toEqual(['b', 'd', 'c', 'a', 'e']);
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('orders images by their logits’ entropy: a confident image after an unsure one', () => {
    const sure = Float32Array.from([9, 9, 9, 9, -9, -9, -9, -9]); // 2 classes × 4 pixels
    const unsure = Float32Array.from([0.1, 0, 0.2, 0, 0, 0.1, 0, 0.3]);
    const ordered = orderByEntropy([{ id: 'sure', entropy: meanPixelEntropy(sure, 2, 4) }, { id: 'unsure', entropy: meanPixelEntropy(unsure, 2, 4) }]);
    expect(ordered.map((i) => i.id)).toEqual(['unsure', 'sure']);
  });
});
