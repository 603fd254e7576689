/**
 * @file Runs that survive a reload: one folder per run (OPFS in the browser). A save never
 * touches what the previous save wrote: the weights and optimizer state go to new files, the new
 * metric rows are appended, and only then a small manifest naming that one consistent step
 * (model, optimizer, metrics length) is written — into the other of two manifest slots, so a
 * crash at any point leaves the previous manifest, and everything it names, intact.
 *
 *   run.json                  what the run is (identity, recipe, status)
 *   manifest-0/1.json         the latest consistent save: {seq, step, model, optimizer, metricsBytes}
 *   model-<seq>.safetensors   every parameter, with the metadata predicting needs
 *   optimizer-<seq>.safetensors  AdamW moments and step
 *   metrics.jsonl             append-only; rows past the manifest's metricsBytes are ignored
 *   dataset.zip               a small dataset kept with the run (optional)
 *   name.txt                  the name the user gave the run (optional; its own file, so the
 *                             run's status saves, which rewrite run.json, never undo a rename)
 *   cross.json                cross-dataset evaluations of the saved checkpoint, by dataset
 *                             fingerprint (optional)
 */
import type { CrossEvalResult, EvalMetric, RunSummary, StepMetric } from './api';
import type { Folder, FolderRoot } from './folders';

/** What run.json holds: the summary the UI lists (`savedStep` comes from the manifest). */
export type RunRecord = RunSummary;
export type MetricRow = StepMetric | EvalMetric;

/** One cross-dataset evaluation, as cross.json keeps it: of the checkpoint saved at `step`, at time `at`. */
export interface CrossEntry extends CrossEvalResult {
  fingerprint: string;
  step: number;
  at: number;
}

export interface RunMetrics {
  steps: StepMetric[];
  evals: EvalMetric[];
}

interface Manifest {
  seq: number;
  step: number;
  model: string;
  optimizer?: string;
  metricsBytes: number;
  metricsRows: number;
}

export interface SavedCheckpoint {
  step: number;
  model: Uint8Array;
  optimizer?: Uint8Array;
}

/** Thrown when the browser's storage cannot hold the next save; the previous save stays. */
export class StorageFullError extends Error {}

