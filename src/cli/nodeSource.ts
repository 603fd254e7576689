/** @file A dataset FileSource over a directory (read lazily) or a .zip file, with node:fs. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { DatasetError } from '../data/errors';
import { zipSource, type FileSource } from '../data/source';

export async function openSource(path: string): Promise<FileSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new DatasetError(`${path}: no such file or folder`);
  if (info.isFile()) {
    if (!path.toLowerCase().endsWith('.zip')) throw new DatasetError(`${path}: expected a folder or a .zip file`);
    return zipSource(basename(path), await readFile(path));
  }
  const files = (await readdir(path, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => relative(path, join(d.parentPath, d.name)).split(sep).join('/'));
  return {
    name: path,
    list: async () => files.sort(),
    read: async (p) => {
      try {
        return new Uint8Array(await readFile(join(path, p)));
      } catch {
        throw new DatasetError(`${join(path, p)}: cannot be read`);
      }
    },
  };
}
