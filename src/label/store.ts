/**
 * @file The workspace kept in the origin private file system (OPFS) under `label/`:
 * `workspace.json` (classes, images, seed), `images/<id>` (the original file bytes) and
 * `masks/<id>.png` (8-bit gray class ids). All file access goes through a small port, so the logic
 * runs on OPFS in the browser and on memory in tests. A write that fails (a full disk, a quota)
 * throws a LabelStorageError naming the file: the caller keeps the mask in memory and offers Export.
 */
import { decodeMask } from '../data/png';
import { encodePng } from '../data/png';
import type { LabelImage, LabelWorkspace } from './workspace';

/** Paths are relative to the workspace folder and '/'-separated. */
export interface StoragePort {
  /** The file's bytes, or null when there is no such file. */
  read(path: string): Promise<Uint8Array | null>;
  /** Creates or replaces the whole file (folders on the way are made). */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Removes the file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** Every file path that starts with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
}

/** Storage failed; `file` is the path that could not be read or written. */
export class LabelStorageError extends Error {
  override name = 'LabelStorageError';
  constructor(readonly file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export const WORKSPACE_FILE = 'workspace.json';
export const imagePath = (id: string) => `images/${id}`;
export const maskPath = (id: string) => `masks/${id}.png`;

/** Ids become file names: refuse anything that could leave its folder or clash on a case-blind disk. */
function checkId(id: string): void {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(id)) throw new LabelStorageError(id, `image id ${JSON.stringify(id)} is not a safe file name (letters, digits, '.', '_', '-')`);
}

/** In memory: for tests, and for a browser without OPFS (then nothing survives a reload, and the UI says so). */
export function memoryPort(): StoragePort & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  return {
    files,
    read: async (path) => files.get(path)?.slice() ?? null,
    write: async (path, bytes) => void files.set(path, bytes.slice()),
    remove: async (path) => void files.delete(path),
    list: async (prefix) => [...files.keys()].filter((p) => p.startsWith(prefix)).sort(),
  };
}

type DirEntries = { entries(): AsyncIterable<[string, FileSystemHandle]> };

/** OPFS under `root` (default "label"). */
export function opfsPort(root = 'label'): StoragePort {
  const dir = async (parts: string[], create: boolean): Promise<FileSystemDirectoryHandle | null> => {
    let d = await (await navigator.storage.getDirectory()).getDirectoryHandle(root, { create: true });
    for (const p of parts) {
      try {
        d = await d.getDirectoryHandle(p, { create });
      } catch (e) {
        if (!create && (e as DOMException).name === 'NotFoundError') return null;
        throw e;
      }
    }
    return d;
  };
  const split = (path: string) => {
    const parts = path.split('/');
    return { folders: parts.slice(0, -1), name: parts[parts.length - 1] };
  };
  return {
    read: async (path) => {
      const { folders, name } = split(path);
      const d = await dir(folders, false);
      if (!d) return null;
      try {
        return new Uint8Array(await (await (await d.getFileHandle(name)).getFile()).arrayBuffer());
      } catch (e) {
        if ((e as DOMException).name === 'NotFoundError') return null;
        throw e;
      }
    },
    write: async (path, bytes) => {
      const { folders, name } = split(path);
      const d = (await dir(folders, true))!;
      const w = await (await d.getFileHandle(name, { create: true })).createWritable();
      try {
        await w.write(bytes as BlobPart);
        await w.close();
      } catch (e) {
        await w.abort().catch(() => undefined); // the old content stays, not a half-written file
        throw e;
      }
    },
    remove: async (path) => {
      const { folders, name } = split(path);
      const d = await dir(folders, false);
      await d?.removeEntry(name).catch((e: DOMException) => {
        if (e.name !== 'NotFoundError') throw e;
      });
    },
    list: async (prefix) => {
      const out: string[] = [];
      const walk = async (d: FileSystemDirectoryHandle, at: string) => {
        for await (const [name, h] of (d as unknown as DirEntries).entries()) {
          if (h.kind === 'file') out.push(at + name);
          else await walk(h as FileSystemDirectoryHandle, `${at}${name}/`);
        }
      };
      const d = await dir([], false);
      if (d) await walk(d, '');
      return out.filter((p) => p.startsWith(prefix)).sort();
    },
  };
}

