/** @file Progress in words: the preparing stages, the training bar with a human ETA, other long tasks, and the loader's notices. */
import { useLab } from '../lab';
import { humanDuration, plainNotice, preparingStages, secondsLeft } from '../progress-text';

const MARK = { done: '✓', active: '…', waiting: '·' } as const;

export function ProgressBars() {
  const progress = useLab((s) => s.progress);
  const steps = useLab((s) => s.steps);
  const total = useLab((s) => s.config.steps);
  const perStep = useLab((s) => s.config.batch * s.config.accum);
  const state = useLab((s) => s.runState);
  const notices = useLab((s) => s.notices);
  const where = useLab((s) => (s.backend?.backend === 'webgpu' ? 'WebGPU' : 'wasm'));
  const stages = preparingStages(progress, state, steps.length, where);
  const step = steps.at(-1);
  const training = (state === 'running' || state === 'paused') && step;
  const left = step ? secondsLeft(steps.map((s) => s.ms), step.step, total) : undefined;
  const recent = steps.slice(-20).filter((s) => s.ms > 0);
  const imgPerS = recent.length ? (1000 * perStep * recent.length) / recent.reduce((a, s) => a + s.ms, 0) : 0;
  // other long tasks while they run (dataset checks, loading, evaluation); compile and features are stages above, and
  // the download has its own bar in the model picker (hidden in talk mode, where the model switch starts it)
  const talk = useLab((s) => s.talkMode);
  const rows = Object.values(progress).filter((p) => p.task !== 'compile' && p.task !== 'features' && (talk || p.task !== 'download') && p.total > 0 && p.done < p.total);
  return (
    <div className="progress" data-testid="progress">
      {stages.length > 0 && (
        <ol className="stages" aria-label="Preparing the run" data-testid="preparing-stages">
          {stages.map((s) => (
            <li key={s.name} className={`stage ${s.status}`} data-status={s.status}>
              <span aria-hidden="true">{MARK[s.status]}</span> {s.name}{s.status === 'active' ? ' (in progress)' : s.status === 'done' ? ' (done)' : ''}
              {s.status === 'active' && <progress aria-label={s.name} {...(s.total ? { max: s.total, value: s.done } : {})} />}
            </li>
          ))}
        </ol>
      )}
      {training && (
        <label data-testid="training-progress">
          training: step {step.step} of {total}
          {imgPerS > 0 && ` · ${imgPerS < 10 ? imgPerS.toFixed(1) : Math.round(imgPerS)} images/s`}
          {left !== undefined && ` · ${humanDuration(left)} left${state === 'paused' ? ' (paused)' : ''}`}
          <progress max={total} value={step.step} />
        </label>
      )}
      {rows.map((p) => (
        <label key={p.task} className="task">
          {p.task}{p.detail ? ` (${p.detail})` : ''}: {p.done} / {p.total}
          <progress max={p.total} value={p.done} />
        </label>
      ))}
      {notices.length > 0 && (
        <ul className="notices" aria-label="About this model" data-testid="run-notices">
          {notices.map((n) => {
            const plain = plainNotice(n);
            return (
              <li key={n}>
                {plain ?? n}
                {plain && <details><summary>details</summary>{n}</details>}
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
