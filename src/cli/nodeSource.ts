/**
 * @file A dataset FileSource over a folder (listed now, files read lazily) or a .zip file, with
 * node:fs. Zips up to `ZIP_IN_MEMORY_BYTES` are read into memory once (entries still inflate on
 * demand); larger ones (Cityscapes' are ~11 GB) are read through a file handle, range by range.
 */
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { DatasetError } from '../data/errors';
import { zipSource, zipSourceFromReader, type FileSource, type ZipLimits } from '../data/source';

const ZIP_IN_MEMORY_BYTES = 512 * 2 ** 20;

export async function openSource(pathOrZip: string, opts: { zipInMemoryBytes?: number; zipLimits?: ZipLimits } = {}): Promise<FileSource> {
  const info = await stat(pathOrZip).catch(() => undefined);
  if (!info) throw new DatasetError(`${pathOrZip}: no such file or folder.`);
  if (info.isFile()) {
    if (!pathOrZip.toLowerCase().endsWith('.zip')) throw new DatasetError(`${pathOrZip}: expected a dataset folder or a .zip file.`);
    const name = basename(pathOrZip);
    if (info.size <= (opts.zipInMemoryBytes ?? ZIP_IN_MEMORY_BYTES)) return zipSource(name, new Uint8Array(await readFile(pathOrZip)), opts.zipLimits);
    return zipSourceFromReader(name, { size: info.size, read: (offset, length) => readRange(pathOrZip, offset, length) }, opts.zipLimits);
  }
  if (!info.isDirectory()) throw new DatasetError(`${pathOrZip}: expected a dataset folder or a .zip file.`);
  const files = (await readdir(pathOrZip, { recursive: true, withFileTypes: true }))
    .filter((d) => d.isFile())
    .map((d) => relative(pathOrZip, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
  return {
    name: pathOrZip,
    list: async () => [...files],
    read: async (p) => {
      try {
        return new Uint8Array(await readFile(join(pathOrZip, p)));
      } catch {
        throw new DatasetError(`${join(pathOrZip, p)}: cannot be read.`);
      }
    },
  };
}

/** One byte range of a file; a handle per read keeps no descriptor open between reads. */
async function readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(out, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === length ? out : out.subarray(0, done);
  } finally {
    await fh.close();
  }
}
