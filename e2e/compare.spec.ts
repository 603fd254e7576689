/**
 * The leaderboard of saved runs (issue 14): two short runs on the demo, ranked best mIoU first,
 * re-sorted by a header click, and downloaded as CSV (RFC 4180, best first) and Markdown; their
 * curves overlaid (named, toggleable), a chart as PNG, and the race in talk mode; the queue's runs
 * race in talk mode's viewer grid and are compared side by side (e2e/nway.ts); the feature lens on
 * them (before / after fine-tuning, hover and keys) and a cross-dataset evaluation.
 */
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { makeDemoFiles } from '../src/data/synthetic';
import { zipOf } from '../src/data/testing';
import { makeTinyVit } from '../src/model/demo';
import { writeSafetensors } from '../src/model/safetensors';
import { canvasColours, openLab, setRecipe, shot } from './helpers';
import { compareBoth, watchRace } from './nway';

async function trainRun(page: Page, steps: number): Promise<void> {
  await setRecipe(page, { steps, batch: 2, evalEvery: steps });
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('finished');
}

/** One CSV record's fields (RFC 4180: quoted fields may hold commas and doubled quotes). */
const fields = (line: string) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));

const column = (page: Page, index: number) =>
  page.getByTestId('leaderboard-row').evaluateAll((rows, i) => rows.map((r) => r.querySelectorAll('td')[i].textContent ?? ''), index);

