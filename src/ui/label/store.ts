/**
 * @file The labelling workspace's state: its own zustand store (the lab's store stays the
 * training's). It holds the workspace (classes, images), every image's mask, the decoded current
 * photo, the tool and one undo history per image. Masks are edited in place; `revision` and
 * `takeDirty()` (every box changed since the canvas last painted) tell the canvas what changed. Every edit is saved
 * through the persistence port; a failed save keeps the mask in memory, listed in `unsaved`.
 */
import { create } from 'zustand';
import { fullBox, isEmptyBox, unionBox, type Box } from '../../label/box';
import { paintStroke, type Point } from '../../label/brush';
import { MaskHistory } from '../../label/history';
import { UNLABELLED, defaultWorkspace, emptyMask, isLabelled, type LabelClass, type LabelImage, type LabelWorkspace } from '../../label/workspace';
import { createClassActions } from './classes';
import { createSaver } from './saver';
import type { Decoder, Persistence } from './ports';
import { LABEL_MAX_PIXELS, type LabelState } from './state';

export { LABEL_MAX_PIXELS, type LabelState, type Tool } from './state';

export interface LabelDeps {
  persistence: Persistence;
  decoder: Decoder;
  report(e: unknown): void;
}

let nextId = 0;
const newId = () => `${Date.now().toString(36)}-${(nextId++).toString(36)}`;

