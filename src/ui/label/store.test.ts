/**
 * The labelling store with in-memory ports (the real decoder, SLIC and src/label's store on a
 * memory port): strokes and undo/redo against a direct mask, the progress count, photos refused by
 * name with the rest kept, a failed save keeping the mask in memory, removing a class renumbering
 * the masks, proposals counted only once accepted, and a reload from what was saved.
 */
import { describe, expect, it } from 'vitest';
import { decodeImage, encodePng } from '../../data/png';
import { regionEdges, slic } from '../../label/slic';
import { LabelStore, memoryPort, type StoragePort } from '../../label/store';
import { emptyMask } from '../../label/workspace';
import type { Decoder, Persistence } from './ports';
import { createLabelStore } from './store';

const W = 12, H = 8;
const png = (shade: number) => encodePng(W, H, 3, new Uint8Array(W * H * 3).fill(shade));

const decoder: Decoder = {
  decode: async (bytes, name, maxPixels) => {
    const img = decodeImage(bytes, name, { maxPixels });
    const rgba = new Uint8ClampedArray(img.width * img.height * 4);
    for (let i = 0; i < img.width * img.height; i++) rgba.set([...img.data.subarray(3 * i, 3 * i + 3), 255], 4 * i);
    return { width: img.width, height: img.height, rgba };
  },
  superpixels: async (rgba, w, h) => {
    const regions = slic(rgba, w, h);
    return { regions, edges: regionEdges(regions, w, h) };
  },
};

function persistenceOn(port: StoragePort): Persistence {
  const store = new LabelStore(port);
  return {
    load: async () => {
      const ws = await store.loadWorkspace();
      if (!ws) return undefined;
      const masks = new Map<string, Uint8Array>();
      for (const image of ws.images) masks.set(image.id, (await store.loadMask(image)) ?? emptyMask(image));
      return { ws, masks };
    },
    saveWorkspace: (ws) => store.saveWorkspace(ws),
    saveImage: (image, bytes) => store.saveImage(image.id, bytes),
    readImage: async (image) => (await store.loadImage(image.id))!,
    saveMask: (image, mask) => store.saveMask(image, mask),
    removeImage: (image) => store.removeImage(image.id),
  };
}

function setup(port: StoragePort = memoryPort()) {
  const errors: string[] = [];
  const store = createLabelStore({ decoder, persistence: persistenceOn(port), report: (e) => errors.push((e as Error).message) });
  return { store, errors, port };
}

const mask = (s: ReturnType<typeof setup>['store']) => s.getState().masks.get(s.getState().ws.images[s.getState().current].id)!;

