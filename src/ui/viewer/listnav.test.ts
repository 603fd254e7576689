import { expect, it } from 'vitest';
import { indexForKey, pageStart } from './listnav';

it('arrows step across pages, Page keys by a page, Home/End reach the ends, other keys are not used', () => {
  expect(indexForKey('ArrowRight', 31, 100, 32)).toBe(32); // onto the next page
  expect(indexForKey('ArrowLeft', 32, 100, 32)).toBe(31);
  expect(indexForKey('ArrowLeft', 0, 100)).toBe(0);
  expect(indexForKey('ArrowDown', 99, 100)).toBe(99);
  expect(indexForKey('PageDown', 80, 100, 32)).toBe(99);
  expect(indexForKey('PageUp', 40, 100, 32)).toBe(8);
  expect(indexForKey('End', 3, 100)).toBe(99);
  expect(indexForKey('Home', 70, 100)).toBe(0);
  expect(indexForKey('Enter', 3, 100)).toBeUndefined();
  expect(indexForKey('End', 0, 0)).toBeUndefined();
});

it('the page of an index starts at a multiple of the page size', () => {
  expect([0, 31, 32, 99].map((i) => pageStart(i, 32))).toEqual([0, 0, 32, 96]);
});
