/** The browser lab on WebGPU (SwiftShader in headless Chromium): train, pause, reload, resume. */
import { expect, test } from '@playwright/test';
import { currentStep, openLab, setRecipe, shot, waitForStep } from './helpers';

test('trains the demo on WebGPU; pause holds; reload and resume continue from the saved step', async ({ page }, info) => {
  test.setTimeout(420_000);
  await openLab(page);
  await expect(page.getByTestId('backend-badge')).toContainText('WebGPU');
  await setRecipe(page, { steps: 60, batch: 2, evalEvery: 10 });
  await page.getByTestId('start-training').click();
  await waitForStep(page, 21);

  // the loss chart is drawn and the viewer shows image, ground truth and prediction
  await expect(page.getByTestId('loss-chart').locator('.recharts-line path').first()).toBeVisible();
  await expect(page.getByTestId('miou-chart')).toBeVisible();
  const panes = page.getByTestId('viewer').locator('canvas[role="img"]');
  await expect(panes).toHaveCount(4); // image, ground truth, this run, error map (no second run chosen)
  await shot(page, info, '1-training-webgpu');

  // pause holds the counter
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  const paused = await currentStep(page);
  await page.waitForTimeout(3000);
  expect(await currentStep(page)).toBe(paused);
  await shot(page, info, '2-paused');

  // reload: the run is listed and resumes where it stopped
  await page.reload();
  await openLab(page);
  const saved = page.getByTestId('saved-run').first();
  await expect(saved).toContainText(`step ${paused}/60`);
  await expect(saved).toContainText('paused');
  await saved.getByTestId('resume-run').click();
  await expect(page.getByTestId('run-state')).toHaveText('running');
  expect(await currentStep(page)).toBeGreaterThanOrEqual(paused);
  await waitForStep(page, paused + 3);
  await shot(page, info, '3-resumed');
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');
});
