/** The run store on memory folders: consistent saves, recovery from a save cut off anywhere, quota. */
import { describe, expect, it, vi } from 'vitest';
import type { RunSummary } from './api';
import { RunStore, StorageFullError, type MetricRow } from './runs';
import { MemoryRoot } from './testing/memory-folders';

const record: RunSummary = {
  id: 'run-a', createdAt: 1, modelName: 'm', datasetName: 'd', savedStep: 0, status: 'running',
  config: { recipe: 'demo', steps: 30, batch: 1, accum: 1, crop: 16, lrHead: 1, lrEncoder: 1, weightDecay: 0, schedule: 'poly', freeze: 'none', augment: false, shuffle: false, seed: 0, evalEvery: 10 },
};
const rowsTo = (n: number): MetricRow[] => Array.from({ length: n }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), lrHead: 1, lrEncoder: 1, ms: 1 }));
const bytes = (step: number, n = 100) => new Uint8Array(n).fill(step);

async function savedAt10() {
  const root = new MemoryRoot();
  const store = new RunStore(root);
  await store.saveRecord(record);
  await store.save(record.id, { step: 10, model: bytes(10), optimizer: bytes(110), rows: rowsTo(10) });
  return { root, store };
}

describe('RunStore', () => {
  it('a save names one consistent step; metrics are appended, not rewritten; older files are removed', async () => {
    const { root, store } = await savedAt10();
    const metricsAt10 = root.files.get('run-a')!.get('metrics.jsonl')!;
    await store.save(record.id, { step: 20, model: bytes(20), optimizer: bytes(120), rows: rowsTo(20) });
    expect(await store.loadCheckpoint(record.id)).toEqual({ step: 20, model: bytes(20), optimizer: bytes(120) });
    expect((await store.loadRows(record.id)).map((r) => r.step)).toEqual(rowsTo(20).map((r) => r.step));
    const metricsAt20 = root.files.get('run-a')!.get('metrics.jsonl')!;
    expect(metricsAt20.subarray(0, metricsAt10.length)).toEqual(metricsAt10); // the first ten rows are untouched
    expect([...root.files.get('run-a')!.keys()].filter((k) => k.endsWith('.safetensors')).sort()).toEqual(['model-2.safetensors', 'optimizer-2.safetensors']);
    expect((await store.listRuns())[0]).toMatchObject({ id: 'run-a', savedStep: 20 });
  });

  it('a save cut off at any write leaves the previous save whole, and the next save succeeds', async () => {
    for (let failAt = 0; failAt < 4; failAt++) {
      const { root, store } = await savedAt10();
      root.failAfter = failAt;
      await expect(store.save(record.id, { step: 20, model: bytes(20), optimizer: bytes(120), rows: rowsTo(20) })).rejects.toThrow(/simulated crash/);
      expect(await store.loadCheckpoint(record.id)).toEqual({ step: 10, model: bytes(10), optimizer: bytes(110) });
      expect((await store.loadRows(record.id)).length).toBe(10);
      await store.save(record.id, { step: 30, model: bytes(30), optimizer: bytes(130), rows: rowsTo(30) });
      expect(await store.loadCheckpoint(record.id)).toEqual({ step: 30, model: bytes(30), optimizer: bytes(130) });
      expect((await store.loadRows(record.id)).map((r) => r.step)).toEqual(rowsTo(30).map((r) => r.step)); // no row twice
    }
  });

  it('refuses a save the quota cannot hold, naming the run and the space, and keeps the previous save', async () => {
    const { root, store } = await savedAt10();
    root.quota = root.usage() + 2000;
    await expect(store.save(record.id, { step: 20, model: bytes(20, 5000), optimizer: bytes(120), rows: rowsTo(20) }))
      .rejects.toThrow(StorageFullError);
    await expect(store.save(record.id, { step: 20, model: bytes(20, 5000), optimizer: bytes(120), rows: rowsTo(20) }))
      .rejects.toThrow(/save run run-a at step 20: it needs [0-9.]+ KB, 2\.0 KB is free/);
    expect((await store.loadCheckpoint(record.id))?.step).toBe(10);
  });

  it('a run saved before manifests existed is read as it was, and its next save moves it to the new layout', async () => {
    const root = new MemoryRoot();
    const store = new RunStore(root);
    const folder = (await root.folder('run-a', true))!;
    const enc = new TextEncoder();
    await folder.write('run.json', enc.encode(JSON.stringify({ ...record, savedStep: 10, status: 'paused' })));
    await folder.write('model.safetensors', bytes(10));
    await folder.write('optimizer.safetensors', bytes(110));
    await folder.write('metrics.jsonl', enc.encode(rowsTo(10).map((r) => JSON.stringify(r) + '\n').join('')));
    expect((await store.listRuns())[0]).toMatchObject({ savedStep: 10, status: 'paused' });
    expect(await store.loadCheckpoint('run-a')).toEqual({ step: 10, model: bytes(10), optimizer: bytes(110) });
    await store.save('run-a', { step: 20, model: bytes(20), optimizer: bytes(120), rows: rowsTo(20) });
    expect((await store.loadRows('run-a')).length).toBe(20);
    expect([...root.files.get('run-a')!.keys()].filter((k) => k.endsWith('.safetensors')).sort()).toEqual(['model-1.safetensors', 'optimizer-1.safetensors']);
  });

  it('a rename survives the run\'s own status saves and a reload; an empty name restores the default', async () => {
    const { root, store } = await savedAt10();
    await store.rename(record.id, '  DINOv2, lr 1e-4  ');
    await store.saveRecord({ ...record, status: 'paused' }); // what the run writes when it pauses
    expect(await new RunStore(root).record(record.id)).toMatchObject({ name: 'DINOv2, lr 1e-4', status: 'paused', savedStep: 10 });
    await store.rename(record.id, ' ');
    expect((await store.listRuns())[0].name).toBeUndefined();
    // a resumed run writes back the record it read, name and all: name.txt still decides
    await store.rename(record.id, 'first name');
    await store.saveRecord({ ...(await store.record(record.id))!, status: 'running' });
    await store.rename(record.id, '');
    expect((await store.record(record.id))!.name).toBeUndefined();
  });

  it('a checkpoint read while a newer save replaces its files gives the newer save, not a missing file', async () => {
    const { root, store } = await savedAt10();
    const folder = root.folder.bind(root);
    const unhooked: MemoryRoot = Object.assign(Object.create(root) as MemoryRoot, { folder }); // the training side's view
    let saving = true;
    root.folder = async (id, create) => {
      const f = await folder(id, create);
      return f && {
        ...f,
        read: async (name: string) => {
          // the run saves step 20 (and removes model-1) between the manifest read and the model read
          if (name === 'model-1.safetensors' && saving) {
            saving = false;
            await new RunStore(unhooked).save(record.id, { step: 20, model: bytes(20), optimizer: bytes(120), rows: rowsTo(20) });
          }
          return f.read(name);
        },
      };
    };
    expect(await store.loadCheckpoint(record.id)).toEqual({ step: 20, model: bytes(20), optimizer: bytes(120) });
  });

  it('a run whose first run.json is still empty (being written) is not listed yet, without a warning', async () => {
    const root = new MemoryRoot();
    const store = new RunStore(root);
    await store.saveRecord(record);
    (await root.folder('run-b', true))!.write('run.json', new Uint8Array(0));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await store.listRuns()).map((r) => r.id)).toEqual(['run-a']);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("the runs list's last mIoU parses metrics.jsonl once per save: listing again reads it no more, a new save is seen", async () => {
    const root = new MemoryRoot();
    let reads = 0;
    const folder = root.folder.bind(root);
    root.folder = async (id, create) => {
      const f = await folder(id, create);
      return f && { ...f, read: (name: string) => ((reads += name === 'metrics.jsonl' ? 1 : 0), f.read(name)) };
    };
    const store = new RunStore(root);
    await store.saveRecord(record);
    const at10: MetricRow[] = [...rowsTo(10), { step: 10, mIoU: 0.4, perClassIoU: [] }];
    await store.save(record.id, { step: 10, model: bytes(10), rows: at10 });
    reads = 0;
    expect(await store.lastMIoU(record.id)).toBe(0.4);
    expect(await store.lastMIoU(record.id)).toBe(0.4);
    expect(reads).toBe(1);
    // a new save: read again, and its evaluation is the one listed
    const at20: MetricRow[] = [...at10, ...rowsTo(20).slice(10), { step: 20, mIoU: 0.6, perClassIoU: [] }];
    await store.save(record.id, { step: 20, model: bytes(20), rows: at20 });
    reads = 0;
    expect(await store.lastMIoU(record.id)).toBe(0.6);
    expect(await store.lastMIoU(record.id)).toBe(0.6);
    expect(reads).toBe(1);
    expect((await store.loadMetrics(record.id)).evals.at(-1)?.mIoU).toBe(0.6); // the same as the whole file says
    // rows a half-done save appended (no manifest names them) are not listed
    const metrics = root.files.get(record.id)!.get('metrics.jsonl')!;
    await (await root.folder(record.id))!.writeAt('metrics.jsonl', metrics.length, new TextEncoder().encode('{"step":30,"mIoU":0.9,"perClassIoU":[]}\n'));
    expect(await store.lastMIoU(record.id)).toBe(0.6);
    expect(await new RunStore(root).lastMIoU(record.id)).toBe(0.6);
  });
});
