/**
 * @file A run's life, in one place: idle → preparing → running ⇄ paused → stopping →
 * finished / stopped / error. The worker enforces it (a move not in the table throws); the UI
 * only mirrors the state it is told.
 */
import type { RunState } from './api';

const NEXT: Record<RunState, readonly RunState[]> = {
  idle: ['preparing'],
  // a failed Start ends in 'error'; Stop during preparation ends before the first step
  preparing: ['running', 'stopping', 'error'],
  running: ['paused', 'stopping', 'finished', 'error'],
  paused: ['running', 'stopping', 'error'],
  // an evaluation in progress may still finish the run
  stopping: ['stopped', 'finished', 'error'],
  finished: ['preparing'],
  stopped: ['preparing'],
  error: ['preparing'],
};

/** While a run is in one of these states, its model and dataset must not change. */
const ACTIVE: ReadonlySet<RunState> = new Set(['preparing', 'running', 'paused', 'stopping']);

/** A run in this state owns the model, the dataset and the engine (the worker refuses changes; the UI mirrors it). */
export const isActive = (s: RunState): boolean => ACTIVE.has(s);

export class Lifecycle {
  private current: RunState = 'idle';

  constructor(private readonly onChange: (state: RunState, message?: string) => void = () => {}) {}

  get state(): RunState {
    return this.current;
  }

  /** A run exists and owns the model, the dataset and the engine. */
  get active(): boolean {
    return isActive(this.current);
  }

  can(next: RunState): boolean {
    return NEXT[this.current].includes(next);
  }

  to(next: RunState, message?: string): void {
    if (!this.can(next)) throw new Error(`a run cannot go from ${this.current} to ${next}`);
    this.current = next;
    this.onChange(next, message);
  }

  /** Throws, naming what is refused, while a run is active. */
  refuseWhileActive(what: string): void {
    if (this.active) throw new Error(`${what} is not possible while a run is ${this.current}: stop it first`);
  }
}
