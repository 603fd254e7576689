/**
 * A run over a whole browser session (both projects): a dropped model and dataset survive a
 * reload and Resume continues on them; after Resume the losses are an uninterrupted run's, bit for
 * bit (on both backends); Pause acts within two steps; a failed Start changes no
 * saved run; repeated runs and comparisons give back their onnxruntime sessions and GPU buffers.
 */
import { expect, test, type Page } from '@playwright/test';
import { genericFiles, zipOf } from '../src/data/testing';
import { makeTinyVit } from '../src/model/demo';
import { writeSafetensors } from '../src/model/safetensors';
import { currentStep, datasetText, openLab, setRecipe, shot, startOnShapesFolder, waitForStep } from './helpers';

function live(page: Page): Promise<{ sessions: number; gpuBytes: number }> {
  return page.evaluate(() => (globalThis as unknown as { vfmLabTesting: { liveResources(): Promise<{ sessions: number; gpuBytes: number }> } }).vfmLabTesting.liveResources());
}

async function dropModelAndZip(page: Page): Promise<void> {
  const ckpt = makeTinyVit({ embedDim: 64, depth: 2, patchSize: 8, grid: 4, seed: 3 });
  await page.getByTestId('model-file').setInputFiles({ name: 'mine.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(ckpt)) });
  await expect(page.getByTestId('model-current')).toContainText('mine.safetensors');
  const zip = zipOf(genericFiles({ path: 'classes.txt', content: 'sky\nroad\ncar\n' }));
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'shapes.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expect(datasetText(page)).toContainText('shapes.zip (generic) — 3 train / 2 val, 3 classes');
}

test('a dropped checkpoint and zip: train, pause (within two steps), reload, Resume continues on the run\'s own model and classes', async ({ page }, info) => {
  test.setTimeout(420_000);
  await openLab(page);
  await dropModelAndZip(page);
  // steps long enough (wasm: batch 128 at 64 px, ~0.5 s; SwiftShader WebGPU is far slower) that the
  // page's view of the step counter (updated at most every 100 ms) and the click (behind chart
  // renders of up to ~0.2 s on a 2-core machine) lag the worker by less than a step: this measures
  // the worker's pause, not the page's paint; 'eval every 0' saves only at the pause
  await setRecipe(page, { steps: 400, batch: info.project.name === 'wasm' ? 128 : 2, evalEvery: 0, augment: false });
  await page.getByTestId('recipe-crop').fill('64');
  await page.getByTestId('start-training').click();
  await waitForStep(page, 3);
  // the charts mount with the first steps (on a 2-core machine, up to a second of main-thread work):
  // the pause is asked once they are drawn, so that this measures the worker, not the page's first paint
  await expect(page.getByTestId('loss-chart')).toBeVisible();
  await waitForStep(page, (await currentStep(page)) + 1);
  const asked = await currentStep(page);
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  const paused = await currentStep(page);
  const ms = await page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { steps: { ms: number }[] } } }).vfmLab.getState().steps.at(-1)!.ms);
  console.log(`pause asked at step ${asked}, paused at step ${paused} (${ms.toFixed(0)} ms per step)`);
  expect(paused - asked).toBeLessThanOrEqual(2);
  // the paused run holds its engine: train and eval sessions (and, on WebGPU, its buffers)
  const held = await live(page);
  expect(held.sessions).toBeGreaterThanOrEqual(2);
  if (info.project.name === 'webgpu') expect(held.gpuBytes).toBeGreaterThan(0);
  // pickers are locked while the run is paused
  await expect(page.getByRole('button', { name: 'Embedded demo model' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Embedded synthetic demo' })).toBeDisabled();
  await shot(page, info, '1-paused');

  await page.reload();
  await openLab(page); // the embedded demo model and dataset are loaded again
  const saved = page.getByTestId('saved-run').first();
  await expect(saved).toContainText('mine.safetensors · shapes.zip · '); // model · dataset · date, then the progress cell
  await expect(saved).toContainText(`step ${paused}/400`);
  await saved.getByTestId('resume-run').click();
  await expect(page.getByTestId('run-state')).toHaveText(/running|paused/);
  await expect(page.getByTestId('model-current')).toContainText('mine.safetensors');
  await expect(datasetText(page)).toContainText('shapes.zip (generic) — 3 train / 2 val, 3 classes');
  await waitForStep(page, paused + 2);
  expect(await currentStep(page)).toBeGreaterThan(paused);
  await shot(page, info, '2-resumed');
  await page.getByTestId('stop-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('stopped');

  // a crop that is not a multiple of the patch is flagged on the field and Start waits; the saved run stays as it was
  await expect(saved).toContainText('· stopped');
  const before = await saved.textContent();
  await page.getByTestId('recipe-crop').fill('12');
  await expect(page.getByTestId('recipe-crop-problem')).toHaveText('crop must be a multiple of the patch size 8 (e.g. 8 or 16)');
  await expect(page.getByTestId('start-training')).toBeDisabled();
  await page.reload();
  // the remembered recipe is the user's, also beside saved runs (issue 24: a reload's reads never overwrite it): still flagged
  await expect(page.getByTestId('backend-badge')).not.toHaveText(/starting/);
  await expect(page.getByTestId('recipe-crop-problem')).toHaveText('crop must be a multiple of the patch size 8 (e.g. 8 or 16)');
  await expect(page.getByTestId('saved-run').first()).toHaveText(before!);
});

/** The charted steps as [step, loss] pairs (through the automation hook on window). */
function stepLosses(page: Page): Promise<[number, number][]> {
  return page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { steps: { step: number; loss: number }[] } } }).vfmLab.getState().steps.map((s) => [s.step, s.loss] as [number, number]));
}

