/**
 * @file The benchmark queue: several backbones, one dataset, one recipe, trained one after the
 * other, each saved as an ordinary run. The queue is plain data (saved as JSON after every change,
 * so a reload finds it) and a driver, `runQueue`, that starts or resumes each entry through
 * injected functions — the page's store in the app, fakes in tests. Pure: no DOM, no worker.
 *
 * An entry that was running when the page went away is resumed from its saved run (its id is
 * recorded as soon as the run exists); a run that fails is recorded with its message and the
 * queue goes on (a backbone that diverges is a result too); a run the user stops halts the queue,
 * and so does a queue that cannot go on yet (its dataset is not loaded): it says what it needs.
 */
import { z } from 'zod';
import { RECIPE_SHAPE } from '../train/recipe-schema';
import type { TrainConfig } from './api';

/** A model the queue can load again after a reload (dropped files live on under a storage key the page owns). */
export type QueueModel = { kind: 'demo' } | { kind: 'preset'; name: string } | { kind: 'file'; name: string; key: string };

export type EntryStatus = 'waiting' | 'running' | 'done' | 'failed';

export interface QueueEntry {
  /** The name the leaderboard shows. */
  name: string;
  model: QueueModel;
  status: EntryStatus;
  /** The saved run, once it exists. */
  runId?: string;
  /** Why it failed. */
  error?: string;
  /** Seconds it trained (finished entries; a resumed one since its resume), for the ETA. */
  seconds?: number;
}

export interface BenchmarkQueue {
  version: 1;
  /** The dataset's name, as the queue asks for it. */
  dataset: string;
  /** The dataset's fingerprint (`DatasetInfo.fingerprint`): every entry trains on exactly this one (absent in queues saved before it was recorded). */
  fingerprint?: string;
  config: TrainConfig;
  entries: QueueEntry[];
}

/** How a started run ended, as the store sees it. */
export type RunOutcome = { state: 'finished' } | { state: 'stopped' } | { state: 'error'; message: string };

export interface QueueDeps {
  /** Why the entry cannot start or resume now (e.g. the queue's dataset is not loaded), in words that say what to do; undefined: it can. */
  blocked?(q: BenchmarkQueue, entry: QueueEntry): Promise<string | undefined>;
  /**
   * Starts the entry's run (a new one, or `resumeRunId` again); calls `onRunId` as soon as the run
   * is saved under an id; resolves when the run ends.
   */
  run(entry: QueueEntry, config: TrainConfig, onRunId: (id: string) => Promise<void>, resumeRunId?: string): Promise<RunOutcome>;
  /** Writes the queue where a reload finds it. */
  save(q: BenchmarkQueue): Promise<void>;
  /** Seconds, monotonic. */
  now(): number;
}

/**
 * Why a file dropped into the queue cannot be one of its models, checked when it is added (not
 * when its turn comes, after the models before it have trained): the name and the safetensors
 * header (8-byte length, then a JSON object). Reads only the header: cheap on the page's thread.
 */
export function queueFileProblem(name: string, bytes: Uint8Array): string | undefined {
  const refuse = (why: string) => `${name} cannot join the queue: ${why}. The queue takes checkpoints as .safetensors files (timm key names).`;
  if (!name.toLowerCase().endsWith('.safetensors')) return refuse('it is not a .safetensors file');
  const length = bytes.length >= 8 ? Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)) : 0;
  if (length < 2 || 8 + length > bytes.length) return refuse('its safetensors header is missing or cut off');
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return refuse('its safetensors header is not a JSON object');
  } catch {
    return refuse('its safetensors header is not JSON');
  }
  return undefined;
}

export function createQueue(dataset: string, config: TrainConfig, models: { name: string; model: QueueModel }[], fingerprint?: string): BenchmarkQueue {
  if (models.length < 1) throw new Error('a benchmark queue needs at least one model');
  const seen = new Set<string>();
  for (const m of models) {
    if (seen.has(m.name)) throw new Error(`two models in the queue are named "${m.name}"; rename one`);
    seen.add(m.name);
  }
  return { version: 1, dataset, ...(fingerprint ? { fingerprint } : {}), config, entries: models.map((m) => ({ ...m, status: 'waiting' })) };
}

/** The entry to work on next: one interrupted while running (resumed), else the first waiting; -1 when none. */
export function nextEntry(q: BenchmarkQueue): number {
  const running = q.entries.findIndex((e) => e.status === 'running');
  return running >= 0 ? running : q.entries.findIndex((e) => e.status === 'waiting');
}

