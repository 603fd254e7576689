/**
 * @file Cross-dataset evaluation, one definition for the browser worker (src/worker/lens.ts) and
 * the CLI (src/cli/cross-eval.ts): a trained run scored on a second dataset's val split exactly as
 * its own evaluations were scored — the val images its recipe's label filter keeps (the benchmark
 * leaves out masks that hold a single value), its recipe's windows, its crop, batch and normalisation.
 * Only the val split is scored, so only the val split is filtered: the second dataset's train
 * split plays no part (all of its masks may hold a single value).
 */
import type { Dataset, SampleRef } from '../data/dataset';
import type { Engine } from './engine';
import type { EvalResult } from './evaluate';
import type { LabelFilter } from './recipe';
import type { RecipeOptions } from './rules';
import { keptRefs } from './rules';
import { evaluateDataset } from './session';

/** `singleValued`: the second dataset's single-valued samples (its `validateDataset` summary). */
export async function evaluateAcross(
  model: Pick<Engine, 'logits'>, ds: Dataset, singleValued: SampleRef[], labelFilter: LabelFilter,
  evaluation: RecipeOptions['evaluation'], onImage?: (done: number, total: number) => void,
): Promise<EvalResult> {
  const val = keptRefs(ds.val, singleValued, labelFilter); // the same filter as training applied to its own val split
  if (ds.val.length && !val.length) {
    throw new Error(`${ds.name}: every val mask holds a single value, and the run's recipe label filter (${labelFilter}) leaves such images out, so there is nothing to evaluate; cross-evaluate on a dataset whose val masks hold more than one value`);
  }
  return evaluateDataset(model, { ...ds, val }, { ...evaluation, onImage });
}
