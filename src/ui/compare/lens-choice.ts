/**
 * @file Which runs the feature lens offers and shows first (pure). A run's features come from its
 * saved weights: a run stopped or left before its first save has none, so it is offered disabled,
 * with the reason, and never chosen by default.
 */
import type { RunSummary } from '../../worker/api';

/** The loaded model's key among the lens's sources (before fine-tuning). */
export const LOADED = 'loaded';

/** Why a run cannot be shown in the lens, or undefined when it can (it has saved weights). */
export function lensUnavailable(r: Pick<RunSummary, 'status' | 'savedStep'>): string | undefined {
  return r.status === 'imported' || r.savedStep > 0 ? undefined : 'no saved weights yet';
}

/** Why a lens source (LOADED or a run id) cannot be shown now, or undefined when it can. */
export function sourceUnavailable(runs: readonly RunSummary[], key: string): string | undefined {
  if (key === LOADED) return undefined;
  const run = runs.find((r) => r.id === key);
  return run ? lensUnavailable(run) : 'not among the saved runs';
}

/**
 * The loaded model and one run: the current run (reopened or last trained) when it has weights,
 * else the newest trained run that has them, else the newest imported one (runs are listed newest first).
 */
export function defaultLensChoice(runs: readonly RunSummary[], runId?: string): string[] {
  const usable = runs.filter((r) => !lensUnavailable(r));
  const run = usable.find((r) => r.id === runId) ?? usable.find((r) => r.status !== 'imported') ?? usable[0];
  return run ? [LOADED, run.id] : [LOADED];
}
