/**
 * @file The first screen's path: 1 model → 2 data → 3 train, with the one Start button in step 3.
 * Outside talk mode the first two steps link to their panels; in talk mode (no set-up panel) they
 * are quick switches: the model, and the saved runs to compare with.
 */
import { PRESETS } from '../../model/presets';
import { useLab } from '../lab';
import { presetTitle } from '../preset-names';
import { runNamer } from '../viewer/panes';
import { isActive } from '../store/slices';
import { Controls } from './Controls';
import { MemoryPlan } from './MemoryPlan';
import { LabelOpen } from '../label/LabelOpen';

function ModelSwitch() {
  const model = useLab((s) => s.model);
  const busy = useLab((s) => isActive(s.runState) || !!s.fetchingPreset);
  const loadModel = useLab((s) => s.loadModel);
  const current = PRESETS.find((p) => p.name === model?.name)?.name ?? (model?.name.startsWith('demo ViT') ? 'demo' : '') // the embedded demo's name (worker/loading.ts);
  return (
    <label className="switch">
      Model{' '}
      <select value={current} disabled={busy} data-testid="talk-model" onChange={(e) => loadModel(e.target.value === 'demo' ? { kind: 'demo' } : { kind: 'preset', name: e.target.value })}>
        {!current && <option value="">{model?.name ?? 'loading…'}</option>}
        <option value="demo">Embedded demo model</option>
        {PRESETS.filter((p) => !p.unavailable).map((p) => <option key={p.name} value={p.name}>{presetTitle(p.name)}</option>)}
      </select>
    </label>
  );
}

/** The runs to compare, as checkboxes in a disclosure (a multi-select that needs no Ctrl-click). */
function CompareSwitch() {
  const runs = useLab((s) => s.runs);
  const compareRunIds = useLab((s) => s.compareRunIds);
  const toggleCompared = useLab((s) => s.toggleCompared);
  const chosen = runs.filter((r) => compareRunIds.includes(r.id));
  const nameOf = runNamer(runs);
  const summary = `Compare with: ${chosen.length === 0 ? 'no other run' : chosen.length <= 2 ? chosen.map((r) => nameOf(r.id)).join(', ') : `${chosen.length} runs`}`;
  return (
    <details className="switch compare-switch" data-testid="talk-compare">
      <summary title={summary}>{summary}</summary>
      <fieldset aria-label="Runs to compare with this run">
        {!runs.length && <p>No saved runs yet.</p>}
        {runs.map((r) => (
          <label key={r.id} className="check">
            <input type="checkbox" checked={compareRunIds.includes(r.id)} onChange={() => toggleCompared(r.id)} /> {nameOf(r.id)}
          </label>
        ))}
      </fieldset>
    </details>
  );
}

export function Steps({ talk }: { talk: boolean }) {
  const model = useLab((s) => s.model);
  const dataset = useLab((s) => s.dataset);
  return (
    <section aria-label="Start here" className="steps-region">
      <ol className="steps" aria-label="Three steps">
        <li className="step">
          <h2><span className="num" aria-hidden="true">1</span> Model</h2>
          {talk ? <ModelSwitch /> : (
            <>
              <p className="step-current" data-testid="step-model">{model ? `${presetTitle(model.name)} · ${(model.numParams / 1e6).toFixed(1)} M params` : 'loading…'}</p>
              <a href="#model-panel">Choose a foundation model</a>
            </>
          )}
        </li>
        <li className="step">
          <h2><span className="num" aria-hidden="true">2</span> Data</h2>
          <p className="step-current" data-testid="step-data">{dataset ? `${dataset.name} · ${dataset.trainCount} train / ${dataset.valCount} val · ${dataset.classes.length} classes` : 'loading…'}</p>
          {talk ? <CompareSwitch /> : <><a href="#data-panel">Use your own images</a> <LabelOpen /></>}
        </li>
        <li className="step step-train" id="train-step" tabIndex={-1}>
          <h2><span className="num" aria-hidden="true">3</span> Train</h2>
          <Controls />
          {!talk && <MemoryPlan />}
        </li>
      </ol>
    </section>
  );
}
