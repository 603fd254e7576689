/**
 * @file The benchmark queue panel: pick several backbones (the demo, presets, dropped checkpoints),
 * train them one after the other on the loaded dataset with the current recipe, with a progress
 * bar and an ETA for the whole queue; a queue interrupted by a reload can be continued.
 */
import { useEffect, useMemo, useState } from 'react';
import { PRESETS } from '../../model/presets';
import type { StepMetric } from '../../worker/api';
import { createQueue, nextEntry, queueEta, queueFileProblem, queueProgress, type BenchmarkQueue, type QueueModel } from '../../worker/queue';
import { bytesOf, DropZone } from '../components/DropZone';
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { droppedFiles, queueDeps, QUEUE_KEY } from './queue-driver';

type Pick = { name: string; model: QueueModel };

const NO_STEPS: StepMetric[] = [];
const duration = (s: number) => (s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`);

export function QueuePanel() {
  const runState = useLab((s) => s.runState);
  const dataset = useLab((s) => s.dataset?.name);
  const fingerprint = useLab((s) => s.dataset?.fingerprint);
  // the steps only feed the queue's ETA: while no queue runs, a training step does not re-render the panel
  const steps = useLab((s) => (s.queueRunning ? s.steps : NO_STEPS));
  const [picked, setPicked] = useState<Pick[]>([]);
  const queue = useLab((s) => s.queue);
  const error = useLab((s) => s.queueError);
  const running = useLab((s) => s.queueRunning);
  // the queue a reload interrupted (kept in localStorage by the driver after every change)
  useEffect(() => useLab.getState().restoreQueue(localStorage.getItem(QUEUE_KEY), `localStorage ${QUEUE_KEY}`), []);
  const toggle = (p: Pick) => setPicked((all) => (all.some((x) => x.name === p.name) ? all.filter((x) => x.name !== p.name) : [...all, p]));
  const current = useMemo(() => ({ step: steps.at(-1)?.step ?? 0, seconds: steps.reduce((t, s) => t + s.ms, 0) / 1000 }), [steps]);

  const go = (q: BenchmarkQueue) => useLab.getState().runBenchmark(q, queueDeps(useLab, localStorage));
  const start = () => {
    const { config } = useLab.getState();
    try {
      void go(createQueue(dataset ?? '?', config, picked, fingerprint));
    } catch (e) {
      useLab.getState().reportError(e);
    }
  };

  const busy = running || isActive(runState);
  const eta = queue && running ? queueEta(queue, current) : undefined;
  return (
    <fieldset className="queue" data-testid="queue">
      <legend>Benchmark queue</legend>
      <p>Train several models one after the other on {dataset ?? 'the dataset'} with the recipe above.</p>
      <label className="check"><input type="checkbox" data-testid="queue-demo" checked={picked.some((p) => p.model.kind === 'demo')}
        onChange={() => toggle({ name: 'demo', model: { kind: 'demo' } })} /> embedded demo model</label>
      <details>
        <summary>Vision foundation models</summary>
        {PRESETS.filter((p) => !p.unavailable).map((p) => (
          <label key={p.name} className="check"><input type="checkbox" checked={picked.some((x) => x.name === p.name)}
            onChange={() => toggle({ name: p.name, model: { kind: 'preset', name: p.name } })} /> {p.name}</label>
        ))}
      </details>
      <DropZone label="…add a checkpoint (.safetensors)" accept=".safetensors" testId="queue-file" onFiles={async ([f]) => {
        if (!f) return;
        const bytes = await bytesOf(f.file);
        const problem = queueFileProblem(f.file.name, bytes);
        if (problem) return useLab.getState().reportError(new Error(problem));
        const key = `${Date.now()}:${f.file.name}`;
        droppedFiles.set(key, bytes);
        toggle({ name: f.file.name, model: { kind: 'file', name: f.file.name, key } });
      }} />
      {picked.length > 0 && <p data-testid="queue-picked">Queued: {picked.map((p) => p.name).join(', ')}</p>}
      <button type="button" data-testid="queue-start" disabled={busy || picked.length === 0} onClick={start}>
        Train {picked.length} model{picked.length === 1 ? '' : 's'}
      </button>
      {error && <p role="alert">{error}</p>}
      {queue && (
        <>
          <progress data-testid="queue-progress" max={1} value={queueProgress(queue, running ? current : undefined)} />
          {eta !== undefined && <span> about {duration(eta)} left</span>}
          <ol>
            {queue.entries.map((e) => (
              <li key={e.name} data-testid="queue-entry">{e.name}: {e.status}{e.error ? ` — ${e.error}` : ''}</li>
            ))}
          </ol>
          {!running && nextEntry(queue) >= 0 && (
            <button type="button" data-testid="queue-continue" disabled={busy} onClick={() => void go(queue)}>Continue the queue</button>
          )}
        </>
      )}
    </fieldset>
  );
}
