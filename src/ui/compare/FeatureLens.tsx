/**
 * @file The feature lens under the viewer: for the viewer's image, the patch features of several
 * backbones side by side — the loaded model before fine-tuning and saved runs after it — as PCA
 * colours, and on hover (or arrow keys) the cosine similarity of one patch position to every
 * patch, in every panel at once. The worker computes the features (its eval graph's features
 * output), only while the lens is open; the page paints them and computes similarities.
 */
import { useEffect, useState } from 'react';
import type { LensSource } from '../../worker/api';
import { useLab } from '../lab';
import { runNamer } from '../viewer/panes';
import { trainer } from '../worker-client';
import { defaultLensChoice, LOADED, sourceUnavailable } from './lens-choice';
import { RAMP, type Probe } from './lens-paint';
import { LensPanel, type PanelState } from './LensPanel';
import './lens.css';

/** Panels side by side at most (each is a session and a forward pass per image). */
const MAX_PANELS = 4;

export function FeatureLens() {
  const viewIndex = useLab((s) => s.viewIndex);
  const crop = useLab((s) => s.config.crop);
  const model = useLab((s) => s.model?.name);
  const dataset = useLab((s) => s.dataset?.name);
  const runs = useLab((s) => s.runs);
  const runId = useLab((s) => s.runId);
  const [open, setOpen] = useState(false);
  const [picked, setPicked] = useState<string[]>();
  const [blend, setBlend] = useState(0.75);
  const [probe, setProbe] = useState<Probe>();
  const [panels, setPanels] = useState<Record<string, PanelState>>({});

  // a run without weights (or deleted since it was picked) is not shown
  const unavailable = (k: string) => sourceUnavailable(runs, k);
  const chosen = (picked ?? defaultLensChoice(runs, runId)).filter((k) => !unavailable(k));
  // what a panel shows depends on the image, the crop (loaded model), the model and dataset loaded and the run's save
  const requestKey = (k: string) => `${k}|${viewIndex}|${dataset}|${k === LOADED ? `${model}|${crop}` : runs.find((r) => r.id === k)?.savedStep}`;
  const wanted = chosen.map((k) => [k, requestKey(k)] as const);
  const wantedKey = wanted.map(([, r]) => r).join('\n');

  useEffect(() => {
    if (!open || !dataset) return;
    let current = true;
    void (async () => {
      for (const [k, request] of wanted) {
        if (!current) return;
        if (panels[request]) continue;
        setPanels((p) => ({ ...p, [request]: { status: 'computing' } }));
        const source: LensSource = k === LOADED ? { kind: 'loaded', crop } : { kind: 'run', runId: k };
        // one at a time: the worker runs one session at a time anyway, and the first panel shows sooner
        const state: PanelState = await trainer().featureLens(source, viewIndex).then(
          (lens) => ({ status: 'ready', lens }), (e: Error) => ({ status: 'error', message: `The feature lens failed: ${e.message}` }));
        // keep only what is shown now: features of other images would pile up
        setPanels((p) => Object.fromEntries([...Object.entries(p).filter(([r]) => wanted.some(([, w]) => w === r)), [request, state]]));
      }
    })();
    return () => void (current = false);
  }, [open, wantedKey]); // the key names everything a request depends on

  const title = (k: string) => {
    if (k === LOADED) return model ?? 'the loaded model';
    return runNamer(runs)(k); // as the viewer and the leaderboard name it
  };
  const toggle = (k: string, on: boolean) => setPicked(on ? [...chosen, k] : chosen.filter((x) => x !== k));
  const options = [LOADED, ...runs.map((r) => r.id)];
  const busy = wanted.some(([, r]) => panels[r]?.status === 'computing');

  return (
    <details className="feature-lens" data-testid="feature-lens" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Feature lens: what the backbone sees, before and after fine-tuning</summary>
      <fieldset className="lens-sources">
        <legend>Backbones (up to {MAX_PANELS})</legend>
        {options.map((k) => (
          <label key={k}>
            <input type="checkbox" checked={chosen.includes(k)} disabled={!!unavailable(k) || (!chosen.includes(k) && chosen.length >= MAX_PANELS)}
              onChange={(e) => toggle(k, e.target.checked)} />
            {title(k)} <small>({k === LOADED ? 'before fine-tuning' : unavailable(k) ?? 'after fine-tuning'})</small>
          </label>
        ))}
      </fieldset>
      <div className="lens-tools">
        <label>
          Blend with the image <input type="range" min={0} max={1} step={0.05} value={blend} onChange={(e) => setBlend(Number(e.target.value))} data-testid="lens-blend" />
        </label>
        <span className="lens-status" aria-live="polite" data-testid="lens-status">
          {busy ? 'Computing patch features…' : `Validation image ${viewIndex + 1}. Hover a patch (or focus a panel and use the arrow keys) for its similarity to every patch.`}
        </span>
      </div>
      <div className="lens-panels" aria-busy={busy}>
        {chosen.map((k) => (
          <LensPanel key={k} title={title(k)} stage={k === LOADED ? 'before fine-tuning' : 'after fine-tuning'} state={panels[requestKey(k)]}
            blend={blend} probe={probe} setProbe={setProbe} />
        ))}
      </div>
      <p className="lens-legend" data-testid="lens-legend">
        {probe ? (
          <>
            <span className="lens-ramp" style={{ background: `linear-gradient(to right, ${RAMP.map((c) => `rgb(${c.join(',')})`).join(', ')})` }} aria-hidden="true" />
            <span>cosine similarity to the outlined patch: −1 (left) · 0 · 1 (right, the patch itself)</span>
          </>
        ) : (
          <span>Colours: the first three principal components of each panel's patch features as red, green and blue (each panel its own PCA).</span>
        )}
      </p>
    </details>
  );
}
