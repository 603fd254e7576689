/**
 * The viewer and the charts as a first-time user meets them (wasm project): wheel zoom about the
 * pointer without scrolling the page, keyboard zoom/pan, the overlay slider's meaning read from the
 * canvas pixels, every validation image reachable with the keyboard, and the charts after a short
 * run — readable ticks and tooltips, legend colours, no stray focus stops, axe-clean, screenshots at
 * 1440×900 and in talk mode at 1920×1080. Non-square photos (640×480, 375×500) keep their shape in
 * panes and thumbnails, and hovering names the right pixel without moving any pane (issue 24).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { makeDemoFiles } from '../src/data/synthetic';
import { maskPng, pngRgb, text, zipOf } from '../src/data/testing';
import { openLab, setRecipe, shot } from './helpers';

const CANVAS = 256;

/** The viewer's zoom/pan, as the page exposes it on the panes' container. */
async function viewOf(page: Page) {
  const v = page.getByTestId('viewer');
  const n = async (a: string) => Number(await v.getAttribute(a));
  return { zoom: await n('data-zoom'), x: await n('data-x'), y: await n('data-y') };
}

/** The content point (canvas px at zoom 1) under a client point over `canvas`. */
async function contentUnder(page: Page, canvas: Locator, client: { x: number; y: number }) {
  const box = (await canvas.boundingBox())!;
  const v = await viewOf(page);
  const cx = ((client.x - box.x) / box.width) * CANVAS, cy = ((client.y - box.y) / box.height) * CANVAS;
  return [(cx - v.x) / v.zoom, (cy - v.y) / v.zoom];
}

/** Tick labels that stick out of their chart's drawing area (left or right), as "chart: label". */
async function clippedTicks(page: Page): Promise<string[]> {
  return page.locator('.chart').evaluateAll((figs) => figs.flatMap((fig) => {
    const svg = fig.querySelector('.recharts-wrapper > svg')!.getBoundingClientRect();
    return [...fig.querySelectorAll('.recharts-cartesian-axis-tick-value')]
      .filter((t) => { const r = t.getBoundingClientRect(); return r.left < svg.left - 0.5 || r.right > svg.right + 0.5; })
      .map((t) => `${fig.getAttribute('data-testid')}: ${t.textContent}`);
  }));
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
});

test('the wheel zooms about the pointer and does not scroll the page; +/−, arrows and 0 work on the focused viewer', async ({ page }) => {
  await openLab(page);
  // the first screen is complete (the memory estimate arrives last): nothing moves under the pointer
  await expect(page.getByTestId('memory-plan')).toContainText('Needs ≈');
  const image = page.getByTestId('viewer').getByRole('img', { name: 'Image' });
  await image.scrollIntoViewIfNeeded();
  // scrolled part-way, so a wheel that reached the page would move it either way
  await page.evaluate(() => window.scrollBy(0, 40));
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  const box = (await image.boundingBox())!;
  const at = { x: Math.round(box.x + box.width * 0.3), y: Math.round(box.y + box.height * 0.65) }; // the mouse moves to whole pixels
  await page.mouse.move(at.x, at.y);
  const before = await contentUnder(page, image, at);
  const scrolled = await page.evaluate(() => window.scrollY);
  await page.mouse.wheel(0, -200);
  await expect.poll(async () => (await viewOf(page)).zoom).toBeGreaterThan(1.4);
  await page.mouse.wheel(0, -100);
  await expect.poll(async () => (await viewOf(page)).zoom).toBeGreaterThan(1.9);
  expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
  const after = await contentUnder(page, image, at);
  expect(after[0]).toBeCloseTo(before[0], 6);
  expect(after[1]).toBeCloseTo(before[1], 6);
  // a drag pans: the content follows the pointer
  const dragged = await viewOf(page);
  await page.mouse.down();
  await page.mouse.move(at.x - 20, at.y - 10, { steps: 4 });
  await page.mouse.up();
  const panned = await viewOf(page);
  expect(panned.zoom).toBe(dragged.zoom);
  expect(panned.x).toBeLessThan(dragged.x);
  expect(panned.y).toBeLessThan(dragged.y);

  // keys on the focused viewer: 0 resets, + zooms about the centre, ArrowRight shows what lies right
  const viewer = page.getByTestId('viewer');
  await viewer.focus();
  await page.keyboard.press('0');
  expect(await viewOf(page)).toEqual({ zoom: 1, x: 0, y: 0 });
  await page.keyboard.press('+');
  expect(await viewOf(page)).toEqual({ zoom: 1.25, x: -32, y: -32 }); // the centre (128, 128) stays put
  await page.keyboard.press('ArrowRight');
  expect((await viewOf(page)).x).toBeLessThan(-32);
  expect(await page.evaluate(() => scrollX)).toBe(0);
  // the buttons zoom about the centre too (not the top-left corner)
  await page.keyboard.press('0');
  await page.getByRole('button', { name: 'Zoom in' }).click();
  expect(await viewOf(page)).toEqual({ zoom: 1.25, x: -32, y: -32 });
});

