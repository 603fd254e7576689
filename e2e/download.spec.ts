/** A preset downloads by URL with progress, is cached, and loads again with no network. */
import { expect, test } from '@playwright/test';
import { makeTinyVit } from '../src/model/demo';
import { writeSafetensors } from '../src/model/safetensors';
import { openLab } from './helpers';

const PRESET = 'vit_base_patch16_224.mae';

test('a preset is fetched from the model hub URL, cached, and the second start works offline', async ({ page, context }) => {
  // the test machine has no internet: the hub is played by a route serving a tiny timm-style file
  const body = Buffer.from(writeSafetensors(makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 4, seed: 9 })));
  const requested: string[] = [];
  await context.route('https://huggingface.co/**', (route) => {
    requested.push(route.request().url());
    return route.fulfill({ body, headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'access-control-allow-origin': '*' } });
  });
  await openLab(page);
  await page.locator('.preset-card', { hasText: PRESET }).getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('model-current')).toContainText(`${PRESET} (vit) — depth 1, width 32`);
  expect(requested).toEqual([`https://huggingface.co/timm/${PRESET}/resolve/main/model.safetensors`]);
  await expect(page.locator('.preset-card', { hasText: PRESET }).getByTestId('preset-cached')).toBeVisible(); // marked as in the browser's cache

  // offline now: the hub refuses every request, the cached copy is used
  await context.unroute('https://huggingface.co/**');
  await context.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  await page.reload();
  await openLab(page);
  await page.locator('.preset-card', { hasText: PRESET }).getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('model-current')).toContainText(`${PRESET} (vit)`);
  await expect(page.getByTestId('error-message')).toHaveCount(0);
});

test('a preset download can be cancelled while it waits for the hub; the previous model stays', async ({ page, context }) => {
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  await context.route('https://huggingface.co/**', async (route) => { await held; await route.abort().catch(() => undefined); });
  await openLab(page);
  const before = await page.getByTestId('model-current').textContent();
  await page.locator('.preset-card', { hasText: PRESET }).getByRole('button', { name: 'Use' }).click();
  const download = page.locator('.download');
  await expect(download).toContainText(`connecting to the model hub for MAE ViT-B/16 (${PRESET})`);
  await download.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('error-message')).toContainText(`download of ${PRESET} cancelled`);
  await expect(download).toHaveCount(0);
  await expect(page.getByTestId('model-current')).toHaveText(before!);
  release();
});
