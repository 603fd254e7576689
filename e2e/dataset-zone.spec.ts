/**
 * The dataset zone for a newcomer: it lists the accepted layouts before any drop, offers an
 * example zip that loads when dropped back, shows a class preview after loading (a COCO export
 * with polygon and RLE annotations here), says what it found when a layout is unknown, and is
 * axe-clean before and after a drop.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { cocoFiles, pngRgb, zipOf } from '../src/data/testing';
import { openLab } from './helpers';

const zone = (page: Page) => page.getByTestId('dataset-zone');

/** Drops files on the zone's drop target with a real DataTransfer. */
async function drop(page: Page, name: string, bytes: Uint8Array) {
  await page.getByTestId('dataset-zip').locator('xpath=..').evaluate((target, { name, b64 }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
    const event = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'dataTransfer', { value: dt });
    target.dispatchEvent(event);
  }, { name, b64: Buffer.from(bytes).toString('base64') });
}

async function zoneShot(page: Page, info: TestInfo, name: string) {
  const body = await zone(page).screenshot({ path: info.outputPath(`${name}.png`) });
  await info.attach(name, { body, contentType: 'image/png' });
}

async function expectAxeClean(page: Page) {
  const result = await new AxeBuilder({ page }).include('[data-testid="dataset-zone"]').analyze();
  expect(result.passes.length).toBeGreaterThan(5); // the scan found the zone and checked it
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test.use({ viewport: { width: 1440, height: 900 } });

test('before a drop the zone lists the accepted layouts; a dropped COCO export (polygon + RLE) shows its classes', async ({ page }, info) => {
  await openLab(page);
  const layouts = page.getByRole('list', { name: 'What you can drop' });
  await expect(layouts).toContainText('Images + masks');
  await expect(layouts).toContainText('COCO segmentation JSON (Roboflow, CVAT)');
  await expect(layouts).toContainText('_annotations.coco.json');
  for (const name of ['Pascal VOC', 'ADE20K', 'Cityscapes']) await expect(layouts).toContainText(name);
  // the file inputs carry the list as their description, for a screen reader before any drop
  await expect(page.getByTestId('dataset-zip')).toHaveAccessibleDescription(/Images \+ masks.*COCO segmentation JSON/);
  await expect(page.getByTestId('class-preview')).toContainText('5 classes · 48 train / 16 val images'); // the embedded demo
  await zoneShot(page, info, 'zone-before-drop');
  await expectAxeClean(page);

  await drop(page, 'roboflow.zip', zipOf(cocoFiles(), 'export/'));
  await expect(zone(page).locator('.current')).toContainText('roboflow.zip (coco) — 2 train / 1 val, 3 classes');
  const preview = page.getByTestId('class-preview');
  await expect(preview).toContainText('3 classes · 2 train / 1 val images');
  // class, train pixels, train images, val images: a.png has 24 cat pixels (polygon), b.jpg 18 dog (RLE), valid/c.png cat (compressed RLE)
  const rows = preview.locator('tbody tr');
  await expect(rows).toHaveText([/^background\s*56\.3 %\s*2\s*1$/, /^cat\s*25\.0 %\s*1\s*1$/, /^dog\s*18\.8 %\s*1\s*0$/]);
  await expect(preview).toContainText("Roboflow's parent category \"shapes\"");
  // the swatches are the legend's colours
  const swatch = await rows.nth(1).locator('.swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
  const legend = await page.getByRole('list', { name: 'Legend' }).locator('li', { hasText: 'cat' }).locator('.swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(swatch).toBe(legend);
  await expect(page.getByTestId('error-message')).toHaveCount(0);
  await expect(layouts).toBeHidden(); // folded once the user's own dataset is in; one click opens it
  await page.getByText('What you can drop').click();
  await expect(layouts).toBeVisible();
  await page.getByText('What you can drop').click();
  await zoneShot(page, info, 'zone-after-coco-drop');
  await expectAxeClean(page);
});

test('a Roboflow export picked as a folder loads as COCO', async ({ page }) => {
  const root = join(mkdtempSync(join(tmpdir(), 'vfm-coco-')), 'roboflow-export');
  for (const f of cocoFiles()) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
  await openLab(page);
  await page.getByTestId('dataset-folder').setInputFiles(root);
  await expect(zone(page).locator('.current')).toContainText('roboflow-export (coco) — 2 train / 1 val, 3 classes');
  await expect(page.getByTestId('class-preview').locator('tbody tr')).toHaveText([/^background/, /^cat/, /^dog/]);
});

test('the example download is a zip that loads when dropped back', async ({ page }, info) => {
  await openLab(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('example-download').click()]);
  expect(download.suggestedFilename()).toBe('vfm-lab-example.zip');
  const bytes = readFileSync(await download.path());
  await drop(page, download.suggestedFilename(), bytes);
  await expect(zone(page).locator('.current')).toContainText('vfm-lab-example.zip (generic) — 8 train / 4 val, 5 classes');
  await expect(page.getByTestId('class-preview').locator('tbody tr')).toHaveText([/^background/, /^disc/, /^square/, /^triangle/, /^stripes/]);
  await zoneShot(page, info, 'zone-after-example-drop');
});

test('an unknown layout is refused with what was found and what is expected', async ({ page }) => {
  await openLab(page);
  await drop(page, 'photos.zip', zipOf([{ path: 'photos/a.png', bytes: pngRgb(4, 4, () => [1, 2, 3]) }]));
  const error = page.getByTestId('error-message');
  await expect(error).toContainText('photos.zip: unrecognised layout. Found: photos/ (1 .png)');
  await expect(error).toContainText('Expected one of — Images + masks');
  await expect(error).toContainText('COCO segmentation JSON');
  await expect(zone(page).locator('.current')).toContainText('demo (generic)'); // the previous dataset stays
});
