/**
 * @file What the user dropped or picked, as files with their paths. A dropped folder arrives in
 * `dataTransfer.files` as one useless entry, so folders are walked through the entries API
 * (`webkitGetAsEntry`); picked folders carry `webkitRelativePath`. Paths start with the folder's
 * own name, as `webkitRelativePath` does.
 */

export interface PickedFile {
  file: File;
  /** `root/sub/name.png` for files inside a folder; the bare name otherwise. */
  path: string;
}

/** The part of the File System entries API we use (typed here, so tests can supply entries). */
export interface DroppedEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (entries: DroppedEntry[]) => void, fail: (e: unknown) => void): void };
}

/**
 * The dropped entries when a folder is among them, else undefined (plain files: use
 * `dataTransfer.files`). Call it inside the drop handler: the items are gone once it returns.
 */
export function droppedFolderEntries(dt: DataTransfer): DroppedEntry[] | undefined {
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry?.() as DroppedEntry | null).filter((e): e is DroppedEntry => !!e);
  return entries.some((e) => e.isDirectory) ? entries : undefined;
}

/** Every file under the entries, depth first, with its path from the dropped folder. */
export async function walkEntries(entries: DroppedEntry[], prefix = ''): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  for (const entry of entries) {
    const path = prefix + entry.name;
    if (entry.isFile && entry.file) {
      out.push({ file: await new Promise<File>((ok, fail) => entry.file!(ok, fail)), path });
    } else if (entry.isDirectory && entry.createReader) {
      const reader = entry.createReader();
      // readEntries answers in batches (100 in Chromium) until it returns an empty one
      for (let batch = await readBatch(reader); batch.length; batch = await readBatch(reader)) out.push(...(await walkEntries(batch, `${path}/`)));
    }
  }
  return out;
}

const readBatch = (reader: ReturnType<NonNullable<DroppedEntry['createReader']>>) => new Promise<DroppedEntry[]>((ok, fail) => reader.readEntries(ok, fail));

/** Files from an `<input type="file">` (with `webkitdirectory`, paths include the folder). */
export const pickedFiles = (files: Iterable<File>): PickedFile[] => [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name }));

/** The part of a File System Access directory handle we use (typed here, so tests can supply one). */
export interface PickedDirectory {
  name: string;
  values(): AsyncIterable<{ kind: 'file'; name: string; getFile(): Promise<File> } | ({ kind: 'directory' } & PickedDirectory)>;
}

/**
 * Every file under a folder picked with `showDirectoryPicker` (which, unlike a `webkitdirectory`
 * input, names the folder even when it is empty), paths starting with its name as
 * `webkitRelativePath` does, in name order.
 */
export async function walkDirectory(dir: PickedDirectory, prefix = `${dir.name}/`): Promise<PickedFile[]> {
  const entries = [];
  for await (const e of dir.values()) entries.push(e);
  const out: PickedFile[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.kind === 'file') out.push({ file: await e.getFile(), path: prefix + e.name });
    else out.push(...(await walkDirectory(e, `${prefix}${e.name}/`)));
  }
  return out;
}

/** The folder the files came from, when they came from one (a dropped or picked folder's paths start with its name). */
export const folderOf = (files: readonly PickedFile[]): string | undefined => (files[0]?.path.includes('/') ? files[0].path.split('/')[0] : undefined);

/** What to say when a picked or dropped folder holds no files: its name, when the browser gave it. */
export const emptyFolderMessage = (folder?: string): string =>
  `${folder ? `The folder “${folder}”` : 'The picked folder'} holds no files: pick or drop the dataset's own folder (with images/ and masks/), or a .zip of it.`;
