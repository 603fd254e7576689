/**
 * @file Runs that survive a reload, in the Origin Private File System: one folder per run with
 * `config.json`, `metrics.jsonl`, and the latest checkpoint (`model.safetensors` with every
 * parameter, `optimizer.safetensors` with the AdamW moments and step). Writes go to a temporary
 * file that replaces the old one only when complete, so a crash mid-save loses nothing.
 */
import type { EvalMetric, RunSummary, StepMetric } from './api';

/** What run.json holds: the summary the UI lists. */
export type RunRecord = RunSummary;

export interface RunMetrics {
  steps: StepMetric[];
  evals: EvalMetric[];
}

async function runsRoot(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle('runs', { create: true });
}

async function writeFile(dir: FileSystemDirectoryHandle, name: string, data: BlobPart): Promise<void> {
  const tmp = `${name}.tmp`;
  const handle = await dir.getFileHandle(tmp, { create: true });
  const w = await handle.createWritable();
  await w.write(data);
  await w.close();
  // FileSystemHandle.move is the atomic rename; fall back to a plain write where it is missing.
  const movable = handle as FileSystemFileHandle & { move?: (name: string) => Promise<void> };
  if (movable.move) {
    await dir.removeEntry(name).catch(() => undefined);
    await movable.move(name);
  } else {
    const final = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await final.write(data);
    await final.close();
    await dir.removeEntry(tmp);
  }
}

async function readFile(dir: FileSystemDirectoryHandle, name: string): Promise<File | undefined> {
  try {
    return await (await dir.getFileHandle(name)).getFile();
  } catch {
    return undefined;
  }
}

export async function saveRecord(r: RunRecord): Promise<void> {
  const dir = await (await runsRoot()).getDirectoryHandle(r.id, { create: true });
  await writeFile(dir, 'run.json', JSON.stringify(r));
}

export async function saveMetrics(id: string, m: RunMetrics): Promise<void> {
  const dir = await (await runsRoot()).getDirectoryHandle(id, { create: true });
  const lines = [...m.steps.map((s) => JSON.stringify(s)), ...m.evals.map((e) => JSON.stringify(e))];
  await writeFile(dir, 'metrics.jsonl', lines.join('\n') + '\n');
}

/** The weights, and the optimizer state where there is one (an imported model has none). */
export async function saveCheckpoint(id: string, model: Uint8Array, optimizer?: Uint8Array): Promise<void> {
  const dir = await (await runsRoot()).getDirectoryHandle(id, { create: true });
  await writeFile(dir, 'model.safetensors', model as BlobPart);
  if (optimizer) await writeFile(dir, 'optimizer.safetensors', optimizer as BlobPart);
}

export async function listRuns(): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  const root = await runsRoot();
  for await (const [name, handle] of (root as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries()) {
    if (handle.kind !== 'directory') continue;
    const f = await readFile(handle as FileSystemDirectoryHandle, 'run.json');
    if (!f) continue;
    try {
      out.push(JSON.parse(await f.text()) as RunRecord);
    } catch {
      console.warn(`run ${name}: run.json is unreadable and was skipped`);
    }
  }
  return out.sort((a, b) => b.createdAt - a.createdAt);
}

export async function loadMetrics(id: string): Promise<RunMetrics> {
  const dir = await (await runsRoot()).getDirectoryHandle(id);
  const f = await readFile(dir, 'metrics.jsonl');
  const m: RunMetrics = { steps: [], evals: [] };
  for (const line of (f ? await f.text() : '').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line);
    if ('mIoU' in row) m.evals.push(row);
    else m.steps.push(row);
  }
  return m;
}

export async function loadCheckpoint(id: string): Promise<{ model: Uint8Array; optimizer?: Uint8Array } | undefined> {
  const dir = await (await runsRoot()).getDirectoryHandle(id);
  const [m, o] = await Promise.all([readFile(dir, 'model.safetensors'), readFile(dir, 'optimizer.safetensors')]);
  if (!m) return undefined;
  return { model: new Uint8Array(await m.arrayBuffer()), optimizer: o ? new Uint8Array(await o.arrayBuffer()) : undefined };
}

export async function deleteRun(id: string): Promise<void> {
  await (await runsRoot()).removeEntry(id, { recursive: true });
}
