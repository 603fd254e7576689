/** @file A drop target with a file input inside: files, folders (walked) or a picked folder. */
import { useState, type DragEvent } from 'react';
import { droppedFolderEntries, folderOf, pickedFiles, walkDirectory, walkEntries, type PickedDirectory, type PickedFile } from '../drop';
import { useLab } from '../lab';

export async function bytesOf(f: File): Promise<Uint8Array> {
  return new Uint8Array(await f.arrayBuffer());
}

type ShowDirectoryPicker = () => Promise<PickedDirectory>;

/**
 * `describedBy`: the id of what the zone accepts (read out with the file input, the list need not be open).
 * `onFiles` gets the folder's name too when a folder was dropped or picked (an empty one has no paths to tell it).
 */
export function DropZone({ label, accept, onFiles, testId, directory, describedBy }: { label: string; accept?: string; onFiles: (f: PickedFile[], folder?: string) => void; testId: string; directory?: boolean; describedBy?: string }) {
  const [over, setOver] = useState(false);
  const reportError = useLab((s) => s.reportError);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const folder = droppedFolderEntries(e.dataTransfer); // read now: the items are gone after this handler
    if (!folder) return onFiles(pickedFiles(e.dataTransfer.files));
    const name = folder.find((x) => x.isDirectory)?.name;
    walkEntries(folder).then((files) => onFiles(files, name), (err: unknown) => reportError(new Error(`cannot read the dropped folder: ${(err as Error)?.message ?? err}`)));
  };
  // where the browser has it, the folder picker that names the folder also when it is empty
  const showDirectoryPicker = (globalThis as { showDirectoryPicker?: ShowDirectoryPicker }).showDirectoryPicker;
  const pickFolder = (e: { preventDefault(): void }) => {
    if (!directory || !showDirectoryPicker) return; // the input's own picker
    e.preventDefault();
    showDirectoryPicker().then(async (dir) => onFiles(await walkDirectory(dir), dir.name), (err: DOMException) => {
      if (err?.name !== 'AbortError') reportError(new Error(`cannot read the picked folder: ${err?.message ?? err}`));
    });
  };
  return (
    <label className={over ? 'drop over' : 'drop'} onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={onDrop}>
      {label}
      <input
        type="file"
        data-testid={testId}
        accept={accept}
        aria-describedby={describedBy}
        {...(directory ? { webkitdirectory: '', multiple: true } : {})}
        onClick={pickFolder}
        onChange={(e) => {
          if (!e.target.files) return;
          const files = pickedFiles(e.target.files);
          onFiles(files, directory ? folderOf(files) : undefined);
        }}
      />
    </label>
  );
}
