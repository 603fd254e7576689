import { describe, expect, it } from 'vitest';
import { classMismatch, sameClasses } from './classes';

describe('class lists', () => {
  it('are the same only with the same names in the same order', () => {
    expect(sameClasses(['sky', 'road'], ['sky', 'road'])).toBe(true);
    expect(sameClasses(['sky', 'road'], ['road', 'sky'])).toBe(false);
    expect(sameClasses(['sky'], ['sky', 'road'])).toBe(false);
    expect(sameClasses(['a\nb'], ['a', 'b'])).toBe(false); // names are compared whole, not joined
  });

  it('name what differs: the classes of each side only, or the order', () => {
    expect(classMismatch(['sky', 'road'], "the run's", ['sky', 'road'], "b.zip's")).toBeUndefined();
    expect(classMismatch(['sky', 'road', 'car'], "the run's", ['sky', 'tree'], "b.zip's")).toBe("only the run's: road, car; only b.zip's: tree");
    expect(classMismatch(['sky'], "the run's", ['sky', 'tree'], "b.zip's")).toBe("only b.zip's: tree");
    expect(classMismatch(['sky', 'road'], "the run's", ['road', 'sky'], "b.zip's")).toBe("the same classes in another order (the run's: sky, road; b.zip's: road, sky)");
  });
});
