/**
 * @file The workspace's classes, edited in place: add (with the next colour of a palette that
 * stays apart on photos), rename, recolour and remove. Removing a class renumbers the masks
 * (its pixels become unlabelled, the ids above it move down by one), so the masks keep meaning
 * what the class list says; the undo histories, written in the old numbering, are dropped.
 */
import { MAX_CLASSES, UNLABELLED, type LabelClass, type LabelWorkspace } from '../../label/workspace';
import type { MaskHistory } from '../../label/history';

/** Distinct, saturated colours (Tableau 10 without grey), cycled. */
export const CLASS_PALETTE: LabelClass['color'][] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [188, 189, 34], [23, 190, 207],
];

export interface ClassActions {
  addClass(name?: string): void;
  renameClass(i: number, name: string): void;
  recolorClass(i: number, color: LabelClass['color']): void;
  removeClass(i: number): void;
}

/** The mask with class `removed` unlabelled and every id above it one lower (in place). */
export function renumberAfterRemoval(mask: Uint8Array, removed: number): void {
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i];
    if (v === UNLABELLED || v < removed) continue;
    mask[i] = v === removed ? UNLABELLED : v - 1;
  }
}

export const hexColor = (c: LabelClass['color']) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
export const parseHex = (hex: string): LabelClass['color'] => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16)) as unknown as LabelClass['color'];

export function createClassActions(ctx: {
  get(): { ws: LabelWorkspace; masks: Map<string, Uint8Array>; activeClass: number };
  setWorkspace(ws: LabelWorkspace): void;
  histories: Map<string, MaskHistory>;
  /** Every mask changed: repaint, recount, save. */
  changedAll(): void;
}): ClassActions {
  const classes = () => ctx.get().ws.classes;
  const setClasses = (next: LabelClass[]) => ctx.setWorkspace({ ...ctx.get().ws, classes: next });
  return {
    addClass: (name) => {
      const n = classes().length;
      if (n >= MAX_CLASSES) throw new Error(`a workspace holds at most ${MAX_CLASSES} classes (class ids are bytes; 255 means unlabelled)`);
      setClasses([...classes(), { name: name?.trim() || `class ${n}`, color: CLASS_PALETTE[n % CLASS_PALETTE.length] }]);
    },
    renameClass: (i, name) => setClasses(classes().map((c, k) => (k === i ? { ...c, name } : c))),
    recolorClass: (i, color) => setClasses(classes().map((c, k) => (k === i ? { ...c, color } : c))),
    removeClass: (i) => {
      if (classes().length <= 1) throw new Error('a workspace needs at least one class');
      for (const mask of ctx.get().masks.values()) renumberAfterRemoval(mask, i);
      ctx.histories.clear();
      setClasses(classes().filter((_, k) => k !== i));
      ctx.changedAll();
    },
  };
}
