/**
 * @file The workspace's saves, one after another (a mask saved twice lands in order): `saving`
 * counts those in flight; a mask that cannot be written stays in memory and its image is listed in
 * `unsaved` (reported once, with the storage's reason and the way out: Export).
 */
import type { LabelImage, LabelWorkspace } from '../../label/workspace';
import type { Persistence } from './ports';

interface SaverState {
  ws: LabelWorkspace;
  masks: Map<string, Uint8Array>;
  unsaved: string[];
  saving: number;
}

export function createSaver(persistence: Persistence, report: (e: unknown) => void, set: (f: (s: SaverState) => Partial<SaverState>) => void, get: () => SaverState) {
  let pending = Promise.resolve();
  const queue = (fn: () => Promise<void>): Promise<void> => {
    set((s) => ({ saving: s.saving + 1 }));
    pending = pending.then(fn).finally(() => set((s) => ({ saving: s.saving - 1 })));
    return pending;
  };
  return {
    queue,
    /** Resolves once every save asked for so far has ended. */
    saved: () => pending,
    saveMask: (image: LabelImage) => queue(async () => {
      const mask = get().masks.get(image.id);
      if (!mask) return;
      try {
        await persistence.saveMask(image, mask);
        set((s) => ({ unsaved: s.unsaved.filter((n) => n !== image.name) }));
      } catch (e) {
        if (!get().unsaved.includes(image.name)) report(new Error(`${image.name}: ${(e as Error).message}`));
        set((s) => ({ unsaved: [...new Set([...s.unsaved, image.name])] }));
      }
    }),
    saveWorkspace: () => queue(() => persistence.saveWorkspace(get().ws).catch(report)),
  };
}