const withEntry = (q: BenchmarkQueue, i: number, patch: Partial<QueueEntry>): BenchmarkQueue =>
  ({ ...q, entries: q.entries.map((e, k) => (k === i ? { ...e, ...patch } : e)) });

/** The running entry's place in its run, for progress and ETA. */
export interface Current {
  step: number;
  /** Seconds it has trained so far. */
  seconds: number;
}

/** The queue's share done (0…1): finished and failed entries count whole, the running one by its step. */
export function queueProgress(q: BenchmarkQueue, current?: Current): number {
  const closed = q.entries.filter((e) => e.status === 'done' || e.status === 'failed').length;
  const partial = current && q.entries.some((e) => e.status === 'running') ? Math.min(1, current.step / q.config.steps) : 0;
  return (closed + partial) / q.entries.length;
}

/**
 * Seconds left: the running entry extrapolated from its own pace, the waiting ones (and a running
 * one without a step yet) at the mean time of the entries measured so far (finished ones and the
 * running one's extrapolation).
 * Undefined until something has been measured.
 */
export function queueEta(q: BenchmarkQueue, current?: Current): number | undefined {
  const measured = q.entries.filter((e) => e.status === 'done' && e.seconds !== undefined).map((e) => e.seconds!);
  const running = q.entries.some((e) => e.status === 'running');
  const spent = running ? current?.seconds ?? 0 : 0;
  const runningTotal = running && current && current.step > 0 ? (current.seconds * q.config.steps) / current.step : undefined;
  if (runningTotal !== undefined) measured.push(runningTotal);
  if (!measured.length) return undefined;
  const mean = measured.reduce((a, b) => a + b, 0) / measured.length;
  const waiting = q.entries.filter((e) => e.status === 'waiting').length;
  // a running entry without a step yet is expected to take the mean, like a waiting one
  return Math.max(0, (runningTotal ?? (running ? mean : 0)) - spent) + waiting * mean;
}

/**
 * Works through the queue until every entry is done or failed (→ 'finished'), the user stops a
 * run (→ 'stopped', that entry stays 'running' and resumes next time), or the next entry is
 * blocked (→ 'blocked' with why; nothing about the entry changes). Saves after every change.
 */
export async function runQueue(start: BenchmarkQueue, deps: QueueDeps, onChange?: (q: BenchmarkQueue) => void):
Promise<{ queue: BenchmarkQueue; state: 'finished' | 'stopped' } | { queue: BenchmarkQueue; state: 'blocked'; message: string }> {
  let q = start;
  const commit = async (next: BenchmarkQueue) => {
    q = next;
    onChange?.(q);
    await deps.save(q);
  };
  for (let i = nextEntry(q); i >= 0; i = nextEntry(q)) {
    const resumeRunId = q.entries[i].status === 'running' ? q.entries[i].runId : undefined;
    const message = await deps.blocked?.(q, q.entries[i]);
    if (message) return { queue: q, state: 'blocked', message };
    const index = i;
    await commit(withEntry(q, index, { status: 'running' }));
    const started = deps.now();
    const outcome = await deps.run(q.entries[index], q.config, (id) => commit(withEntry(q, index, { runId: id })), resumeRunId);
    if (outcome.state === 'stopped') return { queue: q, state: 'stopped' };
    const seconds = deps.now() - started;
    await commit(withEntry(q, index, outcome.state === 'finished' ? { status: 'done', seconds } : { status: 'failed', error: outcome.message }));
  }
  return { queue: q, state: 'finished' };
}

// the recipe schema's fields (a queue saved before recipes follows the demo's rules, as such runs do)
const CONFIG = z.object(RECIPE_SHAPE).passthrough();
const QUEUE = z.object({
  version: z.literal(1),
  dataset: z.string(),
  fingerprint: z.string().optional(),
  config: CONFIG,
  entries: z.array(z.object({
    name: z.string().min(1),
    model: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('demo') }), z.object({ kind: z.literal('preset'), name: z.string() }),
      z.object({ kind: z.literal('file'), name: z.string(), key: z.string() }),
    ]),
    status: z.enum(['waiting', 'running', 'done', 'failed']),
    runId: z.string().optional(), error: z.string().optional(), seconds: z.number().min(0).optional(),
  })).min(1),
});

/** A saved queue read back (after a reload); a damaged one is refused with what is wrong, naming where it came from. */
export function parseQueue(text: string, where: string): BenchmarkQueue {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${where}: the saved benchmark queue is not valid JSON`);
  }
  const r = QUEUE.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${where}: the saved benchmark queue is damaged — ${issue.path.join('.') || 'the file'}: ${issue.message}`);
  }
  return r.data as BenchmarkQueue;
}
