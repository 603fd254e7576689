import { useLab } from '../lab';

/** One bar per long task (download, compile, validate, eval, train). */
export function ProgressBars() {
  const progress = useLab((s) => s.progress);
  const step = useLab((s) => s.steps.at(-1));
  const config = useLab((s) => s.config);
  const state = useLab((s) => s.runState);
  const notices = useLab((s) => s.notices);
  const rows = Object.values(progress).filter((p) => p.done < p.total || p.task === 'compile');
  const imgPerS = step && step.ms > 0 ? (1000 * config.batch * config.accum) / step.ms : 0;
  const eta = step && imgPerS ? ((config.steps - step.step) * config.batch * config.accum) / imgPerS : 0;
  return (
    <div className="progress">
      {(state === 'running' || state === 'paused') && step && (
        <label>
          training: step {step.step}/{config.steps} · {imgPerS.toFixed(1)} img/s · ETA {Math.round(eta)} s
          <progress max={config.steps} value={step.step} />
        </label>
      )}
      {rows.map((p) => (
        <label key={p.task}>
          {p.task}{p.detail ? ` (${p.detail})` : ''}: {p.done}/{p.total}
          <progress max={p.total} value={p.done} />
        </label>
      ))}
      {notices.length > 0 && (
        <ul className="notices" aria-label="Model notes" data-testid="run-notices">
          {notices.map((n) => <li key={n}>{n}</li>)}
        </ul>
      )}
    </div>
  );
}
