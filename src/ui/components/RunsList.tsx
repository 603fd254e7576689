/** @file Runs saved in this browser: reopen their charts, resume, compare, delete; import a trained model to compare. */
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { DropZone, bytesOf } from './DropZone';

export function RunsList() {
  const runs = useLab((s) => s.runs);
  const state = useLab((s) => s.runState);
  const compareRunId = useLab((s) => s.compareRunId);
  const { openRun, resumeRun, deleteRun, compareWith, importRun } = useLab.getState();
  const busy = isActive(state);
  return (
    <fieldset className="runs">
      <legend>Saved runs</legend>
      {!runs.length && <p>None yet: a run is saved at every evaluation and pause.</p>}
      <ul>
        {runs.map((r) => {
          const imported = r.status === 'imported'; // no metrics and nothing to resume: compare or delete
          return (
            <li key={r.id} data-testid="saved-run">
              <span>{new Date(r.createdAt).toLocaleString()} · {r.modelName} · {r.datasetName} · {imported ? 'imported model' : `step ${r.savedStep}/${r.config.steps} · ${r.status}`}</span>
              {!imported && <button type="button" data-testid="open-run" onClick={() => openRun(r.id)}>Open</button>}
              {!imported && r.savedStep < r.config.steps && <button type="button" data-testid="resume-run" disabled={busy} onClick={() => resumeRun(r.id)}>Resume</button>}
              <button type="button" aria-pressed={compareRunId === r.id} onClick={() => compareWith(compareRunId === r.id ? undefined : r.id)}>Compare</button>
              <button type="button" disabled={busy} onClick={() => deleteRun(r.id)}>Delete</button>
            </li>
          );
        })}
      </ul>
      <DropZone label="…import a trained model (.safetensors with a seg_head) to compare" accept=".safetensors" testId="import-run"
        onFiles={async ([f]) => f && importRun(f.file.name, await bytesOf(f.file))} />
    </fieldset>
  );
}
