/** Models in the browser: a dropped timm-style checkpoint trains; bad files and failed downloads are refused clearly. */
import { expect, test } from '@playwright/test';
import { makeTinyVit } from '../src/model/demo';
import { writeSafetensors } from '../src/model/safetensors';
import { openLab, setRecipe } from './helpers';

test('a tiny CLIP-style checkpoint dropped on the model picker loads and trains', async ({ page }) => {
  const ckpt = makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 4, preNorm: true, patchBias: false, seed: 3 });
  await openLab(page);
  await page.getByTestId('model-file').setInputFiles({ name: 'tiny-clip.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(ckpt)) });
  await expect(page.getByTestId('model-current')).toContainText('tiny-clip.safetensors (clip) — depth 1, width 32, patch 8');
  await setRecipe(page, { steps: 6, batch: 2, evalEvery: 0 });
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 180_000 });
  await expect(page.getByTestId('step-counter')).toContainText('step 6');
  // what loading adapted for the 64 px crop is said on the page, not only in the console
  await expect(page.getByTestId('run-notices')).toContainText('pos_embed resampled from a 4×4 to a 8×8 grid');
  await expect(page.getByTestId('run-notices')).toContainText('no seg_head in the checkpoint: a new linear decoder');
});

test('a checkpoint with unexpected keys, and a preset download without network, get clear messages', async ({ page }) => {
  const ckpt = makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 4 });
  ckpt.set('decoder.conv.weight', { shape: [4], data: new Float32Array(4) });
  await openLab(page);
  const before = await page.getByTestId('model-current').textContent();
  await page.getByTestId('model-file').setInputFiles({ name: 'odd.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(ckpt)) });
  await expect(page.getByTestId('error-message')).toContainText('odd.safetensors: unexpected keys for a 1-block ViT: decoder.conv.weight');
  await expect(page.getByTestId('model-current')).toHaveText(before!);
  await page.locator('summary', { hasText: 'Vision foundation models' }).click();
  await page.locator('.preset-card', { hasText: 'vit_base_patch16_224.mae' }).getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('error-message').filter({ hasText: 'download of vit_base_patch16_224.mae failed' })).toBeVisible();
  await expect(page.locator('.preset-card', { hasText: 'beit3' })).toContainText('unavailable: BEiT-3 has no timm checkpoint');
  await expect(page.getByTestId('model-current')).toHaveText(before!);
});