test('after pause, reload and Resume the losses continue the curve of an uninterrupted run with the same seed, exactly', async ({ page }, info) => {
  test.setTimeout(420_000);
  await openLab(page);
  // shuffling and augmentation on (seed 0): resume must give the same batches, weights and AdamW state
  await setRecipe(page, { steps: 200, batch: info.project.name === 'wasm' ? 8 : 2, evalEvery: 0, augment: true, shuffle: true });
  await page.getByTestId('start-training').click();
  await waitForStep(page, 3);
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  const paused = await currentStep(page);

  await page.reload();
  await openLab(page);
  await page.getByTestId('saved-run').first().getByTestId('resume-run').click();
  const end = paused + 3;
  await waitForStep(page, end);
  await page.getByTestId('stop-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('stopped');
  const resumed = (await stepLosses(page)).filter(([step]) => step <= end);
  await shot(page, info, 'resumed-curve');

  // the reference: the same recipe from the start, never interrupted. Reloaded first: after a
  // Resume the loaded model is the run's save (its weights at the pause), not the demo model
  await page.reload();
  await openLab(page);
  await page.getByTestId('start-training').click();
  await waitForStep(page, end);
  await page.getByTestId('stop-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('stopped');
  const whole = (await stepLosses(page)).filter(([step]) => step <= end);
  info.annotations.push({ type: 'losses', description: JSON.stringify({ paused, resumed, whole }) });
  console.log(`paused at ${paused}; resumed ${JSON.stringify(resumed.slice(paused - 1))}; uninterrupted ${JSON.stringify(whole.slice(paused - 1))}`);
  // one row per step, 1…end, with no gap or repeat at the pause
  expect(resumed.map(([step]) => step)).toEqual(Array.from({ length: end }, (_, i) => i + 1));
  // the losses after the resume are the uninterrupted run's, bit for bit (the same kernels on the same inputs)
  expect(resumed).toEqual(whole);
});

test('Resume of a run whose dataset folder was not kept asks for it by name and does not train', async ({ page }) => {
  test.setTimeout(300_000);
  await startOnShapesFolder(page, 'vfm-life-', { steps: 400, batch: 2, evalEvery: 0, augment: false });
  await waitForStep(page, 2);
  await page.getByTestId('pause-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('paused');

  await page.reload();
  await openLab(page); // the demo dataset again: not the run's
  const saved = page.getByTestId('saved-run').first();
  await expect(saved).toContainText('my-shapes · ');
  const before = await saved.textContent();
  await saved.getByTestId('resume-run').click();
  await expect(page.getByTestId('run-state')).toHaveText('error');
  await expect(page.getByTestId('error-message').filter({ hasText: 'was trained on the dataset "my-shapes" (3 classes: sky, road, car' })).toContainText('Load "my-shapes"');
  await expect(datasetText(page)).toContainText('demo');
  await expect(saved).toHaveText(before!);
});

test('Start→finish five times and Compare ten times give back every session and GPU buffer', async ({ page }) => {
  test.setTimeout(420_000);
  await openLab(page);
  await setRecipe(page, { steps: 2, batch: 2, evalEvery: 0, augment: false });
  await page.getByTestId('recipe-crop').fill('32');
  const images = page.getByRole('listbox', { name: 'Validation images' }).getByRole('option');
  const finishOnce = async () => {
    await page.getByTestId('start-training').click();
    await expect(page.getByTestId('run-state')).toHaveText('finished');
    await expect(page.getByTestId('start-training')).toBeEnabled();
    // the viewer asks for "this run" after it ended: predicted from its save by one cached runner
    await images.nth(1).click();
    await images.nth(0).click();
  };
  await finishOnce();
  await expect(page.getByTestId('saved-run')).toHaveCount(1);
  // after a run: nothing but the eval runner that shows its predictions
  const baseline = { sessions: 1, gpuBytes: 0 };
  await expect.poll(() => live(page)).toEqual(baseline);
  for (let i = 0; i < 4; i++) await finishOnce();
  await expect(page.getByTestId('saved-run')).toHaveCount(5);
  await expect.poll(() => live(page)).toEqual(baseline);

  const compare = page.getByTestId('saved-run').nth(1).getByRole('button', { name: 'Compare' });
  for (let i = 0; i < 10; i++) {
    await compare.click();
    await expect(compare).toHaveAttribute('aria-pressed', i % 2 === 0 ? 'true' : 'false');
  }
  // one cached runner for the compared run, however many clicks
  await expect.poll(() => live(page)).toEqual({ ...baseline, sessions: baseline.sessions + 1 });
  // deleting the compared run gives its runner back
  await page.getByTestId('saved-run').nth(1).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('saved-run')).toHaveCount(5); // nothing goes before the confirmation
  await page.getByTestId('saved-run').nth(1).getByTestId('confirm-delete').click();
  await expect(page.getByTestId('saved-run')).toHaveCount(4);
  await expect.poll(() => live(page)).toEqual(baseline);

  // the storage panel lists the runs with their sizes; deleting asks first
  await page.getByTestId('storage-panel').locator('summary').click();
  await expect(page.getByTestId('storage-run')).toHaveCount(4);
  await expect(page.getByTestId('storage-run').first()).toContainText(/demo ViT.* · demo · step 2 — [\d.]+ (KB|MB)/);
  await page.getByTestId('storage-run').first().getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId('storage-run')).toHaveCount(4); // nothing goes before the confirmation
  await page.getByTestId('confirm-delete').click();
  await expect(page.getByTestId('storage-run')).toHaveCount(3);
  await expect(page.getByTestId('saved-run')).toHaveCount(3);
});
