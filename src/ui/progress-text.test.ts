import { describe, expect, it } from 'vitest';
import { humanDuration, plainNotice, preparingStages, secondsLeft } from './progress-text';

describe('progress in words', () => {
  it('durations read as a person would say them', () => {
    expect(humanDuration(12)).toBe('about 10 s');
    expect(humanDuration(2)).toBe('about 5 s');
    expect(humanDuration(170)).toBe('about 3 min');
    expect(humanDuration(4800)).toBe('about 1 h 20 min');
    expect(humanDuration(7200)).toBe('about 2 h');
    expect(humanDuration(NaN)).toBe('unknown');
  });

  it('the time left comes from the recent steps, not the clock: a pause does not change it', () => {
    const ms = [900, 100, 100, 100]; // the first step is slow (compilation); only the last 3 count
    expect(secondsLeft(ms, 10, 70, 3)).toBeCloseTo(6);
    expect(secondsLeft(ms, 10, 70, 3)).toBe(secondsLeft(ms, 10, 70, 3));
    expect(secondsLeft([], 0, 70)).toBeUndefined();
    expect(secondsLeft(ms, 70, 70)).toBeUndefined();
  });

  it('preparing goes build → compile → first step, and is gone once a step has run', () => {
    const names = (s: ReturnType<typeof preparingStages>) => s.map((x) => `${x.name}:${x.status}`);
    expect(names(preparingStages({}, 'preparing', 0, 'WebGPU'))).toEqual(['build the training graph:active', 'compile on the GPU:waiting', 'first training step:waiting']);
    const built = { compile: { task: 'compile', done: 1, total: 1 } };
    expect(names(preparingStages(built, 'preparing', 0, 'wasm'))).toEqual(['build the training graph:done', 'set up the wasm kernels:active', 'first training step:waiting']);
    expect(names(preparingStages(built, 'running', 0, 'WebGPU'))).toEqual(['build the training graph:done', 'compile on the GPU:done', 'first training step:active']);
    expect(preparingStages(built, 'running', 1, 'WebGPU')).toEqual([]);
    expect(preparingStages(built, 'finished', 300, 'WebGPU')).toEqual([]);
  });

  it('loader notices in plain language; unknown ones are left as they are', () => {
    expect(plainNotice('no seg_head in the checkpoint: a new linear decoder for 4 classes is initialised'))
      .toBe('This checkpoint has no segmentation head: a new one for 4 classes is trained from scratch.');
    expect(plainNotice('pos_embed resampled from a 37×37 to a 4×4 grid (bicubic)')).toMatch(/37×37 grid of patches.*4×4 grid/);
    expect(plainNotice('patch embedding resampled from 14×14 to 16×16 (FlexiViT pseudo-inverse)')).toMatch(/14-pixel patches.*16-pixel/);
    expect(plainNotice('something new')).toBeUndefined();
  });
});
