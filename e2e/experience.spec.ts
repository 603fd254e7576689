/**
 * The first-time experience (issue 15): screenshots of each state at 1440×900 (first screen,
 * preparing, training, finished), talk mode at 1280×720 and 1920×1080 (before a run, and its race with
 * nine panes and the leaderboard after one), a 390×844 phone, a refused zip (issue 24), and an
 * axe-core scan of the main states. Screenshots go to test-results/ (look at them).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
import { maskPng, pngRgb, zipOf } from '../src/data/testing';
import { openLab, setRecipe, shot } from './helpers';

async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
}

test('first screen: three steps, one primary Start early in the tab order, no empty charts; axe-clean', async ({ page }, info) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openLab(page);
  await expect(page.getByRole('list', { name: 'Three steps' }).getByRole('heading')).toHaveText(['1 Model', '2 Data', '3 Train']);
  await expect(page.getByTestId('charts-empty')).toBeVisible();
  await expect(page.locator('.chart')).toHaveCount(0);
  await expect(page.locator('button.primary')).toHaveCount(1);
  await expect(page.getByTestId('start-training')).toHaveClass(/primary/);
  await expect(page.getByTestId('start-training')).toBeInViewport();
  await expect(page.getByTestId('memory-plan')).toContainText('Needs ≈');
  await shot(page, info, 'first-screen-1440x900');
  // keyboard: the skip link leads to Start; Start is within the first dozen Tab stops
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to Start' })).toBeFocused();
  let stops = 1;
  while (!(await page.getByTestId('start-training').evaluate((e) => e === document.activeElement)) && stops < 40) {
    await page.keyboard.press('Tab');
    stops++;
  }
  info.annotations.push({ type: 'tab stops to Start', description: String(stops) });
  expect(stops).toBeLessThanOrEqual(12);
  expect(await axeViolations(page)).toEqual([]);
});

test('inline validation: steps 0 and crop 65 are flagged on their fields and Start waits', async ({ page }, info) => {
  await openLab(page);
  await page.getByTestId('recipe-steps').fill('0');
  await page.getByTestId('recipe-crop').fill('65');
  await expect(page.getByTestId('recipe-steps')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('recipe-crop')).toHaveAccessibleDescription(/multiple of the patch size 8/);
  await expect(page.getByTestId('start-training')).toBeDisabled();
  await shot(page, info, 'invalid-recipe');
  await page.getByTestId('recipe-steps').fill('30');
  await page.getByTestId('recipe-crop').fill('64');
  await expect(page.getByTestId('start-training')).toBeEnabled();
});

test('a run from start to finish: preparing stages, training with a human ETA, finished without bars; axe-clean', async ({ page }, info) => {
  test.setTimeout(420_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openLab(page);
  await setRecipe(page, { steps: 24, batch: 2, evalEvery: 12 });
  await page.getByTestId('start-training').click();
  await shot(page, info, 'preparing-1440x900'); // preparing, or already the first steps on a fast backend
  await expect(page.getByTestId('training-progress')).toContainText(/left/);
  await expect(page.getByTestId('export-model')).toBeEnabled();
  await shot(page, info, 'training-1440x900');
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 300_000 });
  await expect(page.getByTestId('training-progress')).toHaveCount(0);
  await expect(page.getByTestId('preparing-stages')).toHaveCount(0);
  await expect(page.getByTestId('saved-run').first()).toContainText('finished');
  await shot(page, info, 'finished-1440x900');
  await expect(page.getByTestId('run-miou').first()).toHaveText(/^\d+\.\d %$/);
  expect(await axeViolations(page)).toEqual([]);
  // exports are named after the run and its step
  let download = page.waitForEvent('download');
  await page.getByTestId('export-model').click();
  expect((await download).suggestedFilename()).toBe('demo-ViT-depth-2-width-64-demo-step24.safetensors');
  // a renamed run keeps its name after a reload, and its exports take it
  await page.getByTestId('run-name').first().fill('my first run');
  await page.getByTestId('run-name').first().press('Enter');
  await expect(page.getByTestId('run-name').first()).not.toBeFocused();
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { runs: { name?: string }[] } } }).vfmLab.getState().runs[0].name)).toBe('my first run');
  await page.reload();
  await openLab(page);
  await expect(page.getByTestId('run-name').first()).toHaveValue('my first run');
  download = page.waitForEvent('download');
  await page.getByTestId('export-onnx').click();
  expect((await download).suggestedFilename()).toBe('my-first-run-step24-eval.onnx');
  await talkRaceFits(page, info);
});

/** Visible text (HTML and the charts' SVG) under `px` pixels, as "size px: text"; the whole page, not only the screen. */
function smallText(page: Page, px: number): Promise<string[]> {
  return page.evaluate((min) => {
    const small: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const el = node.parentElement;
      if (!text || !el?.closest('.app')) continue; // not recharts' text-measuring span, parked off the page
      const style = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (style.visibility !== 'visible' || r.width <= 1 || r.height <= 1 || !el.checkVisibility()) continue; // ≤ 1 px: for screen readers only
      const size = parseFloat(style.fontSize);
      if (size < min) small.push(`${size} px: ${text.slice(0, 40)} (${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''} in ${el.parentElement?.getAttribute('class') ?? ''})`);
    }
    return [...new Set(small)];
  }, px);
}