const SLOTS = ['manifest-0.json', 'manifest-1.json'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (v: unknown) => encoder.encode(JSON.stringify(v));

/** How a run is named to its user (the page's runs list, messages): the name given, else model · dataset. */
export const runName = (r: Pick<RunSummary, 'name' | 'modelName' | 'datasetName'>): string => r.name ?? `${r.modelName} · ${r.datasetName}`;

export function formatSize(bytes: number): string {
  return bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

/**
 * A run saved before manifests existed (model.safetensors, optimizer.safetensors, metrics.jsonl
 * rewritten whole, the step in run.json): read as it is; its next save writes a manifest.
 */
async function legacyManifest(f: Folder): Promise<Manifest | undefined> {
  const [record, model] = [await f.read('run.json'), (await f.list()).find((e) => e.name === 'model.safetensors')];
  if (!record || !model) return undefined;
  const step = (JSON.parse(decoder.decode(record)) as { savedStep?: number }).savedStep ?? 0;
  const metrics = await f.read('metrics.jsonl');
  const optimizer = (await f.read('optimizer.safetensors')) ? 'optimizer.safetensors' : undefined;
  const rows = metrics ? decoder.decode(metrics).split('\n').filter((l) => l.trim()).length : 0;
  return { seq: 0, step, model: 'model.safetensors', optimizer, metricsBytes: metrics?.length ?? 0, metricsRows: rows };
}

export class RunStore {
  /** Each run's last mIoU and the save it was read from (listing runs parses metrics.jsonl again only after a save). */
  private readonly lastScores = new Map<string, { seq: number; metricsBytes: number; mIoU?: number }>();

  constructor(private readonly root: FolderRoot) {}

  private async folder(id: string): Promise<Folder> {
    const f = await this.root.folder(id);
    if (!f) throw new Error(`run ${id} is not saved in this browser (it may have been deleted)`);
    return f;
  }

  /** The newest readable manifest slot (a torn or missing slot is skipped). */
  private async manifest(f: Folder): Promise<Manifest | undefined> {
    let best: Manifest | undefined;
    for (const slot of SLOTS) {
      const bytes = await f.read(slot);
      if (!bytes) continue;
      try {
        const m = JSON.parse(decoder.decode(bytes)) as Manifest;
        if (!best || m.seq > best.seq) best = m;
      } catch {
        // a slot cut off mid-write: the other slot holds the previous save
      }
    }
    return best ?? (await legacyManifest(f));
  }

  async saveRecord(r: RunRecord): Promise<void> {
    const f = (await this.root.folder(r.id, true))!;
    await f.write('run.json', json(r)); // its savedStep is only a hint: the manifest's step wins
  }

  async record(id: string): Promise<RunRecord | undefined> {
    const f = await this.root.folder(id);
    const bytes = await f?.read('run.json');
    // empty: a new run's folder whose first run.json is not committed yet (OPFS creates the file first)
    if (!f || !bytes?.length) return undefined;
    // name.txt alone names the run: a resumed run's run.json may carry the name it had then
    const { name: _stale, ...r } = JSON.parse(decoder.decode(bytes)) as RunRecord;
    const name = await f.read('name.txt');
    return { ...r, savedStep: (await this.manifest(f))?.step ?? 0, ...(name ? { name: decoder.decode(name) } : {}) };
  }

  /** Names the run (an empty name goes back to the default: model · dataset). */
  async rename(id: string, name: string): Promise<void> {
    const f = await this.folder(id);
    const trimmed = name.trim().slice(0, 120);
    if (trimmed) await f.write('name.txt', encoder.encode(trimmed));
    else await f.remove('name.txt');
  }

  /**
   * Saves one consistent step. `rows` are all of the run's metric rows so far, in order; only
   * those past the previous save are written. Checks the storage quota first.
   */
  async save(id: string, s: { step: number; model: Uint8Array; optimizer?: Uint8Array; rows: MetricRow[] }): Promise<void> {
    const f = (await this.root.folder(id, true))!;
    const old = await this.manifest(f);
    const fresh = s.rows.slice(old?.metricsRows ?? 0);
    const appended = encoder.encode(fresh.map((r) => JSON.stringify(r) + '\n').join(''));
    const need = s.model.length + (s.optimizer?.length ?? 0) + appended.length + 1024;
    const space = await this.root.estimate();
    if (space && space.quota - space.usage < need) {
      throw new StorageFullError(
        `Not enough browser storage to save run ${id} at step ${s.step}: it needs ${formatSize(need)}, ${formatSize(Math.max(0, space.quota - space.usage))} is free. ` +
        'Delete saved runs or cached models (Storage panel); the previous save is kept.');
    }
    const seq = (old?.seq ?? 0) + 1;
    const m: Manifest = {
      seq, step: s.step, model: `model-${seq}.safetensors`, optimizer: s.optimizer ? `optimizer-${seq}.safetensors` : undefined,
      metricsBytes: (old?.metricsBytes ?? 0) + appended.length, metricsRows: (old?.metricsRows ?? 0) + fresh.length,
    };
    await f.write(m.model, s.model);
    if (m.optimizer) await f.write(m.optimizer, s.optimizer!);
    await f.writeAt('metrics.jsonl', old?.metricsBytes ?? 0, appended);
    await f.write(SLOTS[seq % 2], json(m)); // the swap: from here on this step is the run's save
    // files of earlier saves (or of a save that never reached its manifest) are garbage now
    for (const { name } of await f.list()) {
      if (/^(model|optimizer)(-\d+)?\.safetensors$/.test(name) && name !== m.model && name !== m.optimizer) await f.remove(name);
    }
  }

  async loadCheckpoint(id: string): Promise<SavedCheckpoint | undefined> {
    const f = await this.folder(id);
    for (;;) {
      const m = await this.manifest(f);
      if (!m) return undefined;
      const [model, optimizer] = [await f.read(m.model), m.optimizer ? await f.read(m.optimizer) : undefined];
      if (model && (!m.optimizer || optimizer)) return { step: m.step, model, optimizer };
      // a save of the run (still training) may have replaced these files while they were read: its newer save is read
      if ((await this.manifest(f))?.seq !== m.seq) continue;
      throw new Error(`run ${id}: its saved ${model ? `optimizer state (${m.optimizer})` : `model (${m.model})`} is missing`);
    }
  }

  /** The metric rows of the latest save, in order (rows a half-done save appended are left out). */
  async loadRows(id: string): Promise<MetricRow[]> {
    const f = await this.folder(id);
    return this.rows(f, await this.manifest(f));
  }

  private async rows(f: Folder, m: Manifest | undefined): Promise<MetricRow[]> {
    const bytes = await f.read('metrics.jsonl');
    if (!m || !bytes) return [];
    return decoder.decode(bytes.subarray(0, m.metricsBytes)).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as MetricRow);
  }

  async loadMetrics(id: string): Promise<RunMetrics> {
    const rows = await this.loadRows(id);
    return { steps: rows.filter((r): r is StepMetric => !('mIoU' in r)), evals: rows.filter((r): r is EvalMetric => 'mIoU' in r) };
  }

  /**
   * The mIoU of the last evaluation in the run's latest save (undefined: none), for the runs list.
   * A save is append-only and names its metrics' length in a new manifest, so the value read once
   * holds until the manifest changes: metrics.jsonl is parsed once per save, not once per listing.
   */
  async lastMIoU(id: string): Promise<number | undefined> {
    const f = await this.folder(id);
    const m = await this.manifest(f);
    const hit = this.lastScores.get(id);
    if (m && hit?.seq === m.seq && hit.metricsBytes === m.metricsBytes) return hit.mIoU;
    const rows = await this.rows(f, m);
    const mIoU = rows.findLast((r): r is EvalMetric => 'mIoU' in r)?.mIoU;
    if (m) this.lastScores.set(id, { seq: m.seq, metricsBytes: m.metricsBytes, mIoU });
    return mIoU;
  }

  /** Records a cross-dataset evaluation (replacing an earlier one on the same dataset). */
  async saveCross(id: string, entry: CrossEntry): Promise<void> {
    const all = await this.loadCross(id);
    await (await this.folder(id)).write('cross.json', json({ ...all, [entry.fingerprint]: entry }));
  }

  /** The run's cross-dataset evaluations by dataset fingerprint (none: {}). */
  async loadCross(id: string): Promise<Record<string, CrossEntry>> {
    const bytes = await (await this.folder(id)).read('cross.json');
    return bytes ? (JSON.parse(decoder.decode(bytes)) as Record<string, CrossEntry>) : {};
  }

  async keepDataset(id: string, zip: Uint8Array): Promise<void> {
    await (await this.folder(id)).write('dataset.zip', zip);
  }

  async keptDataset(id: string): Promise<Uint8Array | undefined> {
    return (await this.folder(id)).read('dataset.zip');
  }

  async listRuns(): Promise<RunRecord[]> {
    const out: RunRecord[] = [];
    for (const id of await this.root.folders()) {
      try {
        const r = await this.record(id);
        if (r) out.push(r);
      } catch {
        console.warn(`run ${id}: run.json is unreadable and was skipped`);
      }
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Bytes each run takes, for the storage panel. */
  async sizes(): Promise<{ id: string; bytes: number }[]> {
    const out: { id: string; bytes: number }[] = [];
    for (const id of await this.root.folders()) {
      const f = await this.root.folder(id);
      out.push({ id, bytes: (await f?.list() ?? []).reduce((s, e) => s + e.size, 0) });
    }
    return out;
  }

  estimate(): Promise<{ usage: number; quota: number } | undefined> {
    return this.root.estimate();
  }

  async deleteRun(id: string): Promise<void> {
    this.lastScores.delete(id);
    await this.root.removeFolder(id);
  }
}
