/** @file Runs saved in this browser: reopen their charts, resume, compare, delete. */
import { useLab } from '../lab';

export function RunsList() {
  const runs = useLab((s) => s.runs);
  const state = useLab((s) => s.runState);
  const compareRunId = useLab((s) => s.compareRunId);
  const { openRun, start, deleteRun, compareWith } = useLab.getState();
  const busy = state === 'running' || state === 'preparing' || state === 'paused';
  if (!runs.length) return null;
  return (
    <fieldset className="runs">
      <legend>Saved runs</legend>
      <ul>
        {runs.map((r) => (
          <li key={r.id} data-testid="saved-run">
            <span>{new Date(r.createdAt).toLocaleString()} · {r.modelName} · step {r.savedStep}/{r.config.steps} · {r.status}</span>
            <button type="button" onClick={() => openRun(r.id)}>Charts</button>
            {r.savedStep < r.config.steps && <button type="button" data-testid="resume-run" disabled={busy} onClick={async () => { await openRun(r.id); await start(r.id); }}>Resume</button>}
            <button type="button" aria-pressed={compareRunId === r.id} onClick={() => compareWith(compareRunId === r.id ? undefined : r.id)}>Compare</button>
            <button type="button" disabled={busy} onClick={() => deleteRun(r.id)}>Delete</button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