/** The leaderboard's rows as six runs with long names (the real row, copied), to show what talk mode does with them. */
const SIX_LONG_NAMES = Array.from({ length: 6 }, (_, i) => `DINOv2 ViT-B/14 with registers, lr ${i + 1}e-4, 30 steps, crop 224, run ${i + 1}`);

/**
 * Talk mode's race with the leaderboard: five viewer panes (image, ground truth, this run, one
 * compared run, the disagreement), seven (four predictions) and nine (six predictions), the compared
 * runs being this run's prediction again under other ids (no more training), and a six-row
 * leaderboard of long names. At 1280×720 and 1920×1080 the pane grid lies on the screen without
 * scrolling, inside or out, and the leaderboard beside it is in view; with up to four predictions
 * the mIoU chart is in view too; no visible text is under 20 px; the leaderboard's names are one
 * line each, whole in their tooltip and accessible name.
 */
async function talkRaceFits(page: Page, info: TestInfo): Promise<void> {
  await expect(page.getByTestId('prediction-pane').getByRole('img', { name: /^This run: my first run, mIoU/ })).toBeVisible();
  await page.getByRole('button', { name: 'Talk mode' }).click();
  await page.evaluate((names) => {
    const lab = (globalThis as unknown as { vfmLab: { getState(): { board: { rows: object[] } }; setState(s: object): void } }).vfmLab;
    const { board } = lab.getState();
    lab.setState({ board: { ...board, rows: names.map((model, i) => ({ ...board.rows[0], runId: `board-${i}`, model, mIoU: 0.6 - i * 0.05 })) } });
  }, SIX_LONG_NAMES);
  const viewer = page.getByTestId('viewer');
  for (const [compared, panes] of [[1, 5], [3, 7], [5, 9]]) {
    await page.evaluate((n) => {
      const lab = (globalThis as unknown as { vfmLab: { getState(): { prediction: object }; setState(s: object): void } }).vfmLab;
      const ids = Array.from({ length: n }, (_, i) => `x${i + 1}`);
      lab.setState({ compareRunIds: ids, comparisons: Object.fromEntries(ids.map((id) => [id, lab.getState().prediction])) });
    }, compared);
    await expect(viewer.locator('canvas')).toHaveCount(panes);
    for (const [width, height] of [[1280, 720], [1920, 1080]]) {
      await page.setViewportSize({ width, height });
      await page.evaluate(() => window.scrollTo(0, 0));
      const box = await viewer.evaluate((v) => {
        const r = v.getBoundingClientRect();
        return { overflowX: v.scrollWidth - v.clientWidth, overflowY: v.scrollHeight - v.clientHeight, left: r.left, right: r.right, bottom: r.bottom };
      });
      const at = `${panes} panes at ${width}×${height}`;
      expect(box.overflowX, at).toBe(0);
      expect(box.overflowY, at).toBe(0);
      // the charts follow a resize a frame later (ResizeObserver): the page's width settles
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth), { message: at }).toBeLessThanOrEqual(width);
      expect(box.left, at).toBeGreaterThanOrEqual(0);
      expect(box.right, at).toBeLessThanOrEqual(width);
      expect(box.bottom, `${at}: the last row of panes ends below the screen`).toBeLessThanOrEqual(height);
      await expect(page.getByTestId('leaderboard'), at).toBeInViewport({ ratio: 1 });
      await expect(page.getByTestId('leaderboard-row')).toHaveCount(6);
      if (panes <= 7) await expect(page.getByTestId('miou-chart'), `${at}: the mIoU chart`).toBeInViewport({ ratio: 1 });
      expect(await smallText(page, 20), `${at}: text under 20 px`).toEqual([]);
      // names: one line each, cut with an ellipsis; the whole name is the tooltip and the accessible name
      const names = page.getByTestId('leaderboard').locator('.board-name');
      await expect(names).toHaveCount(6);
      for (const [i, name] of SIX_LONG_NAMES.entries()) {
        const cell = names.nth(i);
        await expect(cell).toHaveAttribute('title', name);
        await expect(cell).toHaveText(name); // what a screen reader reads
        const lines = await cell.evaluate((e) => e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight === 'normal' ? String(1.2 * parseFloat(getComputedStyle(e).fontSize)) : getComputedStyle(e).lineHeight));
        expect(lines, `${at}: "${name}" wraps`).toBeLessThan(1.5);
      }
      await page.screenshot({ path: info.outputPath(`talk-race-${panes}-${width}x${height}.png`) }); // the screen as the audience sees it
    }
  }
  await page.getByRole('button', { name: 'Exit talk mode' }).click();
}