describe('label store', () => {
  it('a drag is one undo step; undo and redo restore the exact pixels', async () => {
    const { store } = setup();
    await store.getState().load();
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(100) }]);
    const s = store.getState();
    s.setActiveClass(0);
    s.setBrushSize(1);
    s.strokeStart({ x: 2, y: 2 });
    s.strokeTo({ x: 6, y: 2 });
    s.strokeEnd();
    // direct: pixel centres within 1 of the segment (2,2)–(6,2): row 2 from x=2 to 5 (centres 2.5…5.5), and rows 1/3 where |Δy| = 1 … ≤ 1 only on the segment's x-span
    const want = new Uint8Array(W * H).fill(255);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const cx = x + 0.5, cy = y + 0.5, t = Math.max(2, Math.min(6, cx));
      if (Math.hypot(cx - t, cy - 2) <= 1) want[y * W + x] = 0;
    }
    expect(mask(store)).toEqual(want);
    expect(store.getState().labelled.size).toBe(1);
    s.undo();
    expect(mask(store)).toEqual(new Uint8Array(W * H).fill(255));
    expect(store.getState().labelled.size).toBe(0);
    expect(s.canUndo()).toBe(false);
    s.redo();
    expect(mask(store)).toEqual(want);
    await s.saved();
  });

  it('the canvas is told every box changed since it last painted, not only the latest', async () => {
    const { store } = setup();
    await store.getState().load();
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(100) }]);
    const s = store.getState();
    expect(s.takeDirty()).toBe('all'); // a new photo: everything
    s.setBrushSize(0.5);
    s.strokeStart({ x: 1.5, y: 1.5 });
    s.strokeTo({ x: 1.5, y: 1.5 });
    s.strokeEnd();
    s.strokeStart({ x: 9.5, y: 6.5 });
    s.strokeEnd();
    // two one-pixel dabs, (1,1) and (9,6), both painted before the canvas looks
    expect(s.takeDirty()).toEqual({ x0: 1, y0: 1, x1: 10, y1: 7 });
    expect(s.takeDirty()).toEqual({ x0: 0, y0: 0, x1: 0, y1: 0 });
  });

  it('a photo that cannot be decoded or is too large is refused by name; the others are added', async () => {
    const { store, errors } = setup();
    await store.getState().load();
    const big = encodePng(W, H, 3, new Uint8Array(W * H * 3));
    new DataView(big.buffer).setUint32(16, 5000); // the header declares 5000×5000
    new DataView(big.buffer).setUint32(20, 5000);
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(10) }, { name: 'broken.jpg', bytes: new Uint8Array([1, 2, 3]) }, { name: 'big.png', bytes: big }, { name: 'b.png', bytes: png(20) }]);
    expect(store.getState().ws.images.map((i) => i.name)).toEqual(['a.png', 'b.png']);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('broken.jpg');
    expect(errors[1]).toMatch(/big\.png.*over the limit/);
  });

  it('labels survive a reload (a new store on the same storage)', async () => {
    const { store, port } = setup();
    await store.getState().load();
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(10) }, { name: 'b.png', bytes: png(20) }]);
    store.getState().addClass('thing');
    await store.getState().select(1);
    store.getState().setActiveClass(1);
    store.getState().edit((m) => { m[5] = 1; return { x0: 5, y0: 0, x1: 6, y1: 1 }; });
    await store.getState().saved();
    const again = setup(port).store;
    await again.getState().load();
    expect(again.getState().ws.classes.map((c) => c.name)).toEqual(['background', 'thing']);
    expect(again.getState().labelled.size).toBe(1);
    const id = again.getState().ws.images[1].id;
    expect(again.getState().masks.get(id)![5]).toBe(1);
    expect([...again.getState().masks.get(id)!].filter((v) => v !== 255)).toHaveLength(1);
  });

  it('a failed save keeps the mask in memory, names the image as unsaved and says to export', async () => {
    const port = memoryPort();
    const { store, errors } = setup({ ...port, write: async (path, bytes) => { if (path.startsWith('masks/')) throw new DOMException('full', 'QuotaExceededError'); return port.write(path, bytes); } });
    await store.getState().load();
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(10) }]);
    store.getState().edit((m) => { m[0] = 0; return { x0: 0, y0: 0, x1: 1, y1: 1 }; });
    await store.getState().saved();
    expect(store.getState().unsaved).toEqual(['a.png']);
    expect(errors.join(' ')).toMatch(/a.png: .*storage is full.*export/i);
    expect(mask(store)[0]).toBe(0);
  });

  it('removing a class makes its pixels unlabelled and moves the ids above it down', async () => {
    const { store } = setup();
    await store.getState().load();
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(10) }]);
    store.getState().addClass('one');
    store.getState().addClass('two');
    store.getState().edit((m) => { m.set([0, 1, 2, 255]); return { x0: 0, y0: 0, x1: 4, y1: 1 }; });
    store.getState().removeClass(1);
    expect([...mask(store).subarray(0, 4)]).toEqual([0, 255, 1, 255]);
    expect(store.getState().ws.classes.map((c) => c.name)).toEqual(['background', 'two']);
  });

  it('removing an image drops its labels and its files; the next image is shown', async () => {
    const { store, port } = setup();
    await store.getState().load();
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(10) }, { name: 'b.png', bytes: png(200) }]);
    await store.getState().select(0);
    store.getState().edit((m) => { m[0] = 0; return { x0: 0, y0: 0, x1: 1, y1: 1 }; });
    const gone = store.getState().ws.images[0].id;
    await store.getState().removeImage(0);
    await store.getState().saved();
    expect(store.getState().ws.images.map((i) => i.name)).toEqual(['b.png']);
    expect(store.getState().labelled.size).toBe(0);
    expect(store.getState().photo?.id).toBe(store.getState().ws.images[0].id);
    expect([...(port as ReturnType<typeof memoryPort>).files.keys()].filter((f) => f.includes(gone))).toEqual([]);
  });

  it('a proposal is not labelled until accepted, and undo takes it back', async () => {
    const { store } = setup();
    await store.getState().load();
    await store.getState().addPhotos([{ name: 'a.png', bytes: png(10) }]);
    const prediction = new Uint8Array(W * H).fill(0);
    store.getState().propose(prediction);
    expect(mask(store)).toEqual(prediction);
    expect(store.getState().labelled.size).toBe(0);
    store.getState().acceptProposal();
    expect(store.getState().labelled.size).toBe(1);
    store.getState().undo();
    expect(mask(store)).toEqual(new Uint8Array(W * H).fill(255));
  });
});
