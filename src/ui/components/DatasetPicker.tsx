/** @file The dataset picker: the embedded demo, or the user's own files (a zip or a folder, dropped or browsed), what it accepts, an example and the classes found. */
import { emptyFolderMessage, type PickedFile } from '../drop';
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { ACCEPTED_LAYOUTS_IDS, AcceptedLayouts, ClassPreview, ExampleDownload } from './DatasetZone';
import { DropZone, bytesOf } from './DropZone';

export function DatasetPicker() {
  const dataset = useLab((s) => s.dataset);
  const loadDataset = useLab((s) => s.loadDataset);
  const busy = useLab((s) => isActive(s.runState));
  const reportError = useLab((s) => s.reportError);
  const fromFiles = async (files: PickedFile[], folder?: string) => {
    if (!files.length) return reportError(new Error(emptyFolderMessage(folder)));
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
