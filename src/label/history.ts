/**
 * @file Undo/redo for one image's mask. An edit is recorded as the rectangle it touched, with the
 * pixels before and after, so a brush dab costs its box, not the image. `record` before painting
 * (the box's old pixels), `commit` after (the new ones); commit shrinks the step to the pixels that
 * really changed, so recording the whole image before a fill is cheap once committed. Several
 * `record`s before one `commit` (one per pointer move of a drag) make one step.
 */
import { clipBox, isEmptyBox, unionBox, type Box } from './box';

interface Step {
  box: Box;
  before: Uint8Array;
  after: Uint8Array;
}

function copyBox(mask: Uint8Array, width: number, box: Box): Uint8Array {
  const w = box.x1 - box.x0;
  const out = new Uint8Array(w * (box.y1 - box.y0));
  for (let y = box.y0; y < box.y1; y++) out.set(mask.subarray(y * width + box.x0, y * width + box.x1), (y - box.y0) * w);
  return out;
}

function pasteBox(mask: Uint8Array, width: number, box: Box, pixels: Uint8Array): void {
  const w = box.x1 - box.x0;
  for (let y = box.y0; y < box.y1; y++) mask.set(pixels.subarray((y - box.y0) * w, (y - box.y0 + 1) * w), y * width + box.x0);
}

/** The smallest box, inside `box`, outside which `a` and `b` (both `box`-sized) are equal; empty when equal. */
function changedBox(a: Uint8Array, b: Uint8Array, box: Box): Box {
  const w = box.x1 - box.x0;
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const x = i % w, y = (i - x) / w;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x1 < 0 ? { x0: 0, y0: 0, x1: 0, y1: 0 } : { x0: box.x0 + x0, y0: box.y0 + y0, x1: box.x0 + x1 + 1, y1: box.y0 + y1 + 1 };
}

export class MaskHistory {
  private done: Step[] = [];
  private undone: Step[] = [];
  private pending: { box: Box; before: Uint8Array } | null = null;

  /** `width`: the image's, here or at each `record` (the boxes are in its pixels). */
  constructor(readonly limit = 50, private width?: number) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  private widthFor(mask: Uint8Array): number {
    const w = this.width;
    if (!w || mask.length % w !== 0) throw new Error(`MaskHistory: the image width is ${w === undefined ? 'unknown (pass it to the constructor or to record)' : `${w}, which does not divide the mask's ${mask.length} pixels`}`);
    return w;
  }

  /** Before painting: keeps the box's current pixels. */
  record(mask: Uint8Array, box: Box, width?: number): void {
    if (width !== undefined) this.width = width;
    const w = this.widthFor(mask);
    const clipped = clipBox(box, w, mask.length / w);
    const p = this.pending;
    if (!p) {
      this.pending = { box: clipped, before: copyBox(mask, w, clipped) };
      return;
    }
    // a second record in the same step: pixels outside the first box are still unpainted, so they
    // come from the mask; those inside it from the first record
    const merged = unionBox(p.box, clipped);
    const before = copyBox(mask, w, merged);
    const mw = merged.x1 - merged.x0, pw = p.box.x1 - p.box.x0;
    for (let y = p.box.y0; y < p.box.y1; y++) {
      before.set(p.before.subarray((y - p.box.y0) * pw, (y - p.box.y0 + 1) * pw), (y - merged.y0) * mw + p.box.x0 - merged.x0);
    }
    this.pending = { box: merged, before };
  }

  /** After painting: the step holds what changed; an edit that changed nothing is no step. */
  commit(mask: Uint8Array): void {
    const p = this.pending;
    this.pending = null;
    if (!p || isEmptyBox(p.box)) return;
    const w = this.widthFor(mask);
    const after = copyBox(mask, w, p.box);
    const box = changedBox(p.before, after, p.box);
    if (isEmptyBox(box)) return;
    const local = { x0: box.x0 - p.box.x0, y0: box.y0 - p.box.y0, x1: box.x1 - p.box.x0, y1: box.y1 - p.box.y0 };
    const pw = p.box.x1 - p.box.x0;
    this.done.push({ box, before: copyBox(p.before, pw, local), after: copyBox(after, pw, local) });
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  /** Puts the last step's old pixels back; the box to repaint, or null when there is nothing to undo. */
  undo(mask: Uint8Array): Box | null {
    const step = this.done.pop();
    if (!step) return null;
    pasteBox(mask, this.widthFor(mask), step.box, step.before);
    this.undone.push(step);
    return { ...step.box };
  }

  redo(mask: Uint8Array): Box | null {
    const step = this.undone.pop();
    if (!step) return null;
    pasteBox(mask, this.widthFor(mask), step.box, step.after);
    this.done.push(step);
    return { ...step.box };
  }

  /** Forgets every step (a mask replaced wholesale, e.g. by an import). */
  clear(): void {
    this.done = [];
    this.undone = [];
    this.pending = null;
  }
}