test('two runs appear on the leaderboard best first, sort by a header, and download as CSV and Markdown', async ({ page }, info) => {
  test.setTimeout(420_000);
  await openLab(page);
  await trainRun(page, 2);
  await expect(page.getByTestId('leaderboard-row')).toHaveCount(1);
  await trainRun(page, 3);
  await expect(page.getByTestId('leaderboard-row')).toHaveCount(2);

  // columns: # (best-first rank), run, family, recipe, mIoU %
  const scores = (await column(page, 4)).map(Number);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  expect(await column(page, 0)).toEqual(['1', '2']);
  expect(await column(page, 5)).toHaveLength(2);
  // the board says which mIoU it shows: the demo recipe's mean over the classes present (edited runs still follow the demo's rules; their edits are setting columns)
  await expect(page.getByTestId('leaderboard-miou')).toHaveText('mIoU: mean over the classes present in labels or predictions (demo)');
  await shot(page, info, 'leaderboard');

  // a click on Steps sorts by it (ascending first), and the header says so
  const steps = page.getByRole('columnheader', { name: /Steps/ });
  await steps.getByRole('button').click();
  await expect(steps).toHaveAttribute('aria-sort', 'ascending');
  expect(await column(page, 5)).toEqual(['2', '3']);
  await steps.getByRole('button').click();
  await expect(steps).toHaveAttribute('aria-sort', 'descending');
  expect(await column(page, 5)).toEqual(['3', '2']);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('leaderboard-csv').click()]);
  expect(csv.suggestedFilename()).toMatch(/^leaderboard-.*\.csv$/);
  const lines = readFileSync((await csv.path())!, 'utf8').split('\r\n');
  expect(lines[0]).toMatch(/^rank,model,family,recipe,mIoU,steps,/);
  expect(lines).toHaveLength(4); // header, two runs, and the empty string after the last CRLF
  const csvScores = lines.slice(1, 3).map((l) => Number(fields(l)[4]));
  expect(csvScores.map((s) => (100 * s).toFixed(1))).toEqual(scores.map((s) => s.toFixed(1)));

  const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('leaderboard-md').click()]);
  expect(readFileSync((await md.path())!, 'utf8')).toMatch(/^\| # \| model \| family \| recipe \| mIoU % \|/);
  // browser runs record their wall time and memory plan (columns 6 and 9: Train s, Memory plan MiB)
  for (const i of [6, 9]) for (const v of await column(page, i)) expect(v).toMatch(/^\d+\.\d$/);

  await overlaidCurves(page, info);

  // two runs of one model on one dataset: the viewer names this run as the leaderboard does, with its start time
  const names = await column(page, 1);
  expect(new Set(names).size).toBe(2);
  await expect(page.getByTestId('prediction-pane').getByRole('img').first()).toHaveAccessibleName(new RegExp(`^This run: (${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')}), mIoU`));
  expect(names.every((n) => / · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(n))).toBe(true);

  // the feature lens: the loaded model before fine-tuning beside the newest run after it
  await page.getByTestId('feature-lens').locator('summary').click();
  const lenses = page.getByTestId('lens-canvas');
  await expect(lenses).toHaveCount(2);
  await expect(page.getByTestId('lens-panel').locator('figcaption')).toHaveText([/before fine-tuning/, /after fine-tuning/]);
  const colours = (i: number) => canvasColours(lenses.nth(i));
  const [before, after] = [await colours(0), await colours(1)];
  expect(before.distinct).toBeGreaterThan(8);
  expect(after.distinct).toBeGreaterThan(8);
  expect(after.url).not.toEqual(before.url); // fine-tuning moved the features
  await shot(page, info, 'feature-lens-pca');

  // hover a patch: every panel shows the similarity to that patch position; the patch itself scores 1
  await lenses.nth(0).hover({ position: { x: 60, y: 140 } });
  await expect(lenses.nth(0)).toHaveAttribute('data-mode', 'similarity');
  await expect(lenses.nth(1)).toHaveAttribute('data-mode', 'similarity');
  await expect(lenses.nth(0)).toHaveAttribute('data-probe-similarity', '1.0000');
  await expect(lenses.nth(1)).toHaveAttribute('data-probe-similarity', '1.0000');
  expect((await colours(0)).url).not.toEqual(before.url);
  // the keyboard: a focused panel's arrow keys move the probe (the pointer away, so the full-page shot keeps it)
  await page.mouse.move(0, 0);
  await expect(lenses.nth(1)).toHaveAttribute('data-mode', 'pca');
  await lenses.nth(1).focus();
  await page.keyboard.press('ArrowRight');
  await expect(lenses.nth(1)).toHaveAttribute('aria-label', /similarity to patch \d+, \d+ \(1\.00 there\)/);
  await shot(page, info, 'feature-lens-similarity');
  const axe = await new AxeBuilder({ page }).include('[data-testid="feature-lens"]').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);

  // cross-dataset evaluation: a second synthetic dataset with the demo's classes, the newest run scored on it
  const second = zipOf(makeDemoFiles(7, { size: 64, train: 2, val: 2 }));
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'shapes-b.zip', mimeType: 'application/zip', buffer: Buffer.from(second) });
  await expect(page.getByTestId('evaluate-run-on').first()).toHaveText(/Evaluate on shapes-b/);
  await expect(page.getByRole('columnheader', { name: /Cross-dataset/ })).toHaveCount(0);
  await page.getByTestId('evaluate-run-on').first().click();
  await expect(page.getByRole('columnheader', { name: /Cross-dataset/ })).toBeVisible();
  expect((await column(page, 10)).filter((t) => /\d+\.\d \(shapes-b/.test(t))).toHaveLength(1);
  await expect(page.getByTestId('run-cross')).toHaveText(/on shapes-b.*% mIoU/);
  await shot(page, info, 'cross-dataset');
});

