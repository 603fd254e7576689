import { describe, expect, it } from 'vitest';
import { WallClock } from './run';

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
