/** The same flow without WebGPU: the badge says wasm and why; a broken zip is refused and nothing is lost. */
import { expect, test } from '@playwright/test';
import { currentStep, openLab, setRecipe, shot, waitForStep } from './helpers';

test('trains the demo on wasm when WebGPU has no adapter, and says so', async ({ page }, info) => {
  await openLab(page);
  await expect(page.getByTestId('backend-badge')).toContainText('wasm');
  await expect(page.locator('.backend-reason')).toContainText('no GPU adapter');
  await setRecipe(page, { steps: 400, batch: 4, evalEvery: 20 });
  await page.getByTestId('start-training').click();
  await waitForStep(page, 21);
  await expect(page.getByTestId('loss-chart').locator('.recharts-line path').first()).toBeVisible();
  await expect(page.getByTestId('viewer').locator('canvas[role="img"]')).toHaveCount(3); // image, ground truth, this run (no run compared; error maps are a switch)
  await shot(page, info, '1-training-wasm');
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  const held = await currentStep(page);
  await page.waitForTimeout(1500);
  expect(await currentStep(page)).toBe(held);
});

test('a broken dataset zip shows a clear error and the app keeps working', async ({ page }, info) => {
  await openLab(page);
  const before = await page.locator('fieldset', { hasText: 'Dataset' }).locator('.current').textContent();
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('this is not a zip archive') });
  await expect(page.getByTestId('error-message')).toContainText('broken.zip');
  await shot(page, info, '2-broken-zip');
  // the demo dataset is still loaded and training still starts
  await expect(page.locator('fieldset', { hasText: 'Dataset' }).locator('.current')).toHaveText(before!);
  await setRecipe(page, { steps: 5, batch: 2, evalEvery: 0 });
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 120_000 });
});

test('talk mode shows charts and viewer full-width with large type', async ({ page }, info) => {
  await openLab(page);
  await page.getByRole('button', { name: 'Talk mode' }).click();
  await expect(page.locator('.app.talk')).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Set-up' })).toHaveCount(0);
  // before any run: the viewer, and one line where the charts will be (not empty chart frames)
  await expect(page.getByTestId('charts-empty')).toBeVisible();
  await expect(page.getByTestId('viewer')).toBeVisible();
  await shot(page, info, '3-talk-mode');
  await page.getByRole('button', { name: 'Exit talk mode' }).click();
  await expect(page.getByRole('complementary', { name: 'Set-up' })).toBeVisible();
});
