/**
 * @file Turning what the user picked into a checked model and dataset, with the identity a run
 * records: model name, family, config and a SHA-256 of its weights; dataset name, split sizes,
 * classes and a fingerprint of its files. Nothing half-loaded is returned.
 */
import { openDataset, validateDataset, type Dataset, type DatasetSummary } from '../data/dataset';
import { demoSource, memorySource, zipSource, type FileSource } from '../data/index';
import { DEMO_MODEL, makeTinyVit } from '../model/demo';
import { checkKeys, inferConfig } from '../model/checkpoint';
import { detectFamily, loadFamilyModel } from '../model/families';
import { SUPPORTED_FAMILIES, presetUrl, resolvePreset, type FamilyName, type Preset } from '../model/presets';
import { readSafetensorsWithMetadata, writeSafetensors, type HostTensor } from '../model/safetensors';
import { parseMetadata, type ModelMetadata } from '../train/session';
import { sha256 } from './digest';
import type { DatasetIdentity, DatasetInfo, DatasetSource, ModelIdentity, ModelInfo, ModelSource, Progress } from './api';

export interface LoadedCheckpoint {
  name: string;
  tensors: Map<string, HostTensor>;
  family: FamilyName;
  preset?: Preset;
  recorded?: ModelMetadata;
  info: ModelInfo;
  identity: ModelIdentity;
}

export interface LoadedData {
  ds: Dataset;
  summary: DatasetSummary;
  info: DatasetInfo;
  identity: DatasetIdentity;
  /** The zip's bytes, when the dataset came from one (a small one is kept with its runs). */
  zip?: Uint8Array;
}

/** Zips up to this size are copied into each run that trains on them, so Resume needs nothing else. */
export const KEEP_DATASET_BYTES = 64 * 2 ** 20;

export type FetchBytes = (url: string, label: string, onProgress: (done: number, total: number) => void, signal: AbortSignal, sha256?: string) => Promise<Uint8Array>;

/** Reads and checks a model; `fetchBytes` downloads presets (with its cache). */
export async function loadCheckpoint(src: ModelSource, fetchBytes: FetchBytes, signal: AbortSignal, onProgress?: (p: Progress) => void): Promise<LoadedCheckpoint> {
  let name = src.kind === 'demo' ? 'demo ViT (depth 2, width 64)' : src.name;
  let preset: Preset | undefined;
  let bytes: Uint8Array | undefined;
  if (src.kind === 'preset') {
    preset = resolvePreset(src.name);
    if (!preset) throw new Error(`unknown preset ${src.name}`);
    if (preset.unavailable) throw new Error(`${preset.name} is unavailable: ${preset.unavailable}`);
    if (!SUPPORTED_FAMILIES.has(preset.family)) throw new Error(`${preset.name}: the ${preset.family} family is not supported by this build yet`);
    const label = preset.name;
    bytes = await fetchBytes(presetUrl(preset), label, (done, total) => onProgress?.({ task: 'download', done, total, detail: label }), signal);
    name = preset.name;
  } else if (src.kind === 'bytes') {
    bytes = src.bytes;
  }
  const file = bytes
    ? readSafetensorsWithMetadata(bytes, name, (done, total) => onProgress?.({ task: 'load model', done, total, detail: 'converting to float32' }))
    : undefined;
  const tensors = file?.tensors ?? makeTinyVit({ ...DEMO_MODEL, seed: 0 });
  // a model exported by vfm-lab records its family, heads, norms and SAM window
  const recorded = file ? parseMetadata(file.metadata) : undefined;
  const family = preset?.family ?? recorded?.family ?? detectFamily(tensors.keys());
  // refuse a file that does not fit its family now, naming the keys, not at Start
  const config = family === 'eva02' || family === 'sam'
    ? loadFamilyModel(tensors, name, { numClasses: 1, crop: 64, family, patchSize: 16, heads: recorded?.heads }).config
    : inferConfig(tensors, name, { numClasses: 1, crop: 0, family, heads: recorded?.heads });
  if (family !== 'eva02' && family !== 'sam') checkKeys(tensors, config, name);
  const numParams = [...tensors.values()].reduce((s, t) => s + t.data.length, 0);
  const shape = { embedDim: config.embedDim, depth: config.depth, heads: config.heads, patchSize: config.patchSize };
  const identity: ModelIdentity = { name, family, config: shape, sha256: await sha256(bytes ?? writeSafetensors(tensors)) };
  return { name, tensors, family, preset, recorded, identity, info: { name, family, ...shape, numParams } };
}

/** SHA-256 over each file's path and SHA-256, in path order (a zip: over its bytes). */
async function fingerprint(source: FileSource, zip?: Uint8Array): Promise<string> {
  if (zip) return sha256(zip);
  const parts: string[] = [];
  for (const path of await source.list()) parts.push(`${path}:${await sha256(await source.read(path))}`);
  return sha256(new TextEncoder().encode(parts.join('\n')));
}

export async function loadData(src: DatasetSource, onProgress?: (p: Progress) => void): Promise<LoadedData> {
  const source = src.kind === 'demo' ? demoSource(0) : src.kind === 'zip' ? zipSource(src.name, src.bytes) : memorySource(src.name, src.files);
  const ds = await openDataset(source);
  const summary = await validateDataset(ds, (done, total) => onProgress?.({ task: 'validate', done, total, detail: ds.name }));
  const zip = src.kind === 'zip' ? src.bytes : undefined;
  const identity: DatasetIdentity = {
    name: ds.name, format: ds.format, classes: ds.classes.map((c) => c.name), trainCount: ds.train.length, valCount: ds.val.length,
    fingerprint: await fingerprint(source, zip), kept: !!zip && zip.length <= KEEP_DATASET_BYTES,
  };
  const info: DatasetInfo = {
    name: ds.name, format: ds.format, classes: ds.classes, trainCount: ds.train.length, valCount: ds.val.length,
    pixelsPerClass: summary.pixelsPerClass, imagesPerClass: summary.imagesPerClass, note: ds.note, fingerprint: identity.fingerprint,
  };
  return { ds, summary, info, identity, zip };
}