test('overlay opacity 0 shows the image without the mask, 1 the mask opaque (canvas pixels)', async ({ page }) => {
  await openLab(page);
  const viewer = page.getByTestId('viewer');
  const slider = page.getByRole('slider', { name: 'Overlay opacity' });
  // pixels of the Image and Ground truth panes: how many channels differ, and the colours seen in the ground truth
  const read = () => viewer.evaluate((root) => {
    const canvases = [...root.querySelectorAll('canvas[role="img"]')] as HTMLCanvasElement[];
    const px = (c: HTMLCanvasElement) => c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const [img, gt] = [px(canvases[0]), px(canvases[1])];
    let differ = 0;
    const colours = new Set<string>();
    for (let i = 0; i < img.length; i++) if (img[i] !== gt[i]) differ++;
    for (let i = 0; i < gt.length; i += 4 * 97) colours.add(`rgb(${gt[i]}, ${gt[i + 1]}, ${gt[i + 2]})`);
    return { differ, colours: [...colours] };
  });
  await slider.fill('0');
  await expect.poll(async () => (await read()).differ).toBe(0);
  await slider.fill('1');
  const colours = await page.getByRole('list', { name: 'Legend', exact: true }).locator('.swatch').evaluateAll((els) => els.map((e) => getComputedStyle(e).backgroundColor));
  await expect.poll(async () => (await read()).differ).toBeGreaterThan(0);
  // at 1 every ground-truth pixel is exactly a legend colour (the demo labels every pixel)
  const { colours: seen } = await read();
  expect(seen.length).toBeGreaterThan(1);
  for (const c of seen) expect(colours).toContain(c);
});

test('every validation image is reachable with the keyboard (40 images, pages of 32)', async ({ page }) => {
  await openLab(page);
  const zip = zipOf(makeDemoFiles(3, { train: 4, val: 40 }));
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'shapes40.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });
  const list = page.getByRole('listbox', { name: 'Validation images' });
  await expect(page.getByTestId('thumbs-range')).toHaveText('images 1–32 of 40');
  await list.focus();
  await page.keyboard.press('End');
  await expect(list).toHaveAttribute('aria-activedescendant', 'val-image-39');
  await expect(page.getByTestId('thumbs-range')).toHaveText('images 33–40 of 40');
  await expect(list.getByRole('option', { name: 'validation image 40 of 40' })).toHaveAttribute('aria-selected', 'true');
  await expect(list.locator('canvas.thumb')).toHaveCount(8); // the last page's thumbnails arrived
  const shown = () => page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { prediction?: { index: number } } } }).vfmLab.getState().prediction?.index);
  await expect.poll(shown).toBe(39);
  await page.keyboard.press('Home');
  await expect(list).toHaveAttribute('aria-activedescendant', 'val-image-0');
  for (let i = 0; i < 32; i++) await page.keyboard.press('ArrowRight'); // across the page boundary
  await expect(list).toHaveAttribute('aria-activedescendant', 'val-image-32');
  await expect(page.getByTestId('thumbs-range')).toHaveText('images 33–40 of 40');
  await expect.poll(shown).toBe(32);
  expect(await page.evaluate(() => scrollY)).toBe(0); // the keys moved the selection, not the page
});

