/**
 * @file Runs saved in this browser, as a table: an editable name, progress (a running run's live
 * step), the final mIoU, what differs in its recipe from the other runs; open, resume, compare (any
 * number of runs, up to the viewer's six prediction panes), delete (after a confirmation); import a trained model to compare.
 */
import { useState } from 'react';
import type { RunSummary } from '../../worker/api';
import { useLab } from '../lab';
import { recipeDifferences, runLabel } from '../run-names';
import { formatMIoU } from '../../compare/leaderboard';
import { sameClasses } from '../../train/classes';
import { isActive } from '../store/slices';
import { ConfirmDelete } from './ConfirmDelete';
import { DropZone, bytesOf } from './DropZone';

/** The name as a text field: saved on Enter or when leaving the field; Escape restores it. */
function RunName({ run }: { run: RunSummary }) {
  const renameRun = useLab((s) => s.renameRun);
  const [draft, setDraft] = useState<string>();
  const save = async () => {
    // the typed name stays shown until the list comes back with it
    if (draft !== undefined && draft !== runLabel(run)) await renameRun(run.id, draft);
    setDraft(undefined);
  };
  return (
    <input className="run-name" data-testid="run-name" aria-label={`Name of the run from ${new Date(run.createdAt).toLocaleString()}`}
      value={draft ?? runLabel(run)} onChange={(e) => setDraft(e.target.value)} onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.currentTarget.blur();
        if (e.key === 'Escape') setDraft(undefined);
      }} />
  );
}

/** The running run's live step: its own subscription, so a training step re-renders this cell, not the whole list. */
function LiveStep({ saved }: { saved: number }) {
  return <>{useLab((s) => s.steps.at(-1)?.step) ?? saved}</>;
}

export function RunsList() {
  const runs = useLab((s) => s.runs);
  const listed = useLab((s) => s.runsLoaded);
  const state = useLab((s) => s.runState);
  const compareRunIds = useLab((s) => s.compareRunIds);
  const { openRun, resumeRun, deleteRun, toggleCompared, importRun, evaluateRunOn } = useLab.getState();
  const loaded = useLab((s) => s.dataset);
  const dataset = loaded?.name;
  // offered only where it can work: a run on other classes is refused by the worker (runs saved before identities are asked)
  const evaluable = (r: RunSummary) => !r.dataset || (!!loaded && sameClasses(r.dataset.classes, loaded.classes.map((c) => c.name)));
  const [crossing, setCrossing] = useState<string>();
  const busy = isActive(state);
  const differences = recipeDifferences(runs.filter((r) => r.status !== 'imported'));
  return (
    <fieldset className="runs">
      <legend>Saved runs</legend>
      {!listed && <p role="status">Loading saved runs…</p>}
      {listed && !runs.length && <p>None yet: a run is saved at every evaluation and pause.</p>}
      {runs.length > 0 && (
        <table className="runs-table">
          <thead>
            <tr><th scope="col">Run</th><th scope="col">Progress</th><th scope="col"><abbr title="validation mean intersection over union at the last evaluation: under the benchmark recipes the mean over all classes (absent ones score 0, as torchmetrics in the benchmark), under the demo recipe the mean over the classes present">mIoU</abbr></th></tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const imported = r.status === 'imported'; // no metrics and nothing to resume: compare or delete
              // the run training now shows its live step, not its last save
              const step = r.status === 'running' && busy ? <LiveStep saved={r.savedStep} /> : r.savedStep;
              const diff = differences.get(r.id);
              return (
                <tr key={r.id} data-testid="saved-run">
                  <td>
                    <RunName run={r} />
                    <small className="run-meta">{r.modelName} · {r.datasetName} · {new Date(r.createdAt).toLocaleString()}</small>
                    {diff && <small className="run-diff" data-testid="run-diff">{diff}</small>}
                    <span className="run-actions">
                      {!imported && <button type="button" className="secondary" data-testid="open-run" disabled={busy} onClick={() => openRun(r.id)}>Open</button>}
                      {!imported && r.savedStep > 0 && r.savedStep < r.config.steps && <button type="button" className="secondary" data-testid="resume-run" disabled={busy} onClick={() => resumeRun(r.id)}>Resume</button>}
                      {(imported || r.savedStep > 0) && <button type="button" className="secondary" aria-pressed={compareRunIds.includes(r.id)} onClick={() => toggleCompared(r.id)}>Compare</button>}
                      {dataset && r.datasetName !== dataset && evaluable(r) && (
                        // cross-dataset evaluation: the run scored on the loaded dataset (same classes), for the leaderboard
                        <button type="button" className="secondary" data-testid="evaluate-run-on" disabled={busy || crossing !== undefined}
                          onClick={async () => { setCrossing(r.id); await evaluateRunOn(r.id); setCrossing(undefined); }}>
                          {crossing === r.id ? `Evaluating on ${dataset}…` : `Evaluate on ${dataset}`}
                        </button>
                      )}
                      <ConfirmDelete what={`“${runLabel(r)}”`} disabled={busy} onDelete={() => deleteRun(r.id)} />
                    </span>
                    {r.crossDataset && <small className="run-meta" data-testid="run-cross">on {r.crossDataset.dataset}: {formatMIoU(r.crossDataset.mIoU)} mIoU</small>}
                  </td>
                  <td className="run-progress">{imported ? 'imported model' : <>step {step}/{r.config.steps} · {r.status}</>}</td>
                  <td className="run-miou" data-testid="run-miou">{formatMIoU(r.mIoU)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <DropZone label="…import a trained model (.safetensors with a seg_head) to compare" accept=".safetensors" testId="import-run"
        onFiles={async ([f]) => f && importRun(f.file.name, await bytesOf(f.file))} />
    </fieldset>
  );
}
