/** A run's life: which states own the model and dataset — one definition, the worker's, that the UI mirrors. */
import { describe, expect, it } from 'vitest';
import { isActive as uiIsActive } from '../ui/store/slices';
import type { RunState } from './api';
import { Lifecycle, isActive } from './lifecycle';

describe('lifecycle', () => {
  it('a run is active from preparing until it has stopped; the UI asks the same function', () => {
    const all: RunState[] = ['idle', 'preparing', 'running', 'paused', 'stopping', 'stopped', 'finished', 'error'];
    expect(all.filter(isActive)).toEqual(['preparing', 'running', 'paused', 'stopping']);
    expect(uiIsActive).toBe(isActive);
    const life = new Lifecycle();
    const seen: boolean[] = [life.active];
    for (const s of ['preparing', 'running', 'paused', 'running', 'stopping', 'stopped'] as const) {
      life.to(s);
      seen.push(life.active);
    }
    expect(seen).toEqual([false, true, true, true, true, true, false]);
  });

});
