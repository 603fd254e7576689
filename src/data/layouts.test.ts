import { describe, expect, it } from 'vitest';
import { describeFiles } from './layouts';

describe('what a refused dataset was found to hold', () => {
  it('folders two levels deep with their files by extension, loose files by name, the rest counted', () => {
    expect(describeFiles(['a/x.png', 'a/y.PNG', 'a/b/c/z.jpg', 'a/b/notes', 'readme.md'])).toBe('a/ (2 .png), a/b/ (1 .jpg, 1 no extension), readme.md');
    expect(describeFiles(Array.from({ length: 10 }, (_, i) => `f${i}.txt`), 8)).toMatch(/^f0\.txt, .*f7\.txt, and 2 more$/);
  });
});
