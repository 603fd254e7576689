/** @file Start (the one primary button) / Pause / Resume / Stop, the step counter, and the export buttons. */
import { recipeProblems } from '../../train/recipe-check';
import { useLab } from '../lab';
import { isActive } from '../store/slices';

export function Controls() {
  const state = useLab((s) => s.runState);
  const step = useLab((s) => s.steps.at(-1)?.step ?? 0);
  const total = useLab((s) => s.config.steps);
  const ready = useLab((s) => !!s.model && !!s.dataset && !!s.backend);
  const invalid = useLab((s) => Object.keys(recipeProblems(s.config, s.model)).length > 0);
  const { start, pause, resume, stop } = useLab.getState();
  const active = isActive(state);
  const why = !ready ? 'loading the model and data…' : invalid ? 'fix the flagged recipe fields first' : undefined;
  const blocked = !ready || active || invalid;
  return (
    <div className="controls">
      {/* aria-disabled, not disabled: a disabled button loses focus (to <body>) the moment Start is pressed;
          this one keeps it, is announced as unavailable, and ignores clicks until the run ends */}
      <button type="button" className="primary" data-testid="start-training" aria-disabled={blocked}
        aria-describedby={why && !active ? 'start-why' : undefined} onClick={() => { if (!blocked) void start(); }}>Start training</button>
      {state === 'paused'
        ? <button type="button" className="secondary" data-testid="pause-training" onClick={() => resume()}>Resume</button>
        : <button type="button" className="secondary" data-testid="pause-training" disabled={state !== 'running'} onClick={() => pause()}>Pause</button>}
      <button type="button" className="secondary" data-testid="stop-training" disabled={!active || state === 'stopping'} onClick={() => stop()}>Stop</button>
      <span data-testid="step-counter" aria-live="polite" className="step-counter">step {step} / {Number.isFinite(total) ? total : '?'}</span>
      <span className="state" data-testid="run-state">{state === 'stopping' ? 'stopping…' : state}</span>
      {why && !active && <small id="start-why" className="start-why">{why}</small>}
    </div>
  );
}

/** The trained weights or the eval graph as files named after the run (not while it is being prepared). */
export function ExportButtons() {
  // a run in this session, or a saved run reopened from the list
  const hasRun = useLab((s) => (s.runState !== 'idle' && s.runState !== 'preparing') || (s.runState === 'idle' && !!s.runId));
  const exportFile = useLab((s) => s.exportFile);
  const download = async (kind: 'model' | 'onnx') => {
    const file = await exportFile(kind);
    if (!file) return; // the failure is in the alert region
    const url = URL.createObjectURL(new Blob([file.bytes as BlobPart]));
    Object.assign(document.createElement('a'), { href: url, download: file.name }).click();
    URL.revokeObjectURL(url);
  };
  return (
    <div className="exports">
      <button type="button" className="secondary" data-testid="export-model" disabled={!hasRun} onClick={() => download('model')}>Export .safetensors</button>
      <button type="button" className="secondary" data-testid="export-onnx" disabled={!hasRun} onClick={() => download('onnx')}>Export eval .onnx</button>
    </div>
  );
}
