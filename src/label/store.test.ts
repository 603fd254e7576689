import { describe, expect, it } from 'vitest';
import { encodePng } from '../data/png';
import { LabelStorageError, LabelStore, memoryPort, type StoragePort } from './store';
import { defaultWorkspace, type LabelImage, type LabelWorkspace } from './workspace';

const photo: LabelImage = { id: 'p1', name: 'plant.jpg', width: 5, height: 4, split: 'auto' };
const workspace = (): LabelWorkspace => ({ ...defaultWorkspace(), images: [photo], seed: 3 });
const mask = () => Uint8Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? 255 : i % 2));

/** A port whose writes fail as a full OPFS does, for paths matching `failing`. */
function fullDisk(port: StoragePort, failing: RegExp): StoragePort {
  return { ...port, write: async (path, bytes) => (failing.test(path) ? Promise.reject(new DOMException('quota', 'QuotaExceededError')) : port.write(path, bytes)) };
}

describe('LabelStore', () => {
  it('keeps the workspace, the image bytes and the mask, and reads them back equal', async () => {
    const port = memoryPort();
    const store = new LabelStore(port);
    expect(await store.loadWorkspace()).toBeNull();
    expect(await store.loadMask(photo)).toBeNull();
    await store.saveWorkspace(workspace());
    await store.saveImage('p1', Uint8Array.from([1, 2, 3]));
    await store.saveMask(photo, mask());
    expect(await port.list('')).toEqual(['images/p1', 'masks/p1.png', 'workspace.json']);
    const again = new LabelStore(port); // a reload
    expect(await again.loadWorkspace()).toEqual(workspace());
    expect(await again.loadImage('p1')).toEqual(Uint8Array.from([1, 2, 3]));
    expect(await again.loadMask(photo)).toEqual(mask());
    await again.removeImage('p1');
    expect(await port.list('')).toEqual(['workspace.json']);
  });

  it('a full disk is a LabelStorageError naming the file, and what was saved before stays', async () => {
    const port = memoryPort();
    await new LabelStore(port).saveMask(photo, mask());
    const store = new LabelStore(fullDisk(port, /^masks\//));
    const error = await store.saveMask(photo, new Uint8Array(20).fill(1)).catch((e) => e);
    expect(error).toBeInstanceOf(LabelStorageError);
    expect(error.file).toBe('masks/p1.png');
    expect(error.message).toMatch(/could not save masks\/p1\.png: the browser storage is full.*export/);
    expect(await store.loadMask(photo)).toEqual(mask());
  });

  it('damaged storage is named: workspace.json that is not JSON or not a workspace, a mask of another size', async () => {
    const port = memoryPort();
    const store = new LabelStore(port);
    await port.write('workspace.json', new TextEncoder().encode('{"classes": ['));
    await expect(store.loadWorkspace()).rejects.toThrow(/workspace\.json is not valid JSON/);
    await port.write('workspace.json', new TextEncoder().encode(JSON.stringify({ ...workspace(), images: [{ id: 'x' }] })));
    await expect(store.loadWorkspace()).rejects.toThrow(/workspace\.json: image 0 is not/);
    await port.write('masks/p1.png', encodePng(4, 4, 1, new Uint8Array(16)));
    await expect(store.loadMask(photo)).rejects.toThrow(/masks\/p1\.png: the saved mask is 4×4, its image plant\.jpg is 5×4/);
    await port.write('masks/p1.png', encodePng(5, 3, 1, new Uint8Array(15)));
    await expect(store.loadMask(photo)).rejects.toThrow(/the saved mask is 5×3/);
    await port.write('masks/p1.png', Uint8Array.from([1, 2, 3]));
    await expect(store.loadMask(photo)).rejects.toThrow(LabelStorageError);
  });

  it('refuses an id that is not a plain file name, and a mask of the wrong length', async () => {
    const store = new LabelStore(memoryPort());
    await expect(store.saveImage('../escape', new Uint8Array(1))).rejects.toThrow(/not a safe file name/);
    await expect(store.saveWorkspace({ ...workspace(), images: [{ ...photo, id: 'a/b' }] })).rejects.toThrow(/"a\/b" is not a safe file name/);
    await expect(store.saveMask(photo, new Uint8Array(19))).rejects.toThrow(/plant\.jpg: the mask holds 19 pixels, the image is 5×4/);
  });
});
