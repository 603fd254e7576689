/** Every dataset format loads in the browser: a picked folder, and each format as a dropped .zip. */
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
  test(`${name} dropped on the dataset picker loads`, async ({ page }) => {
    await openLab(page);
    await page.getByTestId('dataset-zip').setInputFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(zipOf(files, 'wrapped/')) });
    await expect(datasetText(page)).toContainText(`${name} ${expected}`);
    await expect(page.getByTestId('error-message')).toHaveCount(0);
  });
}
