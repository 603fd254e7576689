import { describe, expect, it } from 'vitest';
import type { Engine } from '../train/engine';
import { Run, WallClock } from './run';

describe('a run\'s wall clock', () => {
  it('counts running time, not pauses, on top of earlier sessions', () => {
    let ms = 1000;
    const clock = new WallClock(7, undefined, () => ms);
    ms += 10_000;
    expect(clock.seconds).toBe(17);
    clock.pause();
    ms += 100_000; // paused: not counted
    expect(clock.seconds).toBe(17);
    clock.resume();
    clock.resume(); // a second resume does not restart the count
    ms += 5000;
    expect(clock.seconds).toBe(22);
  });

  it('starts when the run\'s preparation began', () => {
    let ms = 500;
    const clock = new WallClock(0, 100, () => ms);
    expect(clock.seconds).toBeCloseTo(0.4, 12);
    ms = 2100;
    expect(clock.seconds).toBe(2);
  });
});

describe('a run\'s engine', () => {
  it('is released once the prediction using it ends, not between two of its windows', async () => {
    // an engine that refuses to run once released, as onnxruntime-web's sessions do ("invalid session id")
    let released = false;
    const engine = {
      logits: async () => {
        if (released) throw new Error('invalid session id');
        return new Float32Array(1);
      },
      release: async () => { released = true; },
    } as unknown as Engine;
    const run = new Run({ id: 'run-a' } as never, {} as never, {} as never, {} as never, {} as never, 'vit', engine, [], 0, {} as never);
    const x = new Float32Array(3);
    // a prediction over two windows, paused between them on a promise the test opens
    let between!: () => void;
    const gap = new Promise<void>((resolve) => (between = resolve));
    let reached!: () => void;
    const atGap = new Promise<void>((resolve) => (reached = resolve));
    const prediction = run.use(async (e) => {
      await e.logits(x);
      reached();
      await gap;
      return e.logits(x);
    });
    await atGap;
    const ended = run.release(); // the run ends (finished, stopped) while the viewer predicts
    await Promise.resolve();
    expect(released).toBe(false);
    between();
    await expect(prediction).resolves.toBeInstanceOf(Float32Array);
    await ended;
    expect(released).toBe(true);
    // a prediction asked for after the end is refused, naming the run
    await expect(run.use((e) => e.logits(x))).rejects.toThrow('run run-a has ended: its engine is released');
  });
});
