/**
 * @file Cross-dataset evaluation, the paper's check for domain shift: a model saved by vfm-lab,
 * evaluated on the val split of a second dataset with the same classes, with the model's own crop
 * and pixel normalisation, exactly as `train` evaluates (its recipe's label filter and windows,
 * dataset confusion matrix; src/train/cross-eval.ts).
 */
import { basename } from 'node:path';
import { openDataset, validateDataset } from '../data/dataset';
import { readSafetensorsWithMetadata } from '../model/safetensors';
import { createNodeRunner } from '../runtime/node';
import { classMismatch } from '../train/classes';
import { evaluateAcross } from '../train/cross-eval';
import type { RecipeRules } from '../train/recipe';
import type { MIoUDefinition } from '../train/metrics';
import { evaluationProcedure } from '../train/rules';
import { parseMetadata, prepareEval, recordedArchitecture, recordedProcedure } from '../train/session';
import { CliError } from './args';
import { readModel } from './model-source';
import { openSource } from './nodeSource';

export interface CrossResult {
  /** The dataset's folder or file name. */
  dataset: string;
  mIoU: number;
  mIoUDefinition: MIoUDefinition;
  perClassIoU: (number | null)[];
}

type Limits = { maxPixels: number; maxZipEntryBytes: number };
const open = async (data: string, s: Limits) =>
  openDataset(await openSource(data, { zipLimits: { maxEntryBytes: s.maxZipEntryBytes } }), { seed: 0, limits: { maxPixels: s.maxPixels } });

/**
 * Before anything trains: the second dataset exists and, when both datasets name their classes,
 * names the same ones in the same order.
 */
export async function checkCrossData(data: string, cross: string, s: Limits): Promise<void> {
  const [a, b] = [(await open(data, s)).classes.map((k) => k.name), (await open(cross, s)).classes.map((k) => k.name)];
  const why = a.length && b.length ? classMismatch(a, `--data's`, b, 'its') : undefined;
  if (why) {
    throw new CliError(`--cross-data ${cross}: its classes (${b.join(', ')}) are not those of --data ${data} (${a.join(', ')}): ${why}; cross-dataset evaluation needs the same classes in the same order`);
  }
}

/** `s.rules`: the recipe the model was trained with (its label filter and windows apply here too). */
export async function crossEvaluate(
  modelFile: string, data: string, s: { batch: number; maxPixels: number; maxZipEntryBytes: number; rules: Pick<RecipeRules, 'labelFilter' | 'windowLayout' | 'miou'> },
): Promise<CrossResult> {
  const source = await readModel(modelFile);
  const { tensors, metadata } = readSafetensorsWithMetadata(source.bytes, source.path);
  const meta = parseMetadata(metadata, source.path);
  if (!meta) throw new CliError(`${source.path}: not a model saved by vfm-lab (no classes, crop or normalisation recorded); cross-dataset evaluation needs one`);
  const ds = await open(data, s);
  const summary = await validateDataset(ds);
  const names = ds.classes.map((k) => k.name), trained = meta.classes.map((k) => k.name);
  const why = classMismatch(trained, "the model's", names, 'its');
  if (why) {
    throw new CliError(`${data}: its classes (${names.join(', ')}) are not the model's (${trained.join(', ')}): ${why}; cross-dataset evaluation needs the same classes in the same order`);
  }
  const prepared = prepareEval(tensors, source.path, names.length, {
    crop: meta.crop, batch: s.batch, seed: 0, family: meta.family, ...recordedArchitecture(meta),
  });
  const runner = await createNodeRunner(prepared.evalGraph);
  try {
    const params = Object.fromEntries([...prepared.model.weights].map(([k, t]) => [k, t.data]));
    const logits = async (image: Float32Array) => (await runner.run({ ...params, image }, ['logits'])).logits.data as Float32Array;
    // the model's own record of its evaluation; a file saved before the record: the recipe's rules
    const procedure = recordedProcedure(meta) ?? evaluationProcedure(s.rules, meta.crop, meta.mean, meta.std);
    const r = await evaluateAcross({ logits }, ds, summary.singleValued, s.rules.labelFilter, { ...procedure, batch: s.batch });
    return { dataset: basename(ds.name), mIoU: r.mIoU, mIoUDefinition: r.mIoUDefinition, perClassIoU: r.perClassIoU };
  } finally {
    await runner.release();
  }
}
