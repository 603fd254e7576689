/**
 * @file Cross-dataset evaluation, one definition for the browser worker (src/worker/lens.ts) and
 * the CLI (src/cli/cross-eval.ts): a trained run scored on a second dataset's val split exactly as
 * its own evaluations were scored — the val images its recipe's label filter keeps (the benchmark
 * leaves out masks that hold a single value), its recipe's windows, its crop, batch and normalisation.
 */
import type { Dataset, SampleRef } from '../data/dataset';
import type { Engine } from './engine';
import type { EvalResult } from './evaluate';
import type { LabelFilter } from './recipe';
import type { RecipeOptions } from './rules';
import { applyLabelFilter } from './rules';
import { evaluateDataset } from './session';

/** `singleValued`: the second dataset's single-valued samples (its `validateDataset` summary). */
export function evaluateAcross(
  model: Pick<Engine, 'logits'>, ds: Dataset, singleValued: SampleRef[], labelFilter: LabelFilter,
  evaluation: RecipeOptions['evaluation'], onImage?: (done: number, total: number) => void,
): Promise<EvalResult> {
  const kept = applyLabelFilter(ds, singleValued, labelFilter).ds; // the same filter as training applied to its own dataset
  return evaluateDataset(model, kept, { ...evaluation, onImage });
}