test('charts after a short run: titles, integer steps, formatted tooltips, legend colours, no stray focus stops, axe-clean', async ({ page }, info) => {
  test.setTimeout(300_000);
  await openLab(page, '?backend=wasm'); // the charts, not the backend, are under test: wasm is quick in both projects
  await expect(page.getByTestId('charts-empty')).toBeVisible();
  await expect(page.getByTestId('loss-chart')).toHaveCount(0);
  await setRecipe(page, { steps: 40, batch: 2, evalEvery: 20 });
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 240_000 });

  const loss = page.getByTestId('loss-chart');
  await expect(loss.locator('figcaption')).toHaveText('Training loss (cross-entropy)');
  await expect(loss.locator('.chart-body')).toHaveAttribute('aria-label', /^training loss, 40 steps, last [\d.]+$/);
  const xTicks = await loss.locator('.recharts-xAxis-tick-labels text').allTextContents();
  expect(xTicks.length).toBeGreaterThan(1);
  for (const t of xTicks) expect(t).toMatch(/^\d+$/);
  const lrTicks = await page.getByTestId('lr-chart').locator('.recharts-yAxis-tick-labels text').allTextContents();
  expect(lrTicks.length).toBeGreaterThan(2);
  expect(new Set(lrTicks).size).toBe(lrTicks.length);

  // the tooltip reads like a sentence; smoothing off drops the smoothed part
  const surface = loss.locator('.recharts-wrapper > svg');
  const sbox = (await surface.boundingBox())!;
  await page.mouse.move(sbox.x + sbox.width * 0.6, sbox.y + sbox.height * 0.5);
  await expect(loss.locator('.chart-tip')).toHaveText(/^step \d+ · loss \d[\d.]* \(smoothed \d[\d.]*\)$/);
  await page.getByRole('slider', { name: 'Smoothing' }).fill('0');
  await page.mouse.move(sbox.x + sbox.width * 0.5, sbox.y + sbox.height * 0.5);
  await expect(loss.locator('.chart-tip')).toHaveText(/^step \d+ · loss \d[\d.]*$/);
  await page.getByRole('slider', { name: 'Smoothing' }).fill('0.6');
  await page.mouse.move(0, 0);

  // per-class bars in the legend's colours, labelled with the class names
  const legend = await page.getByRole('list', { name: 'Legend', exact: true }).locator('li').allTextContents();
  const bars = page.getByTestId('iou-bars');
  await expect(bars.locator('.recharts-xAxis-tick-labels text')).toHaveText(legend.map((t) => t.trim()));
  const fills = await bars.locator('.recharts-bar-rectangle path').evaluateAll((ps) => ps.map((p) => p.getAttribute('fill')));
  const swatches = await page.getByRole('list', { name: 'Legend', exact: true }).locator('.swatch').evaluateAll((els) => els.map((e) => (e as HTMLElement).style.background));
  for (const f of fills) expect(swatches.map((s) => s.replace(/\s/g, ''))).toContain(f!.replace(/\s/g, ''));

  // no focusable nodes inside the charts (recharts' keyboard layer is off)
  expect(await page.locator('.chart-body [tabindex]:not([tabindex="-1"]), .chart-body a, .chart-body button').count()).toBe(0);
  // the error maps (a switch of the run panes) have their legend; the viewer and charts are axe-clean
  await expect(page.getByRole('list', { name: 'Error map colours' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Error maps' }).click();
  await expect(page.getByRole('list', { name: 'Error map colours' })).toContainText('missed');
  const axe = await new AxeBuilder({ page }).include('.charts-wrap').include('.viewer-wrap').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  expect(await clippedTicks(page)).toEqual([]);
  await shot(page, info, 'charts-1440x900');

  // talk mode at 1920×1080: text grows with the chart, ticks stay inside their chart ("100%", not "l00%")
  await page.setViewportSize({ width: 1920, height: 1080 });
  const fontBefore = await page.getByTestId('miou-chart').locator('.recharts-yAxis-tick-labels text').first().evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
  await page.getByRole('button', { name: 'Talk mode' }).click();
  await expect(page.locator('.app.talk')).toBeVisible();
  const miou = page.getByTestId('miou-chart');
  await expect.poll(() => miou.locator('.recharts-yAxis-tick-labels text').first().evaluate((t) => parseFloat(getComputedStyle(t).fontSize))).toBeGreaterThan(fontBefore);
  expect(await clippedTicks(page)).toEqual([]);
  await shot(page, info, 'charts-talk-1920x1080');
});

/** The photos of issue 24: class 0 left, class 1 top right, class 2 bottom right; a long class name makes the hover caption long. */
const PHOTO_CLASSES = ['sky, the part of the picture above the horizon (a long name on purpose)', 'road', 'car'];
const photoLabel = (w: number, h: number) => (x: number, y: number) => (x < w / 2 ? 0 : y < h / 2 ? 1 : 2);
function photosZip(): Uint8Array {
  const files: { path: string; bytes: Uint8Array }[] = [{ path: 'classes.txt', bytes: text(PHOTO_CLASSES.join('\n')) }];
  const add = (split: string, stem: string, w: number, h: number) => {
    files.push({ path: `${split}/images/${stem}.png`, bytes: pngRgb(w, h, (x, y) => [(x * 5) % 256, (y * 3) % 256, 90]) });
    files.push({ path: `${split}/masks/${stem}.png`, bytes: maskPng(w, h, photoLabel(w, h)) });
  };
  add('train', 't1', 64, 48); add('train', 't2', 48, 64);
  add('val', 'a-wide', 640, 480); add('val', 'b-tall', 375, 500);
  return zipOf(files);
}

/** Where every pane, the tools row and the viewer are (to compare before and after a hover). */
const layoutOf = (page: Page) => page.locator('.viewer-wrap').evaluate((wrap) =>
  [wrap.querySelector('.viewer-tools')!, wrap.querySelector('.viewer')!, ...wrap.querySelectorAll('.pane, .pane canvas')].map((e) => {
    const r = e.getBoundingClientRect();
    return [r.x, r.y, r.width, r.height].map((v) => Math.round(v * 100) / 100).join(' ');
  }));

test('non-square photos keep their shape in panes and thumbnails; the pointer names its pixel and moves no pane (1280 and 1440 px)', async ({ page }, info) => {
  test.setTimeout(180_000);
  await openLab(page);
  await page.getByTestId('dataset-zip').setInputFiles({ name: 'photos.zip', mimeType: 'application/zip', buffer: Buffer.from(photosZip()) });
  await expect(page.getByTestId('step-data')).toContainText('photos');
  const viewer = page.getByTestId('viewer');
  const [image, truth] = [viewer.getByRole('img', { name: 'Image' }), viewer.getByRole('img', { name: 'Ground truth' })];
  const shownSize = () => page.evaluate(() => {
    const p = (globalThis as unknown as { vfmLab: { getState(): { prediction?: { width: number; height: number } } } }).vfmLab.getState().prediction;
    return p && `${p.width}×${p.height}`;
  });

  // thumbnails: the picture inside each thumbnail's box has the photo's aspect ratio (object-fit decides how it is drawn)
  const thumbs = page.getByRole('listbox', { name: 'Validation images' }).locator('canvas.thumb');
  await expect(thumbs).toHaveCount(2);
  const drawn = await thumbs.evaluateAll((cs) => cs.map((c) => {
    const canvas = c as HTMLCanvasElement, r = c.getBoundingClientRect(), fit = getComputedStyle(c).objectFit;
    const k = fit === 'contain' || fit === 'scale-down' ? Math.min(r.width / canvas.width, r.height / canvas.height) : undefined;
    return k ? (canvas.width * k) / (canvas.height * k) : r.width / r.height; // 'fill' stretches to the box
  }));
  expect(drawn[0]).toBeCloseTo(640 / 480, 1);
  expect(drawn[1]).toBeCloseTo(375 / 500, 1);

  for (const [w, h, option] of [[640, 480, 0], [375, 500, 1]] as const) {
    await page.getByRole('option', { name: `validation image ${option + 1} of 2` }).click();
    await expect.poll(shownSize).toBe(`${w}×${h}`);
    await page.getByRole('button', { name: 'Reset zoom' }).click(); // the last photo's zoom
    // the pane's canvas: the photo letterboxed, its longer side filling the 256 px square, the bars empty
    const k = CANVAS / Math.max(w, h), left = (CANVAS - w * k) / 2, top = (CANVAS - h * k) / 2;
    const opaque = () => image.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const rows = Array.from({ length: c.height }, (_, y) => d[4 * (y * c.width + c.width / 2) + 3] > 0);
      const cols = Array.from({ length: c.width }, (_, x) => d[4 * ((c.height / 2) * c.width + x) + 3] > 0);
      return { rows: [rows.indexOf(true), rows.lastIndexOf(true)], cols: [cols.indexOf(true), cols.lastIndexOf(true)] };
    });
    await expect.poll(opaque, { message: `${w}×${h}` }).toEqual({ rows: [top, CANVAS - top - 1], cols: [left, CANVAS - left - 1] });
    await page.getByTestId('viewer').screenshot({ path: info.outputPath(`photos-${w}x${h}-panes.png`) });

    for (const width of [1280, 1440]) {
      await page.setViewportSize({ width, height: 800 });
      await page.getByRole('button', { name: 'Reset zoom' }).click();
      await expect.poll(() => viewOf(page)).toEqual({ zoom: 1, x: 0, y: 0 });
      await truth.scrollIntoViewIfNeeded();
      await page.mouse.move(0, 0);
      await expect(page.getByTestId('viewer-pixel')).toHaveText('');
      const before = await layoutOf(page);
      // zoom 1, then 2.44 (four presses of + about the centre): points near the picture's corners and its bottom edge
      for (const presses of [0, 4]) {
        if (presses) {
          await viewer.focus();
          for (let i = 0; i < presses; i++) await page.keyboard.press('+');
        }
        const v = await viewOf(page);
        const box = (await truth.boundingBox())!;
        // the part of the picture on the canvas, per axis (canvas px)
        const visible = (start: number, length: number, offset: number) => [Math.max(start * v.zoom + offset, 0), Math.min((start + length) * v.zoom + offset, CANVAS)];
        const [x0, x1] = visible(left, w * k, v.x), [y0, y1] = visible(top, h * k, v.y);
        for (const [fx, fy] of [[0.02, 0.02], [0.5, 0.5], [0.97, 0.985], [0.3, 0.995]]) {
          // a whole client pixel inside the visible picture (the mouse moves to whole pixels)
          const client = { x: Math.round(box.x + ((x0 + fx * (x1 - x0)) / CANVAS) * box.width), y: Math.round(box.y + ((y0 + fy * (y1 - y0)) / CANVAS) * box.height) };
          await page.mouse.move(client.x, client.y);
          // the image pixel there, computed directly: client → canvas px → content → photo pixel
          const cx = ((client.x - box.x) / box.width) * CANVAS, cy = ((client.y - box.y) / box.height) * CANVAS;
          const px = Math.floor(((cx - v.x) / v.zoom - left) / k), py = Math.floor(((cy - v.y) / v.zoom - top) / k);
          const at = `${w}×${h} at ${width} px, zoom ${v.zoom}, point ${fx},${fy}`;
          await expect(page.getByTestId('viewer-pixel'), at).toHaveText(`pixel (${px}, ${py})`);
          // the ground truth's caption names the class the mask has there
          await expect(page.getByTestId('pane-label').locator('.pane-hover'), at).toHaveText(PHOTO_CLASSES[photoLabel(w, h)(px, py)]);
          expect(await layoutOf(page), `${at}: panes moved`).toEqual(before);
        }
      }
      await page.mouse.move(0, 0);
      await expect(page.getByTestId('viewer-pixel')).toHaveText('');
      expect(await layoutOf(page)).toEqual(before);
    }
  }
});
