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
  await page.locator('.preset-card', { hasText: 'vit_base_patch16_224.mae' }).getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('error-message').filter({ hasText: 'download of vit_base_patch16_224.mae failed' })).toBeVisible();
  // offline: Retry, and the file's address to download by hand and drop
  await expect(page.getByTestId('retry-download')).toBeVisible();
  await expect(page.getByTestId('manual-download')).toHaveAttribute('href', 'https://huggingface.co/timm/vit_base_patch16_224.mae/resolve/main/model.safetensors');
  await expect(page.locator('.preset-card', { hasText: 'beit3' })).toContainText('unavailable: BEiT-3 has no timm checkpoint');
  await expect(page.getByTestId('model-current')).toHaveText(before!);
});

test('a trained model imported under Saved runs is compared in the viewer; a backbone without a decoder is refused', async ({ page }) => {
  await openLab(page);
  // a timm-style checkpoint with a seg_head for the demo dataset's 5 classes, without vfm-lab metadata
  const trained = makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 8, numClasses: 5, seed: 5 });
  await page.getByTestId('import-run').setInputFiles({ name: 'from-cli.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(trained)) });
  await expect(page.getByTestId('saved-run')).toContainText('from-cli.safetensors · demo · '); // model · dataset · date
  await expect(page.getByTestId('saved-run')).toContainText('imported model');
  const viewer = page.getByTestId('viewer');
  await expect(viewer.getByTestId('pane-placeholder').filter({ hasText: 'Choose runs to compare' })).toHaveCount(0);
  await expect(viewer.getByRole('img', { name: 'from-cli.safetensors · demo, mIoU —' })).toBeVisible();
  await expect(page.getByTestId('saved-run').getByRole('button', { name: 'Compare' })).toHaveAttribute('aria-pressed', 'true');

  const backbone = makeTinyVit({ embedDim: 32, depth: 1, patchSize: 8, grid: 8, seed: 6 });
  await page.getByTestId('import-run').setInputFiles({ name: 'backbone.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(backbone)) });
  await expect(page.getByTestId('error-message')).toContainText('backbone.safetensors: no seg_head (linear decoder), so it cannot segment');
  await expect(page.getByTestId('saved-run')).toHaveCount(1);
});
