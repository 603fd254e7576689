/** Shared steps for the end-to-end tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { genericFiles } from '../src/data/testing';

/**
 * The lab with the project's backend asked for by name: "auto" prefers wasm beside a software
 * adapter (SwiftShader here), so the webgpu project requests WebGPU explicitly to keep testing it.
 */
export async function openLab(page: Page, query = ''): Promise<void> {
  const params = new URLSearchParams(query.replace(/^\?/, ''));
  if (test.info().project.name === 'webgpu' && !params.has('backend')) params.set('backend', 'webgpu');
  const search = params.toString();
  await page.goto(search ? `/?${search}` : '/');
  await expect(page.getByTestId('backend-badge')).not.toHaveText(/starting/);
  await expect(page.getByTestId('start-training')).toBeEnabled();
}

/** The dataset panel's line naming the loaded dataset. */
export const datasetText = (page: Page) => page.locator('fieldset', { hasText: 'Dataset' }).locator('.current');

/**
 * Opens the lab, loads a generic 3-class folder named my-shapes (written under a fresh temp dir
 * made with `tmpPrefix`; dropped as a folder, so not kept across a reload) and starts a run on it
 * with `recipe` at a 32 px crop. Gives back the folder's path (to load it again later).
 */
export async function startOnShapesFolder(page: Page, tmpPrefix: string, recipe: Parameters<typeof setRecipe>[1]): Promise<string> {
  const root = join(mkdtempSync(join(tmpdir(), tmpPrefix)), 'my-shapes');
  for (const f of genericFiles({ path: 'classes.txt', content: 'sky\nroad\ncar\n' })) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.bytes);
  }
  await openLab(page);
  await page.getByTestId('dataset-folder').setInputFiles(root);
  await expect(datasetText(page)).toContainText('my-shapes (generic) — 3 train / 2 val, 3 classes');
  await setRecipe(page, recipe);
  await page.getByTestId('recipe-crop').fill('32');
  await page.getByTestId('start-training').click();
  return root;
}

export async function setRecipe(page: Page, r: { steps?: number; batch?: number; evalEvery?: number; augment?: boolean; shuffle?: boolean }): Promise<void> {
  for (const key of ['steps', 'batch', 'evalEvery'] as const) {
    if (r[key] !== undefined) await page.getByTestId(`recipe-${key}`).fill(String(r[key]));
  }
  if (r.augment !== undefined) await page.getByTestId('recipe-augment').setChecked(r.augment);
  if (r.shuffle !== undefined) await page.getByTestId('recipe-shuffle').setChecked(r.shuffle);
}

export async function currentStep(page: Page): Promise<number> {
  const text = (await page.getByTestId('step-counter').textContent()) ?? '';
  return Number(/step (\d+)/.exec(text)?.[1] ?? NaN);
}

export async function waitForStep(page: Page, atLeast: number, timeout = 180_000): Promise<void> {
  await expect.poll(() => currentStep(page), { timeout, intervals: [500] }).toBeGreaterThanOrEqual(atLeast);
}

export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  await info.attach(name, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** Losses the page has charted so far (through the automation hook on window). */
export function pageLosses(page: Page): Promise<number[]> {
  return page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { steps: { loss: number }[] } } }).vfmLab.getState().steps.map((s) => s.loss));
}

/** A canvas's pixels: how many distinct colours it holds, and the picture as a data URL (to tell two apart). */
export function canvasColours(canvas: Locator): Promise<{ distinct: number; url: string }> {
  return canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return { distinct: new Set(Array.from({ length: d.length / 4 }, (_, p) => (d[4 * p] << 16) | (d[4 * p + 1] << 8) | d[4 * p + 2])).size, url: c.toDataURL() };
  });
}
