/**
 * Issue 24's session bugs on the store and worker side, as a student meets them: a two-model queue
 * on a dropped zip, reloaded mid-way. The wrong file is refused when it is added; after the reload
 * the page reopens the last run beside its own dataset, Continue resumes the interrupted run from
 * its save (its id was recorded at once) and trains the rest on the queue's dataset; no raw OPFS
 * error when the second model starts; the leaderboard and the legend are that dataset's. A run on
 * a folder (not kept) says after a reload which dataset it needs, by the run's name, until it is loaded.
 */
import { expect, test, type Page } from '@playwright/test';
import { genericFiles, zipOf } from '../src/data/testing';
import { makeTinyVit } from '../src/model/demo';
import { writeSafetensors } from '../src/model/safetensors';
import { datasetText, openLab, setRecipe, shot, startOnShapesFolder } from './helpers';

type Lab = { vfmLab: { getState(): { queue?: { entries: { runId?: string }[] }; runs: { id: string; savedStep: number; datasetName: string }[] } } };
const labState = (page: Page) => page.evaluate(() => {
  const s = (globalThis as unknown as Lab).vfmLab.getState();
  return { ids: s.queue?.entries.map((e) => e.runId ?? 'none') ?? [], runs: s.runs.map((r) => ({ id: r.id, savedStep: r.savedStep, datasetName: r.datasetName })) };
});

test('a two-model queue on a dropped zip, reloaded mid-way, continues from the saved run on the queue\'s dataset', async ({ page }, info) => {
  test.setTimeout(540_000);
  await openLab(page);
  const zip = zipOf(genericFiles({ path: 'classes.txt', content: 'sky\nroad\ncar\n' }));
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'mydata.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expect(datasetText(page)).toContainText('mydata.zip (generic) — 3 train / 2 val, 3 classes');
  await setRecipe(page, { steps: 40, batch: 2, evalEvery: 4, augment: false });

  // a file that is no checkpoint is refused when it is added, not after the model before it has trained
  await page.getByTestId('queue-file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a checkpoint') });
  await expect(page.getByTestId('error-message').filter({ hasText: 'notes.txt cannot join the queue: it is not a .safetensors file' })).toHaveCount(1);
  await expect(page.getByTestId('queue-picked')).toHaveCount(0);

  const tiny = makeTinyVit({ embedDim: 64, depth: 2, patchSize: 8, grid: 8, seed: 7 });
  await page.getByTestId('queue-file').setInputFiles({ name: 'tiny.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(tiny)) });
  await page.getByTestId('queue-demo').check();
  await expect(page.getByTestId('queue-picked')).toHaveText('Queued: tiny.safetensors, demo');
  await page.getByTestId('queue-start').click();
  // the entry knows its run from the start; the reload comes once the run has a save
  await expect.poll(async () => {
    const { ids, runs } = await labState(page);
    return runs.find((r) => r.id === ids[0])?.savedStep ?? 0;
  }, { timeout: 240_000, intervals: [250] }).toBeGreaterThanOrEqual(4);
  const [interrupted] = (await labState(page)).ids;

  await page.reload();
  await openLab(page);
  // the last run comes back beside its own dataset (the copy kept with it), with no notice
  await expect(datasetText(page)).toContainText('mydata.zip (generic)');
  await expect(page.getByText(/was trained on/)).toHaveCount(0);
  const entries = page.getByTestId('queue-entry');
  await expect(entries).toHaveText(['tiny.safetensors: running', 'demo: waiting']);
  await page.getByTestId('queue-continue').click();
  await expect(entries).toHaveText(['tiny.safetensors: done', 'demo: done'], { timeout: 400_000 });

  const { ids, runs } = await labState(page);
  expect(ids[0]).toBe(interrupted); // resumed, not trained again
  expect(runs.filter((r) => ids.includes(r.id)).map((r) => [r.savedStep, r.datasetName])).toEqual([[40, 'mydata.zip'], [40, 'mydata.zip']]);
  expect(await page.getByTestId('error-message').allTextContents()).toEqual([]);
  await expect(page.getByTestId('leaderboard').getByRole('heading')).toHaveText('Leaderboard · mydata.zip');
  await expect(page.getByTestId('leaderboard-row')).toHaveCount(2);
  for (const label of await page.getByTestId('legend-entry').allTextContents()) expect(label).not.toContain('this run (this run)');
  await shot(page, info, 'queue-continued');
});

test('after a reload, a run on a folder that was not kept names the dataset it needs, by the run\'s name, until that folder is loaded', async ({ page }, info) => {
  test.setTimeout(300_000);
  const root = await startOnShapesFolder(page, 'vfm-session-', { steps: 4, batch: 2, evalEvery: 4, augment: false });
  await expect(page.getByTestId('run-state')).toHaveText('finished');

  await page.reload();
  await openLab(page);
  const notices = page.getByTestId('run-notices');
  await expect(notices).toHaveText('“demo ViT (depth 2, width 64) · my-shapes” was trained on my-shapes (3 classes: sky, road, car): load my-shapes to see the run\'s predictions');
  await expect(notices).not.toContainText('run-');
  await shot(page, info, 'reload-asks-dataset');
  await page.getByTestId('dataset-folder').setInputFiles(root);
  await expect(datasetText(page)).toContainText('my-shapes (generic)');
  await expect(notices).toHaveCount(0);
  await expect(page.getByTestId('prediction-pane').getByRole('img').first()).toHaveAccessibleName(/^This run: demo ViT \(depth 2, width 64\) · my-shapes/);
});
