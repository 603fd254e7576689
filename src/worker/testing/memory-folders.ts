/**
 * @file An in-memory `FolderRoot` for the run store's tests: a quota can be set, and `failAfter`
 * makes the n-th following write throw, as a crash or a closed tab would leave a save half-done.
 */
import type { Folder, FolderRoot } from '../folders';

export class MemoryRoot implements FolderRoot {
  readonly files = new Map<string, Map<string, Uint8Array>>();
  quota = Infinity;
  /** Writes left before one throws (undefined: never). */
  failAfter?: number;

  private tick(): void {
    if (this.failAfter === undefined) return;
    if (this.failAfter-- <= 0) {
      this.failAfter = undefined;
      throw new Error('simulated crash in the middle of a save');
    }
  }

  usage(): number {
    let n = 0;
    for (const f of this.files.values()) for (const d of f.values()) n += d.length;
    return n;
  }

  async folder(id: string, create = false): Promise<Folder | undefined> {
    if (!this.files.has(id)) {
      if (!create) return undefined;
      this.files.set(id, new Map());
    }
    const f = this.files.get(id)!;
    return {
      read: async (name) => f.get(name)?.slice(),
      write: async (name, data) => {
        this.tick();
        f.set(name, data.slice());
      },
      writeAt: async (name, offset, data) => {
        this.tick();
        const old = f.get(name) ?? new Uint8Array();
        const out = new Uint8Array(offset + data.length);
        out.set(old.subarray(0, offset));
        out.set(data, offset);
        f.set(name, out);
      },
      remove: async (name) => void f.delete(name),
      list: async () => [...f].map(([name, d]) => ({ name, size: d.length })),
    };
  }

  async folders(): Promise<string[]> {
    return [...this.files.keys()];
  }

  async removeFolder(id: string): Promise<void> {
    this.files.delete(id);
  }

  async estimate(): Promise<{ usage: number; quota: number }> {
    return { usage: this.usage(), quota: this.quota };
  }
}
