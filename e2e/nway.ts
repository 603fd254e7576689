/**
 * The N-way viewer's checks (issue 14 item 3, and item 7's race grid), run inside e2e/compare.spec's
 * queue test so they need no training of their own: the race fills the talk-mode grid, then two
 * runs compared side by side are named with their mIoU, the disagreement pane is drawn where their
 * predictions differ, hover names a class in every pane, and error maps switch every run's pane.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { shot } from './helpers';

/** The viewer alone (a full-page shot at phone width is too tall to read). */
async function viewerShot(page: Page, info: TestInfo, name: string): Promise<void> {
  const body = await page.locator('.viewer-wrap').screenshot();
  await info.attach(name, { body, contentType: 'image/png' });
  await page.locator('.viewer-wrap').screenshot({ path: info.outputPath(`${name}.png`) });
}

type Lab = {
  getState(): {
    compareRunIds: string[];
    comparisons: Record<string, { prediction: Uint8Array }>;
    prediction?: { width: number; height: number; image: Uint8Array };
  };
};

async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The saved runs' names and mIoU as the runs table shows them. */
async function runsTable(page: Page): Promise<{ name: string; mIoU: string }[]> {
  const rows = page.getByTestId('saved-run');
  const out = [];
  for (let i = 0; i < (await rows.count()); i++) {
    out.push({ name: await rows.nth(i).getByTestId('run-name').inputValue(), mIoU: (await rows.nth(i).getByTestId('run-miou').textContent())!.trim() });
  }
  return out;
}

/** Every prediction pane's caption names the class under the pointer (one of the legend's, or ignore). */
async function hoverNamesClasses(page: Page): Promise<void> {
  const legend = (await page.getByRole('list', { name: 'Legend' }).locator('li').allTextContents()).map((t) => t.trim());
  const panes = page.getByTestId('prediction-pane');
  for (let i = 0; i < (await panes.count()); i++) {
    await panes.nth(i).locator('canvas').hover({ position: { x: 60, y: 70 } });
    // the pointer is over one pane, and every pane names its own class there
    for (let j = 0; j < (await panes.count()); j++) {
      expect([...legend, 'ignore']).toContain((await panes.nth(j).locator('.pane-hover').textContent())!.trim());
    }
    await expect(page.getByTestId('pane-disagreement').locator('.pane-hover')).toHaveText(/^(differ: .+ \/ .+|all say .+)$/);
  }
}

/**
 * The disagreement pane's canvas: a pixel where the two compared predictions differ is painted
 * (not the image's colour), one where they agree shows the image. Returns the share of differing pixels.
 */
async function disagreementPixels(page: Page): Promise<{ differ: boolean[]; agree: boolean[]; share: number }> {
  return page.evaluate(() => {
    const s = (globalThis as unknown as { vfmLab: Lab }).vfmLab.getState();
    const [a, b] = s.compareRunIds.map((id) => s.comparisons[id].prediction);
    const { width: w, height: h, image } = s.prediction!;
    const ctx = document.querySelector<HTMLCanvasElement>('[data-testid="pane-disagreement"] canvas')!.getContext('2d')!;
    const CANVAS = 256;
    const painted = (i: number) => {
      const x = i % w, y = Math.floor(i / w);
      const px = ctx.getImageData(Math.floor(((x + 0.5) * CANVAS) / w), Math.floor(((y + 0.5) * CANVAS) / h), 1, 1).data;
      return [0, 1, 2].some((c) => Math.abs(px[c] - image[3 * i + c]) > 2);
    };
    const differing = [...a.keys()].filter((i) => a[i] !== b[i]);
    const agreeing = [...a.keys()].filter((i) => a[i] === b[i]);
    const pick = (xs: number[]) => xs.filter((_, k) => k % Math.max(1, Math.floor(xs.length / 20)) === 0);
    return { differ: pick(differing).map(painted), agree: pick(agreeing).map(painted), share: differing.length / a.length };
  });
}

