/**
 * The OPFS folder on a stand-in directory handle that behaves as Chromium's does while a file is
 * written (seen in Chromium 156: listing during `createWritable` shows `<name>.crswap`, whose
 * getFile then throws NotFoundError once the write closes).
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from './api';
import { opfsFolder } from './folders';
import { RunStore } from './runs';

const notFound = () => new DOMException('A requested file or directory could not be found at the time an operation was processed.', 'NotFoundError');

/** A file handle; `gone` files were renamed or removed after the listing saw them. */
const fileHandle = (bytes: Uint8Array, gone = false) => ({
  kind: 'file' as const,
  getFile: async () => {
    if (gone) throw notFound();
    return new Blob([bytes as BlobPart]);
  },
});

function directory(files: Record<string, { bytes: Uint8Array; gone?: boolean }>): FileSystemDirectoryHandle {
  return {
    entries: async function* () {
      for (const [name, f] of Object.entries(files)) yield [name, fileHandle(f.bytes, f.gone)];
    },
    getFileHandle: async (name: string) => {
      const f = files[name];
      if (!f || f.gone) throw notFound();
      return fileHandle(f.bytes);
    },
  } as unknown as FileSystemDirectoryHandle;
}

const record: RunSummary = {
  id: 'run-b', createdAt: 1, modelName: 'm', datasetName: 'd', savedStep: 0, status: 'running',
  config: { recipe: 'demo', steps: 30, batch: 1, accum: 1, crop: 16, lrHead: 1, lrEncoder: 1, weightDecay: 0, schedule: 'poly', freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 10 },
};

describe('OPFS folder', () => {
  it('lists a folder whose file is being written: the swap file and a file gone since the listing are left out', async () => {
    const dir = directory({
      'run.json': { bytes: new Uint8Array(5) },
      'model-1.safetensors.crswap': { bytes: new Uint8Array(9), gone: true },
      'metrics.jsonl.crswap': { bytes: new Uint8Array(3) }, // still being written: not ours either
      'optimizer-1.safetensors': { bytes: new Uint8Array(4), gone: true },
    });
    expect(await opfsFolder(dir).list()).toEqual([{ name: 'run.json', size: 5 }]);
  });

  it('a new run read while its first save is written (the second model of a queue starting) is listed, with no raw OPFS error', async () => {
    const dir = directory({
      'run.json': { bytes: new TextEncoder().encode(JSON.stringify(record)) },
      'model-1.safetensors.crswap': { bytes: new Uint8Array(9), gone: true },
    });
    const store = new RunStore({
      folder: async () => opfsFolder(dir), folders: async () => ['run-b'], removeFolder: async () => {}, estimate: async () => undefined,
    });
    expect(await store.record('run-b')).toMatchObject({ id: 'run-b', savedStep: 0 });
    expect(await store.loadMetrics('run-b')).toEqual({ steps: [], evals: [] });
  });

  it('other failures of a listed file are not hidden', async () => {
    const dir = {
      entries: async function* () {
        yield ['run.json', { kind: 'file', getFile: async () => { throw new DOMException('denied', 'NotAllowedError'); } }];
      },
    } as unknown as FileSystemDirectoryHandle;
    await expect(opfsFolder(dir).list()).rejects.toThrow('denied');
  });
});
