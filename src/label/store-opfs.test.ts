/**
 * opfsPort over a small in-memory stand-in for the browser's FileSystemDirectoryHandle (the calls
 * opfsPort makes, with OPFS's NotFoundError and commit-on-close), so its path walking, listing and
 * failure handling run in Node.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LabelStore, LabelStorageError, opfsPort } from './store';

const notFound = () => new DOMException('not found', 'NotFoundError');

class FakeFile {
  kind = 'file' as const;
  constructor(public data = new Uint8Array(0), private quota = { bytesLeft: Infinity }) {}
  async getFile() {
    const data = this.data;
    return { size: data.length, arrayBuffer: async () => data.slice().buffer };
  }
  async createWritable() {
    const parts: Uint8Array[] = [];
    return {
      write: async (d: Uint8Array) => {
        if (d.length > this.quota.bytesLeft) throw new DOMException('quota', 'QuotaExceededError');
        parts.push(new Uint8Array(d));
      },
      close: async () => {
        this.data = Uint8Array.from(parts.flatMap((p) => [...p])); // committed only on close, as OPFS does
      },
      abort: async () => undefined,
    };
  }
}

class FakeDir {
  kind = 'directory' as const;
  children = new Map<string, FakeDir | FakeFile>();
  constructor(public quota = { bytesLeft: Infinity }) {}
  async getDirectoryHandle(name: string, o: { create?: boolean } = {}) {
    let d = this.children.get(name);
    if (!d && o.create) this.children.set(name, (d = new FakeDir(this.quota)));
    if (!(d instanceof FakeDir)) throw notFound();
    return d;
  }
  async getFileHandle(name: string, o: { create?: boolean } = {}) {
    let f = this.children.get(name);
    if (!f && o.create) this.children.set(name, (f = new FakeFile(undefined, this.quota)));
    if (!(f instanceof FakeFile)) throw notFound();
    return f;
  }
  async removeEntry(name: string) {
    if (!this.children.delete(name)) throw notFound();
  }
  async *entries() {
    yield* this.children.entries();
  }
}

function fakeOpfs() {
  const root = new FakeDir();
  vi.stubGlobal('navigator', { storage: { getDirectory: async () => root } });
  return root;
}

afterEach(() => vi.unstubAllGlobals());

describe('opfsPort', () => {
  it('writes nested paths under label/, reads them back, lists by prefix and removes', async () => {
    const root = fakeOpfs();
    const port = opfsPort();
    await port.write('workspace.json', Uint8Array.from([1]));
    await port.write('images/a', Uint8Array.from([2, 3]));
    await port.write('masks/a.png', Uint8Array.from([4]));
    expect(root.children.has('label')).toBe(true);
    expect(await port.read('images/a')).toEqual(Uint8Array.from([2, 3]));
    expect(await port.list('')).toEqual(['images/a', 'masks/a.png', 'workspace.json']);
    expect(await port.list('masks/')).toEqual(['masks/a.png']);
    await port.remove('images/a');
    await port.remove('images/a'); // missing: not an error
    await port.remove('nowhere/x');
    expect(await port.read('images/a')).toBeNull();
    expect(await port.read('nowhere/x')).toBeNull();
  });

  it('a write over the quota fails with the file named, and the file keeps its old content', async () => {
    const root = fakeOpfs();
    const store = new LabelStore(opfsPort());
    await store.saveImage('a', Uint8Array.from([9, 9]));
    root.quota.bytesLeft = 1;
    const error = await store.saveImage('a', new Uint8Array(100)).catch((e) => e);
    expect(error).toBeInstanceOf(LabelStorageError);
    expect(error.message).toMatch(/could not save images\/a: the browser storage is full/);
    expect(await store.loadImage('a')).toEqual(Uint8Array.from([9, 9]));
  });
});
