/**
 * @file The few file operations the run store needs, so its logic runs on OPFS in the browser and
 * on memory in tests (where a crash can be staged between any two writes).
 */

export interface Folder {
  read(name: string): Promise<Uint8Array | undefined>;
  /** Creates or replaces a whole file (in OPFS the new content is committed on close). */
  write(name: string, data: Uint8Array): Promise<void>;
  /** Writes `data` at byte `offset` and drops whatever followed: an append that also cuts off a half-written one. */
  writeAt(name: string, offset: number, data: Uint8Array): Promise<void>;
  remove(name: string): Promise<void>;
  list(): Promise<{ name: string; size: number }[]>;
}

export interface FolderRoot {
  /** The folder `id`; with `create`, made when missing; otherwise undefined when missing. */
  folder(id: string, create?: boolean): Promise<Folder | undefined>;
  folders(): Promise<string[]>;
  removeFolder(id: string): Promise<void>;
  /** The origin's storage use and quota (navigator.storage.estimate()), when the platform tells. */
  estimate(): Promise<{ usage: number; quota: number } | undefined>;
}

type DirEntries = { entries(): AsyncIterable<[string, FileSystemHandle]> };

/** Chromium's temporary file beside one being written (`createWritable`), renamed over it on close. */
const SWAP_SUFFIX = '.crswap';

/** A folder of the origin private file system (exported for its tests, which stage a write in progress). */
export function opfsFolder(dir: FileSystemDirectoryHandle): Folder {
  const file = async (name: string) => {
    try {
      return await (await dir.getFileHandle(name)).getFile();
    } catch {
      return undefined;
    }
  };
  return {
    read: async (name) => {
      const f = await file(name);
      try {
        return f && new Uint8Array(await f.arrayBuffer());
      } catch (e) {
        // removed between getFile and the read (an older save's file, replaced by a newer save): missing
        if ((e as DOMException).name === 'NotFoundError') return undefined;
        throw e;
      }
    },
    write: async (name, data) => {
      const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
      await w.write(data as BlobPart);
      await w.close();
    },
    writeAt: async (name, offset, data) => {
      const w = await (await dir.getFileHandle(name, { create: true })).createWritable({ keepExistingData: true });
      await w.truncate(offset);
      await w.write({ type: 'write', position: offset, data: data as BlobPart });
      await w.close();
    },
    remove: async (name) => dir.removeEntry(name).catch(() => undefined),
    list: async () => {
      const out: { name: string; size: number }[] = [];
      for await (const [name, h] of (dir as unknown as DirEntries).entries()) {
        // Chromium writes each file through a visible `<name>.crswap` that is gone once the write
        // closes: listing a run's folder while its next file is written (a new run's first save, the
        // page listing runs as the next queued model starts) met it, and its getFile threw the raw
        // "A requested file or directory could not be found…". Swap files are not ours; a file
        // removed between the listing and its size is not there.
        if (h.kind !== 'file' || name.endsWith(SWAP_SUFFIX)) continue;
        const size = await (h as FileSystemFileHandle).getFile().then((f) => f.size, (e: DOMException) => {
          if (e.name === 'NotFoundError') return undefined;
          throw e;
        });
        if (size !== undefined) out.push({ name, size });
      }
      return out;
    },
  };
}

/** A folder per id under `name` in the origin private file system. */
export function opfsRoot(name: string): FolderRoot {
  const root = async () => (await navigator.storage.getDirectory()).getDirectoryHandle(name, { create: true });
  return {
    folder: async (id, create = false) => {
      try {
        return opfsFolder(await (await root()).getDirectoryHandle(id, { create }));
      } catch (e) {
        if (create) throw e;
        return undefined;
      }
    },
    folders: async () => {
      const out: string[] = [];
      for await (const [id, h] of (await root() as unknown as DirEntries).entries()) if (h.kind === 'directory') out.push(id);
      return out;
    },
    removeFolder: async (id) => (await root()).removeEntry(id, { recursive: true }),
    estimate: async () => {
      const e = await navigator.storage?.estimate?.();
      return e?.quota !== undefined ? { usage: e.usage ?? 0, quota: e.quota } : undefined;
    },
  };
}
