import { useLab } from '../lab';
import { isActive } from '../store/slices';

/** Start / Pause / Resume / Stop, the step counter and export buttons. */
export function Controls() {
  const state = useLab((s) => s.runState);
  const step = useLab((s) => s.steps.at(-1)?.step ?? 0);
  const total = useLab((s) => s.config.steps);
  const ready = useLab((s) => !!s.model && !!s.dataset && !!s.backend);
  const { start, pause, resume, stop } = useLab.getState();
  const active = isActive(state);
  return (
    <div className="controls">
      <button type="button" data-testid="start-training" disabled={!ready || active} onClick={() => start()}>Start</button>
      {state === 'paused'
        ? <button type="button" data-testid="pause-training" onClick={() => resume()}>Resume</button>
        : <button type="button" data-testid="pause-training" disabled={state !== 'running'} onClick={() => pause()}>Pause</button>}
      <button type="button" data-testid="stop-training" disabled={!active || state === 'stopping'} onClick={() => stop()}>Stop</button>
      <span data-testid="step-counter" aria-live="polite" className="step-counter">step {step} / {total}</span>
      <span className="state" data-testid="run-state">{state === 'stopping' ? 'stopping…' : state}</span>
      <ExportButtons />
    </div>
  );
}

function ExportButtons() {
  // a run in this session, or a saved run reopened from the list
  const hasRun = useLab((s) => s.runState !== 'idle' || !!s.runId);
  const exportFile = useLab((s) => s.exportFile);
  const download = async (kind: 'model' | 'onnx') => {
    const file = await exportFile(kind);
    if (!file) return; // the failure is in the alert region
    const url = URL.createObjectURL(new Blob([file.bytes as BlobPart]));
    Object.assign(document.createElement('a'), { href: url, download: file.name }).click();
    URL.revokeObjectURL(url);
  };
  return (
    <span className="exports">
      <button type="button" disabled={!hasRun} onClick={() => download('model')}>Export .safetensors</button>
      <button type="button" disabled={!hasRun} onClick={() => download('onnx')}>Export eval .onnx</button>
    </span>
  );
}