test('talk mode at 1280×720 and 1920×1080: viewer on screen, no exports, model switch and compare reachable; axe-clean', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page);
  await page.getByRole('button', { name: 'Talk mode' }).click();
  await expect(page.getByTestId('talk-model')).toBeVisible();
  await expect(page.getByTestId('talk-compare')).toBeVisible();
  await expect(page.getByTestId('export-model')).toHaveCount(0);
  await expect(page.getByTestId('viewer').locator('canvas').first()).toBeInViewport();
  expect(await smallText(page, 20), 'text under 20 px at 1280×720').toEqual([]);
  await shot(page, info, 'talk-1280x720');
  expect(await axeViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect(page.getByTestId('viewer').locator('canvas').first()).toBeInViewport();
  expect(await smallText(page, 24), 'text under 24 px at 1920×1080').toEqual([]);
  await shot(page, info, 'talk-1920x1080');
  await page.getByRole('button', { name: 'Exit talk mode' }).click();
});

test('a 390×844 phone: one column, Start reachable; axe-clean', async ({ page }, info) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openLab(page);
  const start = page.getByTestId('start-training');
  await start.scrollIntoViewIfNeeded();
  await expect(start).toBeInViewport();
  // nothing wider than the screen
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, info, 'phone-390x844');
  expect(await axeViolations(page)).toEqual([]);
});

/** Whether the control is what a click at its centre reaches (nothing floats over it). */
const reachable = (control: Locator) => control.evaluate((e) => {
  const r = e.getBoundingClientRect();
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!top && (e === top || e.contains(top));
});

test('a refused zip: its progress bar goes, the message names the file, the header stays usable (1280×720)', async ({ page }, info) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openLab(page);
  // 13 samples; the fifth one's mask is half its image's size: validation stops at 4 / 13
  const stems = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'v1', 'v2', 'v3', 'v4'];
  const zip = zipOf(stems.flatMap((stem, i) => {
    const split = i < 9 ? 'train' : 'val';
    return [
      { path: `${split}/images/${stem}.png`, bytes: pngRgb(64, 64, (x) => [x * 4, 40, 90]) },
      { path: `${split}/masks/${stem}.png`, bytes: i === 4 ? maskPng(32, 32, (x) => (x < 16 ? 0 : 1)) : maskPng(64, 64, (x) => (x < 32 ? 0 : 1)) },
    ];
  }));
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'scaledmask.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  await expect(page.getByTestId('error-message')).toContainText('masks/e.png: the mask is 32×32 but its image');
  await expect(page.getByTestId('progress')).not.toContainText('validate');
  await expect(page.getByTestId('step-data')).toContainText('demo'); // the demo stays loaded
  await shot(page, info, 'refused-zip-1280x720');
  for (const control of [page.getByTestId('backend-choice'), page.getByRole('button', { name: 'Talk mode' }), page.getByTestId('start-training')]) {
    expect(await reachable(control), `${await control.evaluate((e) => e.outerHTML.slice(0, 80))} is covered`).toBe(true);
  }
  await page.getByRole('button', { name: 'Talk mode' }).click(); // a real click, with the message still up
  await expect(page.locator('.app.talk')).toBeVisible();
  await expect(page.getByTestId('error-message')).toBeVisible();
});

test('focus stays on Start while the run it started trains and after it ends (not dropped to <body>)', async ({ page }) => {
  test.setTimeout(240_000);
  await openLab(page);
  await setRecipe(page, { steps: 6, batch: 1, evalEvery: 6 });
  const start = page.getByTestId('start-training');
  await start.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-state')).not.toHaveText('idle');
  await expect(start).toBeDisabled(); // announced as unavailable while the run is active…
  await expect(start).toBeFocused(); // …and still the focused control
  await page.keyboard.press('Enter'); // ignored: one run at a time
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 200_000 });
  await expect(start).toBeEnabled();
  await expect(start).toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BUTTON');
  expect(await page.getByTestId('saved-run').count()).toBe(1); // the second Enter started nothing
});
