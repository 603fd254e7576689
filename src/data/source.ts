/**
 * @file Where dataset files come from: a folder (the CLI's node:fs source, the browser's folder
 * picker), a `.zip` (see ./zip: entries are inflated one at a time when read, never the whole
 * archive up front), or memory (the synthetic demo). Paths are relative and '/'-separated.
 */
import { DatasetError } from './errors';
import { normalizePath } from './zip';

export interface FileSource {
  name: string;
  list(): Promise<string[]>;
  read(path: string): Promise<Uint8Array>;
}

export function memorySource(name: string, files: { path: string; bytes: Uint8Array }[]): FileSource {
  const byPath = new Map(files.map((f) => [normalizePath(f.path), f.bytes]));
  return {
    name,
    list: async () => [...byPath.keys()].sort(),
    read: async (path) => {
      const b = byPath.get(path);
      if (!b) throw new DatasetError(`${name}: missing file ${path}`);
      return b;
    },
  };
}

// zip archives live in ./zip; re-exported here because callers know them as a kind of source
export { zipSource, zipSourceFromReader, crc32, normalizePath, DEFAULT_MAX_ENTRY_BYTES, type ByteReader, type ZipLimits } from './zip';
