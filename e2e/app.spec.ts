/**
 * The page itself (both projects): title, cross-origin isolation, which WebGPU adapter this
 * Chromium offers. Then the browser lab on WebGPU (SwiftShader in headless Chromium): train,
 * pause, reload, resume.
 */
import { expect, test } from '@playwright/test';
import { canvasColours, currentStep, openLab, setRecipe, shot, waitForStep } from './helpers';

test('the page loads cross-origin isolated, with the title', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('VFM Lab');
  // onnxruntime-web's wasm threads need SharedArrayBuffer: COOP/COEP from vite preview
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
});

test('WebGPU probe: a software adapter under the webgpu project, none under wasm; auto picks wasm and says why; WebGPU on request', async ({ page }, info) => {
  await page.goto('/?backend=auto');
  const probe = await page.evaluate(async () => {
    if (!navigator.gpu) return { gpu: false, adapter: false };
    const a = await navigator.gpu.requestAdapter();
    return { gpu: true, adapter: !!a, vendor: a?.info.vendor, architecture: a?.info.architecture, fallback: a?.info.isFallbackAdapter };
  });
  info.annotations.push({ type: 'webgpu', description: JSON.stringify(probe) });
  const webgpu = info.project.name === 'webgpu';
  expect(probe.adapter).toBe(webgpu);
  const badge = page.getByTestId('backend-badge');
  // headless Chromium's only adapter is SwiftShader: auto runs on wasm, amber, and the reason names it
  await expect(badge).toContainText('wasm');
  await expect(badge).toHaveClass(/warn/);
  expect(await badge.getAttribute('title')).toBeTruthy(); // the reason is on hover, too
  await expect(page.locator('.tagline')).not.toContainText('GPU');
  if (!webgpu) return;
  await expect(page.getByTestId('backend-reason')).toContainText('software WebGPU adapter (SwiftShader)');
  await page.getByTestId('backend-choice').selectOption('webgpu'); // the user can still override
  await expect(badge).toContainText('WebGPU · software (SwiftShader)');
  await expect(badge).toHaveClass(/warn/);
});

test('the recipe and talk mode survive a reload', async ({ page }) => {
  await openLab(page);
  await setRecipe(page, { steps: 77, batch: 3 });
  await page.reload();
  await openLab(page);
  await expect(page.getByTestId('recipe-steps')).toHaveValue('77');
  await expect(page.getByTestId('recipe-batch')).toHaveValue('3');
  await page.getByRole('button', { name: 'Talk mode' }).click(); // talk mode hides the set-up panel
  await page.reload();
  await openLab(page);
  await expect(page.getByRole('button', { name: 'Exit talk mode' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('recipe-steps')).toHaveCount(0);
});

test('the shell before training: recipe presets, second-run placeholder, legend, dismissable alert, keyboard', async ({ page }, info) => {
  await openLab(page);
  await expect(page.getByTestId('step-counter')).toHaveAttribute('aria-live', 'polite');
  await expect(page.getByTestId('step-counter')).toContainText('step 0');
  await page.getByRole('button', { name: 'Benchmark settings' }).click();
  await expect(page.getByTestId('recipe-lrHead')).toHaveValue('0.0001');
  await expect(page.getByTestId('recipe-lrEncoder')).toHaveValue('0.00001');
  await page.getByRole('button', { name: 'Demo defaults' }).click();
  await expect(page.getByTestId('recipe-crop')).toHaveValue('64');
  await expect(page.getByTestId('recipe-lrHead')).toHaveValue('0.001');
  // inputs are labelled, with the one-line explanation as their description
  await expect(page.getByLabel('Batch', { exact: true })).toHaveAttribute('data-testid', 'recipe-batch', { timeout: 5000 });
  await expect(page.getByLabel('Batch', { exact: true })).toHaveAccessibleDescription(/images per forward/, { timeout: 5000 });
  const viewer = page.getByTestId('viewer');
  await expect(viewer.getByTestId('pane-placeholder').filter({ hasText: 'Choose runs to compare' })).toBeVisible();
  // before any run: image and ground truth are drawn, the prediction panes say why they are empty
  await expect(viewer.locator('canvas[role="img"]')).toHaveCount(2);
  await expect(viewer.getByTestId('pane-placeholder').filter({ hasText: 'No prediction yet' })).toHaveCount(1);
  await expect(page.getByRole('list', { name: 'Legend' }).locator('li').first()).toBeVisible();
  // hovering a pane names the class under the cursor (in every pane's caption)
  const legend = (await page.getByRole('list', { name: 'Legend' }).locator('li').allTextContents()).map((t) => t.trim());
  await viewer.getByRole('img', { name: /^Ground truth/ }).hover();
  const caption = (await viewer.locator('figcaption', { hasText: 'Ground truth' }).textContent())!.replace('Ground truth', '').trim();
  expect([...legend, 'ignore']).toContain(caption);
  await page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { reportError(e: unknown): void } } }).vfmLab.getState().reportError(new Error('something went wrong')));
  await expect(page.getByRole('alert')).toContainText('something went wrong');
  await shot(page, info, '0-shell');
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Start is reachable with the keyboard
  await page.getByTestId('start-training').focus();
  await expect(page.getByTestId('start-training')).toBeFocused();
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
  await expect(panes).toHaveCount(3); // image, ground truth, this run (no run compared; error maps are a switch)
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
  await expect(page.getByTestId('run-state')).toHaveText(/running|error/);
  expect(await page.getByTestId('error-message').allTextContents()).toEqual([]); // a failed Resume says why here
  await expect(page.getByTestId('run-state')).toHaveText('running');
  expect(await currentStep(page)).toBeGreaterThanOrEqual(paused);
  await waitForStep(page, paused + 3);
  await shot(page, info, '3-resumed');
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');

  // the feature lens through WebGPU sessions: the loaded model and the paused run's last save
  await page.getByTestId('feature-lens').locator('summary').click();
  const lenses = page.getByTestId('lens-canvas');
  await expect(lenses).toHaveCount(2);
  for (const i of [0, 1]) expect((await canvasColours(lenses.nth(i))).distinct).toBeGreaterThan(8);
  expect(await page.getByTestId('error-message').allTextContents()).toEqual([]);
});
