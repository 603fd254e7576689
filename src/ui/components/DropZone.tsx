/** @file A drop target with a file input inside: files, folders (walked) or a picked folder. */
import { useState, type DragEvent } from 'react';
import { droppedFolderEntries, pickedFiles, walkEntries, type PickedFile } from '../drop';
import { useLab } from '../lab';

export async function bytesOf(f: File): Promise<Uint8Array> {
  return new Uint8Array(await f.arrayBuffer());
}

/** `describedBy`: the id of what the zone accepts (read out with the file input, the list need not be open). */
export function DropZone({ label, accept, onFiles, testId, directory, describedBy }: { label: string; accept?: string; onFiles: (f: PickedFile[]) => void; testId: string; directory?: boolean; describedBy?: string }) {
  const [over, setOver] = useState(false);
  const reportError = useLab((s) => s.reportError);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const folder = droppedFolderEntries(e.dataTransfer); // read now: the items are gone after this handler
    if (!folder) return onFiles(pickedFiles(e.dataTransfer.files));
    walkEntries(folder).then(onFiles, (err: unknown) => reportError(new Error(`cannot read the dropped folder: ${(err as Error)?.message ?? err}`)));
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
        onChange={(e) => e.target.files && onFiles(pickedFiles(e.target.files))}
      />
    </label>
  );
}
