import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, readSample } from '../data/dataset';
import { DatasetError } from '../data/errors';
import { genericFiles, zipOf } from '../data/testing';
import { openSource } from './nodeSource';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfm-data-'));
  for (const f of genericFiles({ path: 'classes.txt', content: 'a\nb\nc' })) {
    await mkdir(dirname(join(dir, 'folder', f.path)), { recursive: true });
    await writeFile(join(dir, 'folder', f.path), f.bytes);
  }
  await writeFile(join(dir, 'set.zip'), zipOf(genericFiles(), 'set/'));
  await writeFile(join(dir, 'notes.txt'), 'hi');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('openSource', () => {
  it('lists a folder recursively with relative / paths and reads lazily', async () => {
    const src = await openSource(join(dir, 'folder'));
    expect(await src.list()).toContain('train/images/a.png');
    const ds = await openDataset(src);
    expect(ds.classes.map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect((await readSample(ds, ds.train[0])).width).toBe(8);
  });

  it.each([['in memory', undefined], ['through a file handle', 0]])('opens a .zip %s', async (_, limit) => {
    const src = await openSource(join(dir, 'set.zip'), { zipInMemoryBytes: limit });
    const ds = await openDataset(src);
    expect([ds.train.length, ds.val.length]).toEqual([3, 2]);
    expect((await readSample(ds, ds.val[1])).height).toBe(6);
  });

  it('refuses a missing path and a file that is not a zip, naming them', async () => {
    const missing = join(dir, 'nope');
    await expect(openSource(missing)).rejects.toThrow(new DatasetError(`${missing}: no such file or folder.`));
    await expect(openSource(join(dir, 'notes.txt'))).rejects.toThrow(/notes\.txt: expected a dataset folder or a \.zip file/);
  });
});
