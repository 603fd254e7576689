/**
 * The page itself (both projects): title, cross-origin isolation, which WebGPU adapter this
 * Chromium offers. Then the browser lab on WebGPU (SwiftShader in headless Chromium): train,
 * pause, reload, resume.
 */
import { expect, test } from '@playwright/test';
import { currentStep, openLab, setRecipe, shot, waitForStep } from './helpers';

test('the page loads cross-origin isolated, with the title', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('VFM Lab');
  // onnxruntime-web's wasm threads need SharedArrayBuffer: COOP/COEP from vite preview
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
});

test('WebGPU probe: an adapter under the webgpu project, none under wasm; the badge agrees', async ({ page }, info) => {
  await page.goto('/');
  const probe = await page.evaluate(async () => {
    if (!navigator.gpu) return { gpu: false, adapter: false };
    const a = await navigator.gpu.requestAdapter();
    return { gpu: true, adapter: !!a, vendor: a?.info.vendor, architecture: a?.info.architecture, fallback: a?.info.isFallbackAdapter };
  });
  info.annotations.push({ type: 'webgpu', description: JSON.stringify(probe) });
  const webgpu = info.project.name === 'webgpu';
  expect(probe.adapter).toBe(webgpu);
  await expect(page.getByTestId('backend-badge')).toContainText(webgpu ? 'WebGPU' : 'wasm');
  // the reason is on hover (title), too
  expect(await page.getByTestId('backend-badge').getAttribute('title')).toBeTruthy();
});

test('trains the demo on WebGPU; pause holds; reload and resume continue from the saved step', async ({ page }, info) => {
  test.skip(info.project.name !== 'webgpu', 'needs a WebGPU adapter');
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
