/**
 * @file The labelled set as a dataset like any other. *Use for training* builds the generic
 * layout (`exportGenericLayout`, in the labelling worker) from the labelled images and loads it through the same path a
 * dropped folder takes; *Export* downloads the whole workspace as that layout in a zip (the CLI
 * trains on it unchanged); *Import* reads such a zip (or any generic-layout zip) back in.
 */
import { useEffect, useState } from 'react';
import { bytesOf } from '../components/DropZone';
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { labelWorker } from './label-worker';
import { LABEL_MAX_PIXELS } from './store';
import { useBusy } from './useBusy';
import { useLabel } from './useLabel';

/** Every image with its original bytes and mask (only the labelled ones with `labelledOnly`). */
async function bundleImages(labelledOnly: boolean) {
  const { ws, masks, labelled, readBytes } = useLabel.getState();
  const images = ws.images.filter((im) => !labelledOnly || labelled.has(im.id));
  return { ws: { ...ws, images }, items: await Promise.all(images.map(async (image) => ({ image, bytes: await readBytes(image), mask: masks.get(image.id)! }))) };
}

/** Loads the labelled images as the lab's dataset, named "labelled (N images)". */
export async function useForTraining(): Promise<void> {
  const { ws, items } = await bundleImages(true);
  if (items.length < 2) throw new Error(`label at least two images to train (one is held out for validation); ${items.length} labelled so far`);
  const files = await labelWorker().layout(ws, items);
  await useLab.getState().loadDataset({ kind: 'files', name: `labelled (${items.length} images)`, files });
}

export function DatasetActions({ onUsed }: { onUsed: () => void }) {
  const training = useLab((s) => isActive(s.runState));
  const empty = useLabel((s) => s.ws.images.length === 0);
  const [download, setDownload] = useState<{ url: string; name: string }>();
  const { busy, run } = useBusy();
  // the link owns its object URL: given back when a newer export replaces it or the workspace closes
  useEffect(() => () => {
    if (download) URL.revokeObjectURL(download.url);
  }, [download]);
  return (
    <fieldset className="label-actions">
      <legend>Dataset</legend>
      <button type="button" className="primary" data-testid="label-use" disabled={training || !!busy}
        title={training ? 'a run is training: stop it to change the dataset' : undefined}
        onClick={run('loading the labelled set…', async () => {
          const before = useLab.getState().dataset;
          await useForTraining();
          if (useLab.getState().dataset !== before) onUsed();
        })}>Use for training</button>
      <button type="button" className="secondary" data-testid="label-export" disabled={empty || !!busy} onClick={run('packing the zip…', async () => {
        const { ws, items } = await bundleImages(false);
        const zip = await labelWorker().zip(ws, items);
        const link = { url: URL.createObjectURL(new Blob([zip as BlobPart], { type: 'application/zip' })), name: 'labelled.zip' };
        setDownload(link);
        const a = document.createElement('a');
        a.href = link.url;
        a.download = link.name;
        a.click();
      })}>Export zip</button>
      <label className="drop">Import a generic-layout zip (replaces this workspace)
        <input type="file" accept=".zip,application/zip" onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          if (!file) return;
          void run(`reading ${file.name}…`, async () => {
            if (useLabel.getState().ws.images.length && !confirm(`Replace the ${useLabel.getState().ws.images.length} images of this workspace with ${file.name}? Export them first to keep them.`)) return;
            // refused as a whole (naming the file) before anything here changes
            const { ws, images } = await labelWorker().importZip(file.name, await bytesOf(file), LABEL_MAX_PIXELS);
            await useLabel.getState().replaceWith(ws, images);
          })().finally(() => (input.value = ''));
        }} />
      </label>
      {download && <a href={download.url} download={download.name} className="label-download">Download labelled.zip again</a>}
      {busy && <p role="status">{busy}</p>}
    </fieldset>
  );
}
