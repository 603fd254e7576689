/** @file Model and dataset pickers: the embedded demo, or the user's own files (drop or browse). */
import { PRESETS, SUPPORTED_FAMILIES, presetPage } from '../../model/presets';
import type { PickedFile } from '../drop';
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { ACCEPTED_LAYOUTS_IDS, AcceptedLayouts, ClassPreview, ExampleDownload } from './DatasetZone';
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

export function DatasetPicker() {
  const dataset = useLab((s) => s.dataset);
  const loadDataset = useLab((s) => s.loadDataset);
  const busy = useLab((s) => isActive(s.runState));
  const fromFiles = async (files: PickedFile[]) => {
    if (files.length === 1 && files[0].path.toLowerCase().endsWith('.zip')) {
      return loadDataset({ kind: 'zip', name: files[0].file.name, bytes: await bytesOf(files[0].file) });
    }
    // paths inside the dataset: without the folder's own name when one folder was picked or dropped
    const tops = new Set(files.map((f) => (f.path.includes('/') ? f.path.split('/')[0] : '')));
    const root = tops.size === 1 && !tops.has('') ? [...tops][0] : undefined;
    const withPaths = await Promise.all(files.map(async (f) => ({ path: root ? f.path.slice(root.length + 1) : f.path, bytes: await bytesOf(f.file) })));
    return loadDataset({ kind: 'files', name: root ?? 'dropped files', files: withPaths });
  };
  return (
    <fieldset disabled={busy} data-testid="dataset-zone">
      <legend>Dataset</legend>
      <p className="current">{dataset ? `${dataset.name} (${dataset.format}) — ${dataset.trainCount} train / ${dataset.valCount} val, ${dataset.classes.length} classes` : 'loading…'}</p>
      <button type="button" onClick={() => loadDataset({ kind: 'demo' })}>Embedded synthetic demo</button>
      <DropZone label="…or drop a .zip or a folder here (or click to choose a .zip)" accept=".zip" testId="dataset-zip" describedBy={ACCEPTED_LAYOUTS_IDS} onFiles={fromFiles} />
      <DropZone label="…or pick a folder" testId="dataset-folder" directory describedBy={ACCEPTED_LAYOUTS_IDS} onFiles={fromFiles} />
      <AcceptedLayouts />
      <ExampleDownload />
      <ClassPreview />
    </fieldset>
  );
}
