/** @file The model picker: the embedded demo, a dropped timm checkpoint, or a foundation-model preset. */
import { PRESETS, SUPPORTED_FAMILIES, presetPage } from '../../model/presets';
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { DropZone, bytesOf } from './DropZone';

export function ModelPicker() {
  const model = useLab((s) => s.model);
  const loadModel = useLab((s) => s.loadModel);
  const cancelDownload = useLab((s) => s.cancelDownload);
  const download = useLab((s) => s.progress.download);
  const fetching = useLab((s) => s.fetchingPreset);
  const busy = useLab((s) => isActive(s.runState));
  // from the click on: the response may take a while to start, and Cancel must work meanwhile
  const bytes = download && download.detail === fetching && download.total > 0 ? download : undefined;
  const downloading = !!fetching && !(bytes && bytes.done >= bytes.total);
  return (
    <fieldset disabled={busy}>
      <legend>Model</legend>
      <p className="current" data-testid="model-current">{model ? `${model.name} (${model.family}) — depth ${model.depth}, width ${model.embedDim}, patch ${model.patchSize}, ${(model.numParams / 1e6).toFixed(2)} M params` : 'loading…'}</p>
      <button type="button" onClick={() => loadModel({ kind: 'demo' })}>Embedded demo model</button>
      <DropZone label="…or drop a timm .safetensors" accept=".safetensors" testId="model-file" onFiles={async ([f]) => f && loadModel({ kind: 'bytes', name: f.file.name, bytes: await bytesOf(f.file) })} />
      {downloading && (
        <div className="download">
          {bytes ? (
            <label>
              downloading {fetching}: {(bytes.done / 2 ** 20).toFixed(0)} / {(bytes.total / 2 ** 20).toFixed(0)} MiB
              <progress max={bytes.total} value={bytes.done} />
            </label>
          ) : (
            <label>
              connecting to the model hub for {fetching}…
              <progress />
            </label>
          )}
          <button type="button" onClick={() => cancelDownload()}>Cancel</button>
        </div>
      )}
      <details className="presets">
        <summary>Vision foundation models (ViT-B, downloaded once, then cached)</summary>
        <ul>
          {PRESETS.map((p) => {
            const why = p.unavailable ?? (SUPPORTED_FAMILIES.has(p.family) ? undefined : `the ${p.family} family is not supported by this build yet`);
            return (
              <li key={p.name} className="preset-card">
                <strong>{p.name}</strong>
                <span>{p.pretraining}</span>
                <span>{p.paramsM} M params · {p.downloadMB ? `${p.downloadMB} MB` : '—'} · native {p.imageSize} px, patch {p.patchSize} (run at 16) · <a href={presetPage(p)} target="_blank" rel="noreferrer">licence: {p.licence}</a></span>
                {why ? <em>unavailable: {why}</em> : <button type="button" disabled={downloading} onClick={() => loadModel({ kind: 'preset', name: p.name })}>Use</button>}
              </li>
            );
          })}
        </ul>
      </details>
    </fieldset>
  );
}
