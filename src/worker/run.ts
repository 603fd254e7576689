/**
 * @file One run while it exists in the worker: what it trains (prepared graphs, dataset, pixel
 * normalisation), the engine it owns, its metric rows, and how it saves itself. Built by
 * `prepareRun` in the trainer's `preparing` state; nothing is written for it before it is whole.
 */
import type { Dataset } from '../data/dataset';
import type { FamilyName } from '../model/presets';
import { writeSafetensors } from '../model/safetensors';
import type { Engine } from '../train/engine';
import { evaluationProcedure } from '../train/rules';
import { runRules } from './prepare';
import { metadataOf, type PreparedRun, type RGB } from '../train/session';
import type { RunSummary, TrainConfig } from './api';
import { encodeOptimizerState } from './optimizer-state';
import type { MetricRow, RunStore } from './runs';
import { Users } from './users';

/**
 * The run's wall time as its user waits for it: seconds of earlier sessions (a resumed run) plus
 * this session's, with pauses left out. `now` is in milliseconds, monotonic (injected in tests).
 */
export class WallClock {
  private since?: number;
  constructor(private before: number, startedAt?: number, private readonly now: () => number = () => performance.now()) {
    this.since = startedAt ?? now();
  }

  get seconds(): number {
    return this.before + (this.since === undefined ? 0 : (this.now() - this.since) / 1000);
  }

  /** A pause begins: the clock stands still until `resume()`. */
  pause(): void {
    this.before = this.seconds;
    this.since = undefined;
  }

  resume(): void {
    this.since ??= this.now();
  }
}

export class Run {
  constructor(
    readonly record: RunSummary,
    readonly config: TrainConfig,
    readonly prepared: PreparedRun,
    readonly ds: Dataset,
    readonly norm: { mean: RGB; std: RGB },
    readonly family: FamilyName,
    /** Owned: released by `release()` when the run ends. */
    readonly engine: Engine,
    readonly rows: MetricRow[],
    readonly startStep: number,
    private readonly store: RunStore,
    /** Started when the run's preparation began (compiling counts: its user waits for it). */
    readonly clock = new WallClock(record.wallSeconds ?? 0),
  ) {}

  private status: RunSummary['status'] = 'running';
  /** The step of this session's last save (undefined: nothing saved yet by this session). */
  savedAt?: number;
  private released = false;
  /** Predictions on the engine while the run trains: its release waits for them. */
  private readonly users = new Users();

  /** The weights as a file that loads back exactly (every parameter plus what predicting needs). */
  async modelFile(): Promise<Uint8Array> {
    const { mean, std } = this.norm;
    const evaluation = evaluationProcedure(runRules(this.record), this.config.crop, mean, std); // what its evaluations did
    return writeSafetensors(await this.engine.weights(), metadataOf(this.prepared.model, this.ds.classes, this.config.crop, mean, std, this.family, evaluation));
  }

  /** One consistent save of this step (see runs.ts), then the status. */
  async save(step: number, status: RunSummary['status']): Promise<void> {
    const model = await this.modelFile();
    const optimizer = encodeOptimizerState(await this.engine.optimizerState());
    await this.store.save(this.record.id, { step, model, optimizer, rows: this.rows });
    this.savedAt = step;
    await this.writeRecord(status); // every save: the record's wall time moves on with it
  }

  async setStatus(status: RunSummary['status']): Promise<void> {
    if (status !== this.status) await this.writeRecord(status);
  }

  private async writeRecord(status: RunSummary['status']): Promise<void> {
    this.status = status;
    await this.store.saveRecord({ ...this.record, status, wallSeconds: this.clock.seconds });
  }

  /** Runs `fn` with the engine (a prediction of the viewer); the engine is not released while it runs. */
  use<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    if (this.released) return Promise.reject(new Error(`run ${this.record.id} has ended: its engine is released`));
    return this.users.hold(() => fn(this.engine));
  }

  /** Gives back the engine (sessions, GPU buffers) once no prediction uses it; safe to call twice. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.users.drained();
    await this.engine.release();
  }
}
