/** Dropped folders are walked through the entries API: nested folders, batched directory reads, errors. */
import { describe, expect, it } from 'vitest';
import { emptyFolderMessage, folderOf, pickedFiles, walkDirectory, walkEntries, type DroppedEntry, type PickedDirectory } from './drop';

const file = (name: string, text = name): DroppedEntry => ({
  name, isFile: true, isDirectory: false, file: (ok) => ok(new File([text], name)),
});

/** A directory whose reader answers in batches of `batch` entries, then an empty batch (as Chromium does). */
const dir = (name: string, children: DroppedEntry[], batch = 2): DroppedEntry => ({
  name, isFile: false, isDirectory: true,
  createReader: () => {
    let next = 0;
    return { readEntries: (ok) => { const b = children.slice(next, next + batch); next += batch; setTimeout(() => ok(b)); } };
  },
});

describe('dropped folders', () => {
  it('lists every file with its path from the dropped folder, across batched reads', async () => {
    const tree = dir('shapes', [
      file('classes.txt', 'sky\ngrass\n'),
      dir('train', [dir('images', [file('a.png'), file('b.png'), file('c.png')]), dir('masks', [file('a.png'), file('b.png'), file('c.png')])]),
      dir('val', [dir('images', [file('d.png')]), dir('masks', [file('d.png')])]),
    ]);
    const got = await walkEntries([tree]);
    expect(got.map((f) => f.path)).toEqual([
      'shapes/classes.txt',
      'shapes/train/images/a.png', 'shapes/train/images/b.png', 'shapes/train/images/c.png',
      'shapes/train/masks/a.png', 'shapes/train/masks/b.png', 'shapes/train/masks/c.png',
      'shapes/val/images/d.png', 'shapes/val/masks/d.png',
    ]);
    expect(await got[0].file.text()).toBe('sky\ngrass\n');
  });

  it('an unreadable file rejects with its error', async () => {
    const broken: DroppedEntry = { name: 'x.png', isFile: true, isDirectory: false, file: (_ok, fail) => fail(new Error('NotReadableError')) };
    await expect(walkEntries([dir('ds', [broken])])).rejects.toThrow('NotReadableError');
  });

  it('picked files keep webkitRelativePath when the input picked a folder', () => {
    const f = new File(['x'], 'a.png');
    Object.defineProperty(f, 'webkitRelativePath', { value: 'shapes/train/images/a.png' });
    expect(pickedFiles([f, new File(['y'], 'b.zip')]).map((p) => p.path)).toEqual(['shapes/train/images/a.png', 'b.zip']);
  });
});

/** A picked directory handle (File System Access) whose entries come in the order given. */
const handle = (name: string, children: (PickedDirectory & { kind: 'directory' } | { kind: 'file'; name: string; getFile(): Promise<File> })[]): PickedDirectory & { kind: 'directory' } => ({
  name, kind: 'directory',
  values: async function* () { yield* children; },
});
const picked = (name: string) => ({ kind: 'file' as const, name, getFile: async () => new File([name], name) });

describe('picked folders', () => {
  it('lists every file under a picked folder with paths from its name, in name order', async () => {
    const tree = handle('photos', [handle('masks', [picked('b.png'), picked('a.png')]), picked('classes.txt'), handle('images', [picked('a.jpg')])]);
    const files = await walkDirectory(tree);
    expect(files.map((f) => f.path)).toEqual(['photos/classes.txt', 'photos/images/a.jpg', 'photos/masks/a.png', 'photos/masks/b.png']);
    expect(folderOf(files)).toBe('photos');
    expect(await walkDirectory(handle('empty', [handle('images', [])]))).toEqual([]);
  });

  it('an empty folder is named in the message when the browser gave its name, never called "dropped files"', () => {
    expect(emptyFolderMessage('holiday photos')).toBe("The folder “holiday photos” holds no files: pick or drop the dataset's own folder (with images/ and masks/), or a .zip of it.");
    expect(emptyFolderMessage()).toMatch(/^The picked folder holds no files/);
    expect(folderOf([])).toBeUndefined();
    expect(folderOf(pickedFiles([new File(['x'], 'loose.png')]))).toBeUndefined();
  });
});
