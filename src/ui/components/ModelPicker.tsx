/** @file The model picker: the embedded demo, a dropped timm checkpoint, or a foundation-model preset (visible, named, with size, licence and whether it is cached). */
import { useEffect } from 'react';
import { PRESETS, SUPPORTED_FAMILIES, presetPage, presetUrl, type Preset } from '../../model/presets';
import { formatBytes } from '../../runtime/memory';
import { useLab } from '../lab';
import { presetTitle } from '../preset-names';
import { isActive } from '../store/slices';
import { DropZone, bytesOf } from './DropZone';

/** Weights, gradients and both AdamW moments in float32: what full fine-tuning holds before any activation. */
const trainingStateBytes = (p: Preset) => p.paramsM * 1e6 * 4 * 4;

function PresetCard({ p, cached, disabled }: { p: Preset; cached: boolean; disabled: boolean }) {
  const loadModel = useLab((s) => s.loadModel);
  const why = p.unavailable ?? (SUPPORTED_FAMILIES.has(p.family) ? undefined : `the ${p.family} family is not supported by this build yet`);
  return (
    <li className="preset-card" data-testid="preset-card">
      <div className="preset-head">
        <strong>{presetTitle(p.name)}</strong>
        {cached && <span className="tag cached" data-testid="preset-cached">cached</span>}
        <a className="tag licence" href={presetPage(p)} target="_blank" rel="noreferrer" aria-label={`licence ${p.licence} (model page of ${p.name})`}>{p.licence}</a>
      </div>
      <code className="timm-id">{p.name}</code>
      <span>{p.pretraining}</span>
      <span>{p.paramsM} M params · {p.downloadMB ? `${p.downloadMB} MB download` : 'no download'} · native {p.imageSize} px, patch {p.patchSize}{p.patchSize !== 16 ? ' (run at 16)' : ''}</span>
      {!why && <span title="weights, gradients and AdamW moments in float32; activations come on top (the full plan shows beside Start once the model is loaded)">memory: ≥ {formatBytes(trainingStateBytes(p))} + activations to train</span>}
      {why ? <em>unavailable: {why}</em> : <button type="button" className="secondary" disabled={disabled} aria-label={`Use ${presetTitle(p.name)}`} onClick={() => loadModel({ kind: 'preset', name: p.name })}>Use</button>}
    </li>
  );
}

/** After a failed or cancelled download: try again, or fetch the file by hand and drop it. */
function DownloadFailed({ name }: { name: string }) {
  const loadModel = useLab((s) => s.loadModel);
  const preset = PRESETS.find((p) => p.name === name);
  if (!preset) return null;
  return (
    <div className="download-failed" data-testid="download-failed">
      <p>The download of {presetTitle(name)} did not finish.</p>
      <button type="button" className="secondary" data-testid="retry-download" onClick={() => loadModel({ kind: 'preset', name })}>Retry</button>{' '}
      or download it yourself — <a href={presetUrl(preset)} data-testid="manual-download" target="_blank" rel="noreferrer">{presetUrl(preset)}</a> — and drop the file on the box above.
    </div>
  );
}

export function ModelPicker() {
  const model = useLab((s) => s.model);
  const loadModel = useLab((s) => s.loadModel);
  const cancelDownload = useLab((s) => s.cancelDownload);
  const download = useLab((s) => s.progress.download);
  const fetching = useLab((s) => s.fetchingPreset);
  const failed = useLab((s) => s.failedPreset);
  const busy = useLab((s) => isActive(s.runState));
  const storage = useLab((s) => s.storage);
  // which presets are in the browser's cache: asked once, and again after each download
  useEffect(() => void useLab.getState().refreshStorage(), [model]);
  // from the click on: the response may take a while to start, and Cancel must work meanwhile
  const bytes = download && download.detail === fetching && download.total > 0 ? download : undefined;
  const downloading = !!fetching && !(bytes && bytes.done >= bytes.total);
  const cached = new Set(storage?.models.map((m) => m.url));
  return (
    <fieldset disabled={busy}>
      <legend>Model</legend>
      <p className="current" data-testid="model-current">{model ? `${presetTitle(model.name) === model.name ? '' : `${presetTitle(model.name)} — `}${model.name} (${model.family}) — depth ${model.depth}, width ${model.embedDim}, patch ${model.patchSize}, ${(model.numParams / 1e6).toFixed(2)} M params` : 'loading…'}</p>
      <button type="button" className="secondary" onClick={() => loadModel({ kind: 'demo' })}>Embedded demo model</button>
      <DropZone label="…or drop a timm .safetensors" accept=".safetensors" testId="model-file" onFiles={async ([f]) => f && loadModel({ kind: 'bytes', name: f.file.name, bytes: await bytesOf(f.file) })} />
      {downloading && (
        <div className="download">
          {bytes ? (
            <label>
              downloading {presetTitle(fetching)} ({fetching}): {(bytes.done / 2 ** 20).toFixed(0)} / {(bytes.total / 2 ** 20).toFixed(0)} MiB
              <progress max={bytes.total} value={bytes.done} />
            </label>
          ) : (
            <label>
              connecting to the model hub for {presetTitle(fetching)} ({fetching})…
              <progress />
            </label>
          )}
          <button type="button" className="secondary" onClick={() => cancelDownload()}>Cancel</button>
        </div>
      )}
      {failed && !downloading && <DownloadFailed name={failed} />}
      <section className="presets" aria-labelledby="presets-title">
        <h3 id="presets-title">Vision foundation models (ViT-B, downloaded once, then cached)</h3>
        <ul>
          {PRESETS.map((p) => <PresetCard key={p.name} p={p} cached={cached.has(presetUrl(p))} disabled={downloading} />)}
        </ul>
      </section>
    </fieldset>
  );
}