export function createLabelStore(deps: LabelDeps) {
  const histories = new Map<string, MaskHistory>();
  const historyOf = (image: LabelImage) => histories.get(image.id) ?? histories.set(image.id, new MaskHistory(50, image.width)).get(image.id)!;
  let stroke: { before: Uint8Array; box: Box; last: Point; value: number } | undefined;
  // what changed since the canvas last painted: boxes add up (several edits may land between two renders)
  let dirty: Box | 'all' = 'all';

  return create<LabelState>()((set, get) => {
    const currentImage = () => get().ws.images[get().current];
    const currentMask = () => {
      const image = currentImage();
      return image && get().masks.get(image.id);
    };

    const { queue, saveMask, saveWorkspace, saved } = createSaver(deps.persistence, deps.report, set, get);

    /** A change to show: the box joins the dirty area, the revision moves on (the canvas re-renders). */
    const touch = (box: Box | 'all' | undefined) => {
      dirty = box === undefined || box === 'all' || dirty === 'all' ? 'all' : unionBox(dirty, box);
      set((s) => ({ revision: s.revision + 1 }));
    };

    /** After an edit of `image`'s mask: repaint `box`, update the progress, save. */
    const changed = (image: LabelImage, box: Box | undefined) => {
      const mask = get().masks.get(image.id)!;
      const labelled = new Set(get().labelled);
      if (isLabelled(mask) && !get().proposed.has(image.id)) labelled.add(image.id);
      else labelled.delete(image.id);
      touch(box);
      set({ labelled });
      void saveMask(image);
    };

    const setWorkspace = (ws: LabelWorkspace) => {
      set({ ws });
      void saveWorkspace();
    };

    return {
      open: false,
      ready: false,
      ws: defaultWorkspace(),
      masks: new Map(),
      labelled: new Set(),
      current: 0,
      activeClass: 0,
      tool: 'brush',
      brushSize: 12,
      opacity: 0.6,
      outline: false,
      revision: 0,
      unsaved: [],
      saving: 0,
      proposed: new Set(),
      ...createClassActions({ get, setWorkspace, histories, changedAll: () => {
        set((s) => ({ activeClass: Math.min(s.activeClass, s.ws.classes.length - 1) }));
        for (const image of get().ws.images) changed(image, undefined);
      } }),
      setOpen: (open) => set({ open }),
      setTool: (tool) => {
        set({ tool });
        if (tool === 'fill') void get().ensureSuperpixels();
      },
      setActiveClass: (i) => set({ activeClass: Math.max(0, Math.min(i, get().ws.classes.length - 1)) }),
      setBrushSize: (brushSize) => set({ brushSize }),
      setOpacity: (opacity) => set({ opacity }),
      setOutline: async (outline) => {
        set({ outline });
        if (outline) await get().ensureSuperpixels();
      },

      load: async () => {
        if (get().ready) return;
        try {
          const saved = await deps.persistence.load();
          if (saved) {
            const labelled = new Set([...saved.masks].filter(([, m]) => isLabelled(m)).map(([id]) => id));
            set({ ws: saved.ws, masks: saved.masks, labelled });
          }
        } catch (e) {
          deps.report(e); // an unreadable save: the workspace starts empty, the files stay as they were
        }
        set({ ready: true });
        if (get().ws.images.length) await get().select(Math.min(get().current, get().ws.images.length - 1));
      },

      addPhotos: async (files) => {
        const first = get().ws.images.length;
        for (const f of files) {
          set({ busy: `reading ${f.name}…` });
          try {
            const photo = await deps.decoder.decode(f.bytes, f.name, LABEL_MAX_PIXELS);
            const image: LabelImage = { id: newId(), name: f.name, width: photo.width, height: photo.height, split: 'auto' };
            const mask = emptyMask(image);
            // the photo is kept before the workspace lists it: a listed image always has its file
            await queue(() => deps.persistence.saveImage(image, f.bytes));
            set((s) => ({ masks: new Map(s.masks).set(image.id, mask) }));
            setWorkspace({ ...get().ws, images: [...get().ws.images, image] });
            void saveMask(image);
          } catch (e) {
            deps.report(e); // the file is refused by name; the other files and the labels stay
          }
        }
        set({ busy: undefined });
        if (get().ws.images.length > first) await get().select(first);
      },

      select: async (i) => {
        const image = get().ws.images[i];
        if (!image) return;
        touch('all');
        set({ current: i, photo: undefined, superpixels: undefined, busy: `decoding ${image.name}…` });
        stroke = undefined;
        try {
          const photo = await deps.decoder.decode(await deps.persistence.readImage(image), image.name, LABEL_MAX_PIXELS);
          if (currentImage()?.id !== image.id) return; // another image was chosen meanwhile
          touch('all');
          set({ photo: { ...photo, id: image.id }, busy: undefined });
          if (get().outline || get().tool === 'fill') await get().ensureSuperpixels();
        } catch (e) {
          set({ busy: undefined });
          deps.report(e);
        }
      },

      removeImage: async (i) => {
        const image = get().ws.images[i];
        if (!image) return;
        histories.delete(image.id);
        const masks = new Map(get().masks), labelled = new Set(get().labelled), proposed = new Set(get().proposed);
        masks.delete(image.id);
        labelled.delete(image.id);
        proposed.delete(image.id);
        set({ masks, labelled, proposed, unsaved: get().unsaved.filter((n) => n !== image.name) });
        // the list first, then the files: a listed image always has its photo
        setWorkspace({ ...get().ws, images: get().ws.images.filter((im) => im.id !== image.id) });
        void queue(() => deps.persistence.removeImage(image).catch((e) => deps.report(e)));
        const n = get().ws.images.length;
        if (n) await get().select(Math.min(i, n - 1));
        else {
          set({ current: 0, photo: undefined, superpixels: undefined });
          touch('all');
        }
      },

      setSplit: (i, split) => setWorkspace({ ...get().ws, images: get().ws.images.map((im, k) => (k === i ? { ...im, split } : im)) }),

      edit: (fn) => {
        const image = currentImage(), mask = currentMask();
        if (!image || !mask) return;
        const before = mask.slice();
        const box = fn(mask, image.width, image.height);
        if (isEmptyBox(box)) return;
        const history = historyOf(image);
        history.record(before, box); // the box's pixels before the edit…
        history.commit(mask); // …and after it
        changed(image, box);
      },

      strokeStart: (p) => {
        const image = currentImage(), mask = currentMask();
        if (!image || !mask) return;
        const value = get().tool === 'eraser' ? UNLABELLED : get().activeClass;
        const before = mask.slice();
        const box = paintStroke(mask, image.width, image.height, p, p, get().brushSize, value);
        stroke = { before, box, last: p, value };
        touch(box);
      },
      strokeTo: (p) => {
        const image = currentImage(), mask = currentMask();
        if (!stroke || !image || !mask) return;
        const box = paintStroke(mask, image.width, image.height, stroke.last, p, get().brushSize, stroke.value);
        stroke = { ...stroke, box: unionBox(stroke.box, box), last: p };
        touch(box);
      },
      strokeEnd: () => {
        const image = currentImage(), mask = currentMask(), s = stroke;
        stroke = undefined;
        if (!s || !image || !mask || isEmptyBox(s.box)) return;
        const history = historyOf(image);
        history.record(s.before, s.box);
        history.commit(mask);
        changed(image, s.box);
      },

      undo: () => {
        const image = currentImage(), mask = currentMask();
        if (!image || !mask) return;
        const box = historyOf(image).undo(mask);
        if (box) changed(image, box);
      },
      redo: () => {
        const image = currentImage(), mask = currentMask();
        if (!image || !mask) return;
        const box = historyOf(image).redo(mask);
        if (box) changed(image, box);
      },
      canUndo: () => !!currentImage() && historyOf(currentImage()!).canUndo,
      canRedo: () => !!currentImage() && historyOf(currentImage()!).canRedo,

      ensureSuperpixels: async () => {
        const photo = get().photo;
        if (!photo) return undefined;
        if (get().superpixels?.id === photo.id) return get().superpixels;
        set({ busy: 'finding superpixels…' });
        try {
          const sp = await deps.decoder.superpixels(photo.rgba, photo.width, photo.height);
          if (get().photo?.id !== photo.id) return undefined;
          const superpixels = { ...sp, id: photo.id };
          set({ superpixels });
          touch('all');
          return superpixels;
        } catch (e) {
          deps.report(e);
          return undefined;
        } finally {
          set({ busy: undefined });
        }
      },

      replaceWith: async (ws, images) => {
        for (const old of get().ws.images) await queue(() => deps.persistence.removeImage(old));
        histories.clear();
        for (const { image, bytes } of images) await queue(() => deps.persistence.saveImage(image, bytes));
        const masks = new Map(images.map(({ image, mask }) => [image.id, mask]));
        set({ masks, labelled: new Set(images.filter((i) => isLabelled(i.mask)).map((i) => i.image.id)), activeClass: 0, current: 0 });
        setWorkspace(ws);
        for (const { image } of images) void saveMask(image);
        if (images.length) await get().select(0);
        else set({ photo: undefined, superpixels: undefined });
      },

      propose: (prediction) => {
        const image = currentImage();
        if (!image) return;
        if (prediction.length !== image.width * image.height) throw new Error(`the proposal for ${image.name} has ${prediction.length} pixels, not ${image.width}×${image.height}`);
        set((s) => ({ proposed: new Set(s.proposed).add(image.id) }));
        get().edit((mask, w, h) => {
          mask.set(prediction);
          return fullBox(w, h);
        });
      },
      acceptProposal: () => {
        const image = currentImage();
        if (!image || !get().proposed.has(image.id)) return;
        const proposed = new Set(get().proposed);
        proposed.delete(image.id);
        set({ proposed });
        changed(image, undefined);
      },

      takeDirty: () => {
        const d = dirty;
        dirty = { x0: 0, y0: 0, x1: 0, y1: 0 };
        return d;
      },

      readBytes: (image) => deps.persistence.readImage(image),
      saved,
    };
  });
}

export type { LabelClass };