/** Talk mode while the queue trains: the grid fills with the finished runs beside the live one. */
export async function watchRace(page: Page, info: TestInfo, first: RegExp, second: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Talk mode' }).click();
  const panes = page.getByTestId('prediction-pane');
  // the second model trains (this run) while the first, finished, is compared with it
  await expect(panes.getByRole('img', { name: first })).toBeVisible();
  await expect(panes.getByRole('img', { name: second })).toBeVisible();
  await expect(page.getByTestId('run-state')).toHaveText('finished');
  await expect(panes).toHaveCount(2);
  await expect(panes.first().getByRole('img')).toHaveAccessibleName(/^This run: .*, mIoU \d+\.\d %$/);
  await expect(page.getByTestId('pane-disagreement').getByRole('img')).toBeVisible();
  // the steps bar's run picker says which runs race, as checkboxes
  const picker = page.getByTestId('talk-compare');
  await picker.locator('summary').click();
  await expect(picker.getByRole('checkbox', { name: first })).toBeChecked();
  await expect(picker.getByRole('checkbox', { checked: true })).toHaveCount(1);
  expect(await axeViolations(page)).toEqual([]);
  await shot(page, info, 'race-talk');
  await picker.locator('summary').click();
  await page.getByRole('button', { name: 'Exit talk mode' }).click();
}

/** Both saved runs compared: two named panes with their mIoU, the disagreement drawn, hover, error maps. */
export async function compareBoth(page: Page, info: TestInfo): Promise<void> {
  const rows = page.getByTestId('saved-run');
  for (let i = 0; i < (await rows.count()); i++) {
    const button = rows.nth(i).getByRole('button', { name: 'Compare' });
    if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
  }
  const panes = page.getByTestId('prediction-pane');
  // "this run" (the last one trained) is one of the two compared: shown once
  await expect(panes).toHaveCount(2);
  for (const r of await runsTable(page)) {
    await expect(panes.getByRole('img', { name: `${r.name}, mIoU ${r.mIoU}`, exact: true })).toBeVisible();
  }
  const { differ, agree, share } = await disagreementPixels(page);
  expect(share).toBeGreaterThan(0); // two different backbones after two steps do not agree everywhere
  expect(differ.every(Boolean)).toBe(true);
  expect(agree.some(Boolean)).toBe(false);
  await expect(page.getByTestId('pane-disagreement').locator('.pane-detail')).toHaveText(`${(100 * share).toFixed(1)} % of pixels`);
  await hoverNamesClasses(page);
  await shot(page, info, 'nway-page');
  await viewerShot(page, info, 'nway-predictions');

  // one zoom for every pane: a key on the focused viewer redraws them all
  const pictures = () => page.getByTestId('viewer').locator('canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).toDataURL()));
  const before = await pictures();
  await page.getByTestId('viewer').focus();
  await page.keyboard.press('+');
  await expect.poll(async () => (await pictures()).filter((p, i) => p !== before[i]).length).toBe(before.length);
  await page.keyboard.press('0');

  await page.getByRole('button', { name: 'Error maps' }).click();
  await expect(page.getByRole('list', { name: 'Error map colours' })).toBeVisible();
  await expect(panes.locator('canvas')).toHaveCount(2);
  expect(await axeViolations(page)).toEqual([]);
  await viewerShot(page, info, 'nway-errors');
  await page.getByRole('button', { name: 'Predictions' }).click();

  // six prediction panes (the two runs' predictions again under four more ids: no more training)
  // wrap in a grid of smaller panes, on a laptop, in talk mode and on a phone
  await page.evaluate(() => {
    const lab = (globalThis as unknown as { vfmLab: Lab & { setState(s: object): void } }).vfmLab;
    const s = lab.getState();
    const [a, b] = s.compareRunIds;
    lab.setState({
      compareRunIds: [a, b, 'x1', 'x2', 'x3', 'x4'],
      comparisons: { ...s.comparisons, x1: s.comparisons[a], x2: s.comparisons[b], x3: s.comparisons[a], x4: s.comparisons[b] },
    });
  });
  await expect(panes.locator('canvas')).toHaveCount(6);
  await expect(page.getByTestId('viewer-hidden')).toHaveCount(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  await viewerShot(page, info, 'nway-six');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('button', { name: 'Talk mode' }).click();
  await page.getByTestId('viewer').scrollIntoViewIfNeeded();
  await shot(page, info, 'nway-six-talk');
  await page.getByRole('button', { name: 'Exit talk mode' }).click();
  await page.setViewportSize({ width: 390, height: 844 });
  await viewerShot(page, info, 'nway-phone');
}
