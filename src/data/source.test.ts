import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { memorySource, zipSource } from './source';
import { text } from './testing';

describe('zipSource', () => {
  const big = new Uint8Array(50_000).map((_, i) => i % 7);
  const zip = zipSync({ 'top/a.txt': text('hello'), 'top/sub/b.bin': [big, { level: 9 }], 'top/raw.bin': [text('stored'), { level: 0 }], 'top/empty/': new Uint8Array(0) });

  it('lists files (not folders) and inflates entries on demand', async () => {
    const src = zipSource('d.zip', zip);
    expect(await src.list()).toEqual(['top/a.txt', 'top/raw.bin', 'top/sub/b.bin']);
    expect(new TextDecoder().decode(await src.read('top/a.txt'))).toBe('hello');
    expect(new TextDecoder().decode(await src.read('top/raw.bin'))).toBe('stored');
    expect(await src.read('top/sub/b.bin')).toEqual(big);
  });

  it('refuses a non-zip, a truncated zip and a missing entry, naming them', async () => {
    expect(() => zipSource('x.zip', text('not a zip at all, really not'))).toThrow(/^x\.zip: not a zip file/);
    expect(() => zipSource('t.zip', zip.subarray(0, zip.length - 30))).toThrow(DatasetError);
    await expect(zipSource('d.zip', zip).read('nope.png')).rejects.toThrow(/^d\.zip: missing file nope\.png/);
  });

  it('refuses an entry whose data is damaged (checksum), naming it', async () => {
    const damaged = zip.slice();
    const stored = findBytes(damaged, text('stored'));
    damaged[stored] = 0x53; // "Stored": inflates fine, checksum does not match
    expect(stored).toBeGreaterThan(0);
    await expect(zipSource('d.zip', damaged).read('top/raw.bin')).rejects.toThrow('d.zip: top/raw.bin is damaged (checksum mismatch).');
  });
});

function findBytes(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('memorySource', () => {
  it('normalises paths and sorts the listing', async () => {
    const src = memorySource('m', [{ path: './b\\c.png', bytes: text('1') }, { path: 'a.png', bytes: text('2') }]);
    expect(await src.list()).toEqual(['a.png', 'b/c.png']);
    await expect(src.read('zz')).rejects.toThrow(DatasetError);
  });
});
