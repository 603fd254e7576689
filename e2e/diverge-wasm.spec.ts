/**
 * Divergence in the browser: the shared training loop stops at a non-finite loss or gradient, and
 * the worker's error path shows the message (step and likely cause) instead of charting NaN.
 */
import { expect, test } from '@playwright/test';
import { openLab, pageLosses, setRecipe, shot } from './helpers';

test('a learning rate of 1e10 stops training with a message naming the step and the likely cause', async ({ page }, info) => {
  await openLab(page);
  await setRecipe(page, { steps: 50, batch: 2, evalEvery: 0 });
  await page.getByTestId('recipe-lrHead').fill('1e10');
  await page.getByTestId('recipe-lrEncoder').fill('1e10');
  await page.getByTestId('start-training').click();
  await expect(page.getByRole('alert')).toContainText(/training diverged at step \d+: the (loss|gradient norm) is .*Likely cause: a learning rate too high/, { timeout: 120_000 });
  await shot(page, info, 'diverged');
  expect((await pageLosses(page)).every(Number.isFinite)).toBe(true);
  await expect(page.getByTestId('run-state')).not.toHaveText(/running|finished/);
});