/** The two runs' curves overlaid: one named, toggleable line per run, a PNG of the chart, and the race in talk mode. */
async function overlaidCurves(page: Page, info: TestInfo): Promise<void> {
  const miou = page.getByTestId('miou-chart');
  const entries = page.getByTestId('legend-entry');
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText('(this run)');
  for (const e of await entries.all()) await expect(e).toHaveAttribute('aria-pressed', 'true');
  const lines = miou.locator('.recharts-line.run-line');
  await expect(lines).toHaveCount(2);
  await shot(page, info, 'overlaid-curves');
  const saved = entries.nth(1);
  const id = (await saved.getAttribute('data-run'))!;
  await expect(miou.locator(`.run-${id}`)).toHaveCount(1);
  await saved.click(); // off: its line leaves both charts
  await expect(saved).toHaveAttribute('aria-pressed', 'false');
  await expect(lines).toHaveCount(1);
  await expect(miou.locator(`.run-${id}`)).toHaveCount(0);
  await expect(page.getByTestId('loss-chart').locator(`.run-${id}`)).toHaveCount(0);
  await saved.press('Enter'); // keyboard: on again
  await expect(saved).toHaveAttribute('aria-pressed', 'true');
  await expect(lines).toHaveCount(2);
  // the line's colour is the legend's (on the loss chart: each mIoU line here is one evaluation, a dot)
  const swatch = await saved.locator('.run-swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
  const curve = page.getByTestId('loss-chart').locator(`.run-${id} path.recharts-curve`).first();
  expect(await curve.evaluate((p) => getComputedStyle(p).stroke, undefined, { timeout: 10_000 })).toBe(swatch);

  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('miou-chart-png').click()]);
  expect(png.suggestedFilename()).toMatch(/^leaderboard-demo-mIoU\.png$/);
  const bytes = readFileSync((await png.path())!);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]); // the PNG signature
  expect(bytes.readUInt32BE(16)).toBeGreaterThan(0); // IHDR width
  expect(bytes.readUInt32BE(20)).toBeGreaterThan(0); // IHDR height
  await png.saveAs(info.outputPath('miou-chart.png'));

  // talk mode: every run on the mIoU chart and a compact leaderboard (rank, run, mIoU)
  await page.getByRole('button', { name: 'Talk mode' }).click();
  await expect(page.locator('.app.talk')).toBeVisible();
  await expect(page.getByTestId('leaderboard').getByRole('columnheader')).toHaveText(['#', /^Run/, /^mIoU %/]);
  await expect(page.getByTestId('leaderboard-row')).toHaveCount(2);
  await expect(lines).toHaveCount(2);
  await shot(page, info, 'talk-race');
  await page.getByRole('button', { name: 'Exit talk mode' }).click();
}

test('a queue of two tiny models trains one after the other and both land on the leaderboard', async ({ page }, info) => {
  test.setTimeout(420_000);
  await openLab(page);
  await setRecipe(page, { steps: 2, batch: 2, evalEvery: 2 });
  await page.getByTestId('queue-demo').check();
  const tiny = makeTinyVit({ embedDim: 64, depth: 2, patchSize: 8, grid: 8, seed: 7, regTokens: 2, layerScale: true });
  await page.getByTestId('queue-file').setInputFiles({ name: 'tiny.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(writeSafetensors(tiny)) });
  await expect(page.getByTestId('queue-picked')).toHaveText('Queued: demo, tiny.safetensors');
  await page.getByTestId('queue-start').click();
  await watchRace(page, info, /^demo ViT/, /^This run: tiny\.safetensors/);
  const entries = page.getByTestId('queue-entry');
  await expect(entries).toHaveText(['demo: done', 'tiny.safetensors: done']);
  await expect(page.getByTestId('queue-progress')).toHaveAttribute('value', '1');
  // each entry knows its saved run, even a run that ended before the page first listed it
  const runIds = () => page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { queue?: { entries: { runId?: string }[] } } } })
    .vfmLab.getState().queue?.entries.map((e) => e.runId ?? 'none'));
  expect(await runIds()).toEqual([expect.stringMatching(/^run-/), expect.stringMatching(/^run-/)]);
  const rows = page.getByTestId('leaderboard-row');
  await expect(rows).toHaveCount(2);
  const names = (await column(page, 1)).join('\n');
  expect(names).toContain('demo ViT');
  expect(names).toContain('tiny.safetensors');
  expect(await column(page, 2)).toContain('dinov2'); // the dropped one has registers: detected as DINOv2
  const scores = (await column(page, 4)).map(Number);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  await shot(page, info, 'queue');
  await compareBoth(page, info);
  // talk mode races the queue's runs on one mIoU chart, beside the compact leaderboard
  await page.getByRole('button', { name: 'Talk mode' }).click();
  await expect(page.getByTestId('miou-chart').locator('.recharts-line.run-line')).toHaveCount(2);
  await expect(page.getByTestId('leaderboard').getByRole('columnheader')).toHaveCount(3);
  await shot(page, info, 'queue-talk');
});
