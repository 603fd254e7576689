/** @file A trained model brought in to compare: checked against the current dataset, saved as a run. */
import type { Dataset } from '../data/dataset';
import { detectFamily, loadFamilyModel } from '../model/families';
import { readSafetensorsWithMetadata, writeSafetensors } from '../model/safetensors';
import { metadataOf, normalisationFor, parseMetadata, recordedArchitecture } from '../train/session';
import type { RunSummary, TrainConfig } from './api';
import type { RunStore } from './runs';

export async function importModel(store: RunStore, ds: Dataset, name: string, bytes: Uint8Array, config: TrainConfig): Promise<RunSummary> {
  const { tensors, metadata } = readSafetensorsWithMetadata(bytes, name);
  const head = tensors.get('seg_head.weight');
  if (!head) throw new Error(`${name}: no seg_head (linear decoder), so it cannot segment: train it first (here, or with vfm-lab train)`);
  if (head.shape[0] !== ds.classes.length) throw new Error(`${name} predicts ${head.shape[0]} classes; the current dataset (${ds.name}) has ${ds.classes.length}`);
  const meta = parseMetadata(metadata);
  const family = meta?.family ?? detectFamily(tensors.keys());
  const crop = meta?.crop ?? config.crop;
  // refuse now, naming the keys, what would fail at comparison time
  const model = loadFamilyModel(tensors, name, { family, numClasses: ds.classes.length, crop, ...recordedArchitecture(meta) });
  const { mean, std } = meta ?? normalisationFor(family);
  // saved like a run's checkpoint: weights at this crop, with what predicting needs recorded
  const saved = meta ? bytes : writeSafetensors(model.weights, metadataOf(model, ds.classes, crop, mean, std, family));
  const record: RunSummary = {
    id: `import-${Date.now().toString(36)}`, createdAt: Date.now(), modelName: name, datasetName: ds.name,
    config: { ...config, crop }, savedStep: 0, status: 'imported',
  };
  await store.saveRecord(record);
  await store.save(record.id, { step: 0, model: saved, rows: [] });
  return record;
}