const describe = (e: unknown) => ((e as DOMException)?.name === 'QuotaExceededError' ? 'the browser storage is full' : (e as Error)?.message ?? String(e));

/** The workspace's files through a port; every failure is a LabelStorageError naming the file. */
export class LabelStore {
  constructor(readonly port: StoragePort) {}

  private async write(path: string, bytes: Uint8Array): Promise<void> {
    try {
      await this.port.write(path, bytes);
    } catch (e) {
      throw new LabelStorageError(path, `could not save ${path}: ${describe(e)}. The work is still in this tab; export it to keep it.`, { cause: e });
    }
  }

  private async read(path: string): Promise<Uint8Array | null> {
    try {
      return await this.port.read(path);
    } catch (e) {
      throw new LabelStorageError(path, `could not read ${path}: ${describe(e)}`, { cause: e });
    }
  }

  /** The saved workspace, or null when none was saved. */
  async loadWorkspace(): Promise<LabelWorkspace | null> {
    const bytes = await this.read(WORKSPACE_FILE);
    if (!bytes) return null;
    let ws: unknown;
    try {
      ws = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new LabelStorageError(WORKSPACE_FILE, `${WORKSPACE_FILE} is not valid JSON (damaged storage)`);
    }
    const problem = workspaceProblem(ws);
    if (problem) throw new LabelStorageError(WORKSPACE_FILE, `${WORKSPACE_FILE}: ${problem}`);
    return ws as LabelWorkspace;
  }

  async saveWorkspace(ws: LabelWorkspace): Promise<void> {
    for (const img of ws.images) checkId(img.id);
    await this.write(WORKSPACE_FILE, new TextEncoder().encode(JSON.stringify(ws)));
  }

  async saveImage(id: string, bytes: Uint8Array): Promise<void> {
    checkId(id);
    await this.write(imagePath(id), bytes);
  }

  async loadImage(id: string): Promise<Uint8Array | null> {
    checkId(id);
    return this.read(imagePath(id));
  }

  async saveMask(image: LabelImage, mask: Uint8Array): Promise<void> {
    checkId(image.id);
    if (mask.length !== image.width * image.height) throw new LabelStorageError(maskPath(image.id), `${image.name}: the mask holds ${mask.length} pixels, the image is ${image.width}×${image.height}`);
    await this.write(maskPath(image.id), encodePng(image.width, image.height, 1, mask));
  }

  /** The saved mask, or null when none was saved; one of another size than the image is refused. */
  async loadMask(image: LabelImage): Promise<Uint8Array | null> {
    checkId(image.id);
    const path = maskPath(image.id);
    const bytes = await this.read(path);
    if (!bytes) return null;
    let mask;
    try {
      mask = decodeMask(bytes, path);
    } catch (e) {
      throw new LabelStorageError(path, (e as Error).message, { cause: e });
    }
    if (mask.width !== image.width || mask.height !== image.height) {
      throw new LabelStorageError(path, `${path}: the saved mask is ${mask.width}×${mask.height}, its image ${image.name} is ${image.width}×${image.height}`);
    }
    return mask.data;
  }

  /** Removes an image and its mask (the workspace.json is saved separately by the caller). */
  async removeImage(id: string): Promise<void> {
    checkId(id);
    for (const path of [imagePath(id), maskPath(id)]) {
      try {
        await this.port.remove(path);
      } catch (e) {
        throw new LabelStorageError(path, `could not remove ${path}: ${describe(e)}`, { cause: e });
      }
    }
  }
}

/** What is wrong with a parsed workspace.json, or undefined when it is a workspace. */
function workspaceProblem(ws: unknown): string | undefined {
  const w = ws as LabelWorkspace;
  if (!w || typeof w !== 'object') return 'not an object';
  if (!Number.isFinite(w.seed)) return 'no seed';
  if (!Array.isArray(w.classes) || !w.classes.every((c) => typeof c?.name === 'string' && Array.isArray(c.color) && c.color.length === 3)) return 'classes must be {name, color} entries';
  if (!Array.isArray(w.images)) return 'no image list';
  for (const [i, img] of w.images.entries()) {
    if (typeof img?.id !== 'string' || typeof img.name !== 'string' || !(img.width > 0) || !(img.height > 0) || !['train', 'val', 'auto'].includes(img.split)) {
      return `image ${i} is not {id, name, width, height, split}`;
    }
  }
  return undefined;
}
