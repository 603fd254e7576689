/** Linear probing in the browser: features are cached once (with progress), then the decoder trains. */
import { expect, test } from '@playwright/test';
import { openLab, setRecipe } from './helpers';

test('freeze encoder without augmentation caches features on the GPU and trains the decoder', async ({ page }) => {
  await openLab(page);
  await setRecipe(page, { steps: 12, batch: 4, evalEvery: 0, augment: false });
  await page.getByTestId('recipe-freeze').selectOption('encoder');
  const sawFeatures = page.waitForFunction(() => {
    const p = (globalThis as unknown as { vfmLab: { getState(): { progress: Record<string, { done: number; total: number }> } } }).vfmLab.getState().progress.features;
    return p && p.total === 48 && p.done === 48;
  }, undefined, { timeout: 120_000 });
  await page.getByTestId('start-training').click();
  await sawFeatures;
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 180_000 });
  const losses = await page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { steps: { loss: number }[] } } }).vfmLab.getState().steps.map((s) => s.loss));
  expect(losses).toHaveLength(12);
  expect(losses.every(Number.isFinite)).toBe(true);
});
