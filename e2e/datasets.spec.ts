/** Every dataset format loads in the browser: a picked folder, each format as a .zip, and a dropped folder or .zip. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { adeFiles, cityscapesFiles, genericFiles, vocFiles, zipOf, type FileList } from '../src/data/testing';
import { openLab } from './helpers';

const datasetText = (page: import('@playwright/test').Page) => page.locator('fieldset', { hasText: 'Dataset' }).locator('.current');

test('a generic dataset folder picked with the folder input loads with its class names', async ({ page }) => {
  const root = join(mkdtempSync(join(tmpdir(), 'vfm-folder-')), 'shapes');
  const files = genericFiles({ path: 'classes.txt', content: 'sky\ngrass\nroad\n' });
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
  await openLab(page);
  await page.getByTestId('dataset-folder').setInputFiles(root);
  await expect(datasetText(page)).toContainText('shapes (generic) — 3 train / 2 val, 3 classes');
  await expect(page.getByRole('list', { name: 'Legend' })).toHaveText(/sky.*grass.*road/);
});

const zips: [string, FileList, string][] = [
  ['voc.zip', vocFiles(), '(voc) — 2 train / 1 val, 21 classes'],
  ['ade.zip', adeFiles(), '(ade20k) — 2 train / 1 val, 150 classes'],
  ['cityscapes.zip', cityscapesFiles('cityscapes/'), '(cityscapes) — 2 train / 1 val, 19 classes'],
  ['generic-flat.zip', genericFiles().map((f) => ({ ...f, path: f.path.replace(/^(train|val)\//, '') })), '(generic) —'],
];

for (const [name, files, expected] of zips) {
  test(`${name} chosen with the dataset zone's file input loads`, async ({ page }) => {
    await openLab(page);
    await page.getByTestId('dataset-zip').setInputFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(zipOf(files, 'wrapped/')) });
    await expect(datasetText(page)).toContainText(`${name} ${expected}`);
    await expect(page.getByTestId('error-message')).toHaveCount(0);
  });
}

/** Drop onto the dataset zone: a real DataTransfer for files; for a folder, entries shaped like Chromium's (a synthetic DataTransfer cannot hold a directory). */
async function dropOnDatasetZone(page: import('@playwright/test').Page, files: { path: string; bytes: Uint8Array }[], asFolder: string | undefined) {
  const payload = files.map((f) => ({ path: f.path, b64: Buffer.from(f.bytes).toString('base64') }));
  await page.getByTestId('dataset-zip').locator('xpath=..').evaluate((zone, { payload, asFolder }) => {
    const fileOf = (path: string, b64: string) => new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], path.split('/').pop()!);
    let dataTransfer: unknown;
    if (!asFolder) {
      const dt = new DataTransfer();
      for (const f of payload) dt.items.add(fileOf(f.path, f.b64));
      dataTransfer = dt;
    } else {
      type Node = { name: string; children?: Map<string, Node>; file?: File };
      const root: Node = { name: asFolder, children: new Map() };
      for (const f of payload) {
        const parts = f.path.split('/');
        let at = root;
        for (const p of parts.slice(0, -1)) {
          if (!at.children!.has(p)) at.children!.set(p, { name: p, children: new Map() });
          at = at.children!.get(p)!;
        }
        at.children!.set(parts.at(-1)!, { name: parts.at(-1)!, file: fileOf(f.path, f.b64) });
      }
      const entry = (n: Node): unknown => n.file
        ? { name: n.name, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => setTimeout(() => ok(n.file!)) }
        : { name: n.name, isFile: false, isDirectory: true, createReader: () => {
          let done = false;
          return { readEntries: (ok: (e: unknown[]) => void) => { const batch = done ? [] : [...n.children!.values()].map(entry); done = true; setTimeout(() => ok(batch)); } };
        } };
      dataTransfer = { items: [{ kind: 'file', webkitGetAsEntry: () => entry(root) }], files: [] };
    }
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: dataTransfer });
    zone.dispatchEvent(drop);
  }, { payload, asFolder });
}

test('a dataset folder dropped on the dataset zone loads; so does a dropped .zip', async ({ page }) => {
  await openLab(page);
  await dropOnDatasetZone(page, genericFiles({ path: 'classes.txt', content: 'sky\ngrass\nroad\n' }), 'dropped-shapes');
  await expect(datasetText(page)).toContainText('dropped-shapes (generic) — 3 train / 2 val, 3 classes');
  await dropOnDatasetZone(page, [{ path: 'voc.zip', bytes: zipOf(vocFiles(), 'wrapped/') }], undefined);
  await expect(datasetText(page)).toContainText('voc.zip (voc) — 2 train / 1 val, 21 classes');
  await expect(page.getByTestId('error-message')).toHaveCount(0);
});
