import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { fullBox } from './box';
import { paintStroke, strokeBox } from './brush';
import { floodFill } from './flood';
import { MaskHistory } from './history';

const [W, H] = [23, 17];

describe('MaskHistory', () => {
  it('undo walks back through every state byte for byte, redo forward again (random strokes and fills)', () => {
    const rand = mulberry32(12);
    const mask = new Uint8Array(W * H).fill(255);
    const history = new MaskHistory(100, W);
    const states = [mask.slice()];
    for (let step = 0; step < 40; step++) {
      const value = Math.floor(rand() * 4);
      if (step % 4 === 3) {
        history.record(mask, fullBox(W, H)); // a fill's extent is not known before it runs
        floodFill(mask, W, H, Math.floor(rand() * W), Math.floor(rand() * H), value);
      } else {
        // a drag: one record per segment, one commit at the end
        let at = { x: rand() * W, y: rand() * H };
        for (let k = 0; k < 3; k++) {
          const next = { x: at.x + (rand() - 0.5) * 8, y: at.y + (rand() - 0.5) * 8 };
          history.record(mask, strokeBox(W, H, at, next, 2));
          paintStroke(mask, W, H, at, next, 2, value);
          at = next;
        }
      }
      history.commit(mask);
      // an edit that changed nothing is no step
      if (!sameBytes(mask, states[states.length - 1])) states.push(mask.slice());
    }
    expect(states.length).toBeGreaterThan(25);
    for (let k = states.length - 2; k >= 0; k--) {
      expect(history.undo(mask)).not.toBeNull();
      expect(mask, `undo to state ${k}`).toEqual(states[k]);
    }
    expect(history.canUndo).toBe(false);
    expect(history.undo(mask)).toBeNull();
    for (let k = 1; k < states.length; k++) {
      expect(history.redo(mask)).not.toBeNull();
      expect(mask, `redo to state ${k}`).toEqual(states[k]);
    }
    expect(history.canRedo).toBe(false);
  });

  it('keeps only the changed rectangle of a step, and returns it for repainting', () => {
    const mask = new Uint8Array(W * H).fill(255);
    const history = new MaskHistory(50, W);
    history.record(mask, fullBox(W, H));
    mask[3 * W + 4] = 1;
    mask[5 * W + 9] = 2;
    history.commit(mask);
    expect(history.undo(mask)).toEqual({ x0: 4, y0: 3, x1: 10, y1: 6 });
    expect(mask.every((v) => v === 255)).toBe(true);
  });

  it('a new edit after an undo drops the redo steps; the limit drops the oldest', () => {
    const mask = new Uint8Array(W * H).fill(255);
    const history = new MaskHistory(3, W);
    const paint = (v: number) => {
      history.record(mask, fullBox(W, H));
      mask.fill(v, 0, 5);
      history.commit(mask);
    };
    paint(1); paint(2);
    history.undo(mask);
    expect(history.canRedo).toBe(true);
    paint(3);
    expect(history.canRedo).toBe(false);
    expect(history.redo(mask)).toBeNull();
    paint(4); paint(5); paint(6); // 1, 3, 4, 5, 6 made; only 4, 5, 6 can be undone (limit 3)
    for (let k = 0; k < 3; k++) history.undo(mask);
    expect(mask[0]).toBe(3);
    expect(history.canUndo).toBe(false);
  });

  it('needs the image width, and says so', () => {
    expect(() => new MaskHistory().record(new Uint8Array(4), fullBox(2, 2))).toThrow(/width is unknown/);
    const h = new MaskHistory();
    h.record(new Uint8Array(4), fullBox(2, 2), 2); // given at record, kept afterwards
    h.commit(new Uint8Array(4));
  });
});

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
