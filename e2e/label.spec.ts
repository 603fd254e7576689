/**
 * Labelling your own photos (issue 21), on wasm: six generated non-square photos are imported,
 * two classes added, painted with mouse drags and a superpixel fill, undone and redone; the labels
 * survive a reload; *Use for training* trains 20 steps on them; *Propose* fills an unlabelled
 * image, which is accepted; the exported zip's masks hold the painted class where it was painted
 * and 255 elsewhere. The camera (Chromium's fake device) adds a photo. Bad photos are refused by
 * name and nothing labelled is lost. Screenshots at 1440×900 and 390×844, and an axe scan.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { decode, encode } from 'fast-png';
import { unzipSync, zipSync } from 'fflate';
import { openLab, setRecipe } from './helpers';

// Chromium's fake camera (a test pattern) and an automatic yes to the permission prompt, beside the project's own flags
test.use({
  launchOptions: async ({ launchOptions }, use) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] }),
});

const W = 96, H = 64;

/** A photo: grey noise, a blue square whose place depends on `k`, a red stripe along the bottom. */
function photo(k: number): Buffer {
  const data = new Uint8Array(W * H * 3);
  let seed = 17 + k;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const sx = 10 + 8 * k, sy = 8 + (k % 3) * 4;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const o = 3 * (y * W + x), g = 120 + Math.floor(20 * rand());
    const inSquare = x >= sx && x < sx + 24 && y >= sy && y < sy + 24;
    const c = inSquare ? [30, 60, 220] : y >= H - 12 ? [210, 40, 40] : [g, g, g];
    data.set(c, o);
  }
  return Buffer.from(encode({ width: W, height: H, data, channels: 3, depth: 8 }));
}
const square = (k: number) => ({ x: 10 + 8 * k + 12, y: 8 + (k % 3) * 4 + 12 });

type Hook = { getState(): { ws: { images: { id: string; name: string }[] }; masks: Map<string, Uint8Array>; current: number } };
/** The current image's mask value at photo pixel (x, y), through the automation hook. */
async function valueAt(page: Page, x: number, y: number): Promise<number> {
  return page.evaluate(([x, y]) => {
    const s = (globalThis as unknown as { vfmLabel: Hook }).vfmLabel.getState();
    return s.masks.get(s.ws.images[s.current].id)![y * 96 + x];
  }, [x, y]);
}

async function countOf(page: Page, value: number): Promise<number> {
  return page.evaluate((value) => {
    const s = (globalThis as unknown as { vfmLabel: Hook }).vfmLabel.getState();
    return s.masks.get(s.ws.images[s.current].id)!.filter((v) => v === value).length;
  }, value);
}

/** The screen point over photo pixel (x, y) (its centre), at zoom 1. */
async function screenAt(page: Page, x: number, y: number) {
  const r = (await page.getByTestId('label-canvas').boundingBox())!;
  return { x: r.x + ((x + 0.5) / W) * r.width, y: r.y + ((y + 0.5) / H) * r.height };
}

async function drag(page: Page, from: [number, number], to: [number, number]) {
  const a = await screenAt(page, ...from), b = await screenAt(page, ...to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 8, a.y + ((b.y - a.y) * i) / 8);
  await page.mouse.up();
}

const saved = (page: Page) => expect(page.getByTestId('label-status')).toHaveText('all changes saved in this browser');

/** The workspace as the window shows it (a full-page picture would show the page under the dialog). */
async function dialogShot(page: Page, info: TestInfo, name: string) {
  const body = await page.screenshot();
  await info.attach(name, { body, contentType: 'image/png' });
  await page.screenshot({ path: info.outputPath(`${name}.png`) });
}

/** An image's button in the list (its name, with a ✓ once labelled; not its Remove button). */
const imageButton = (page: Page, name: string) => page.getByRole('button', { name: new RegExp(`^(✓ )?${name.replace(/\./g, '\\.')}$`) });

async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 4).join(' | ')}`);
}

test('label six photos, reload, train 20 steps on them, propose, accept, export', async ({ page }, info) => {
  test.setTimeout(480_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openLab(page);
  await page.getByTestId('label-open').click();
  await expect(page.getByTestId('label-progress')).toHaveText('0 of 0 labelled');
  await page.getByTestId('label-images').setInputFiles(Array.from({ length: 6 }, (_, k) => ({ name: `photo-${k}.png`, mimeType: 'image/png', buffer: photo(k) })));
  await expect(page.getByTestId('label-progress')).toHaveText('0 of 6 labelled');
  await expect(page.getByTestId('label-canvas')).toBeVisible();

  // two classes besides the background
  await page.getByTestId('label-class-add').click();
  await page.getByTestId('label-class-name').nth(1).fill('square');
  await page.getByTestId('label-class-add').click();
  await page.getByTestId('label-class-name').nth(2).fill('stripe');
  await expect(page.getByTestId('label-class')).toHaveCount(3);

  // image 0: the square painted with a drag, the stripe with a superpixel fill
  await page.getByTestId('label-class').nth(1).click();
  await page.getByTestId('label-tool-brush').click();
  await page.getByTestId('label-brush-size').fill('3');
  const c = square(0);
  await drag(page, [c.x - 6, c.y], [c.x + 6, c.y]);
  expect(await valueAt(page, c.x, c.y)).toBe(1);
  expect(await valueAt(page, c.x, c.y + 6)).toBe(255); // beyond the brush's radius
  await page.getByTestId('label-class').nth(2).click();
  await page.getByTestId('label-tool-fill').click();
  const p = await screenAt(page, 48, H - 6);
  await page.mouse.click(p.x, p.y);
  await expect.poll(() => valueAt(page, 48, H - 6)).toBe(2);
  const filled = await countOf(page, 2);
  expect(filled).toBeGreaterThan(20); // a superpixel, not a dot
  await expect(page.getByTestId('label-progress')).toHaveText('1 of 6 labelled');

  // undo takes the fill back, redo returns it
  await page.getByTestId('label-undo').click();
  expect(await countOf(page, 2)).toBe(0);
  expect(await valueAt(page, c.x, c.y)).toBe(1);
  await page.getByTestId('label-redo').click();
  expect(await countOf(page, 2)).toBe(filled);
  // and the keys do the same
  await page.getByTestId('label-canvas').focus();
  await page.keyboard.press('Control+z');
  expect(await countOf(page, 2)).toBe(0);
  await page.keyboard.press('Control+Shift+Z');
  expect(await countOf(page, 2)).toBe(filled);

  // images 1–3: the square with a drag, the rest filled with background
  for (let k = 1; k <= 3; k++) {
    await page.getByTestId('label-next').click();
    await expect(page.getByTestId('label-canvas')).toBeVisible();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { vfmLabel: { getState(): { photo?: { id: string } } } }).vfmLabel.getState().photo?.id)).toBeTruthy();
    await page.getByTestId('label-class').nth(1).click();
    await page.getByTestId('label-tool-brush').click();
    await page.getByTestId('label-brush-size').fill('6');
    const s = square(k);
    await drag(page, [s.x - 5, s.y - 5], [s.x + 5, s.y + 5]);
    await page.getByTestId('label-fill-background').click();
    expect(await valueAt(page, s.x, s.y)).toBe(1);
    expect(await valueAt(page, 0, 0)).toBe(0);
  }
  await expect(page.getByTestId('label-progress')).toHaveText('4 of 6 labelled');
  await saved(page);
  await dialogShot(page, info, 'label-workspace-1440x900');
  expect(await axeViolations(page)).toEqual([]);

  // reload: the labels are still there
  await page.reload();
  await expect(page.getByTestId('start-training')).toBeEnabled();
  await page.getByTestId('label-open').click();
  await expect(page.getByTestId('label-progress')).toHaveText('4 of 6 labelled');
  await imageButton(page, 'photo-0.png').click();
  await expect.poll(() => valueAt(page, c.x, c.y)).toBe(1);
  expect(await countOf(page, 2)).toBe(filled);
  expect(await valueAt(page, c.x, c.y + 6)).toBe(255);

  // bad input: refused by name, nothing labelled is lost
  const huge = Buffer.from(encode({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3), channels: 3, depth: 8 }));
  huge.writeUInt32BE(20000, 16); // the header now declares 20000×20000: refused before decoding
  huge.writeUInt32BE(20000, 20);
  await page.getByTestId('label-images').setInputFiles([
    { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a photo at all') },
    { name: 'huge.png', mimeType: 'image/png', buffer: huge },
  ]);
  await expect(page.getByTestId('error-message').filter({ hasText: 'broken.jpg' })).toBeVisible();
  await expect(page.getByTestId('error-message').filter({ hasText: 'huge.png' })).toContainText('over the limit');
  // the messages show on the workspace (a modal dialog: the page's own alert region lies under it), and go when dismissed
  await page.getByTestId('error-message').filter({ hasText: 'broken.jpg' }).getByRole('button', { name: 'Dismiss' }).click({ timeout: 10_000 });
  await expect(page.getByTestId('error-message').filter({ hasText: 'broken.jpg' })).toHaveCount(0);
  await expect(page.getByTestId('label-progress')).toHaveText('4 of 6 labelled');

  // Use for training: the labelled set becomes the dataset; 20 steps
  await page.getByTestId('label-use').click();
  await expect(page.getByTestId('step-data')).toContainText('labelled (4 images)');
  await setRecipe(page, { steps: 20, batch: 2, evalEvery: 20 });
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 300_000 });
  await expect(page.getByTestId('step-counter')).toContainText('20');

  // Label next: the two unlabelled images ranked by the run's entropy, the least sure one opened; Propose on it
  await page.getByTestId('label-open').click();
  await page.getByTestId('label-next-uncertain').click();
  const ranked = page.getByRole('list', { name: 'Unlabelled images, least sure first' }).getByRole('listitem');
  await expect(ranked).toHaveCount(2);
  const nats = (await ranked.allTextContents()).map((t) => Number(/([\d.]+) nats/.exec(t)![1]));
  expect(nats[0]).toBeGreaterThanOrEqual(nats[1]);
  const first = /photo-\d\.png/.exec((await ranked.first().textContent())!)![0];
  await expect(imageButton(page, first)).toHaveAttribute('aria-current', 'true');
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { vfmLabel: { getState(): { photo?: { id: string } } } }).vfmLabel.getState().photo?.id)).toBeTruthy();
  await page.getByTestId('label-propose').click();
  await expect(page.getByTestId('label-accept')).toBeEnabled();
  expect(await countOf(page, 255)).toBeLessThan(W * H); // a non-empty mask
  await expect(page.getByTestId('label-progress')).toHaveText('4 of 6 labelled'); // a proposal counts once accepted
  await page.getByTestId('label-accept').click();
  await expect(page.getByTestId('label-progress')).toHaveText('5 of 6 labelled');

  // the last image: a polygon, then similar patches (the loaded backbone's features), zoomed in and back
  const last = first === 'photo-4.png' ? 'photo-5.png' : 'photo-4.png';
  await imageButton(page, last).click();
  await expect.poll(() => page.evaluate((n) => {
    const s = (globalThis as unknown as { vfmLabel: { getState(): { photo?: { id: string }; ws: { images: { id: string; name: string }[] } } } }).vfmLabel.getState();
    return s.photo?.id === s.ws.images.find((i) => i.name === n)?.id;
  }, last)).toBe(true);
  await page.getByTestId('label-class').nth(2).click();
  await page.getByTestId('label-tool-polygon').click();
  for (const [x, y] of [[60, 54], [90, 54], [90, 62], [60, 62]]) {
    const at = await screenAt(page, x, y);
    await page.mouse.click(at.x, at.y);
  }
  await page.keyboard.press('Enter');
  expect(await valueAt(page, 75, 58)).toBe(2);
  expect(await valueAt(page, 40, 58)).toBe(255);
  await page.getByTestId('label-class').nth(1).click();
  await page.getByTestId('label-tool-similar').click();
  const k = Number(last[6]), sq = await screenAt(page, square(k).x, square(k).y);
  await page.mouse.click(sq.x, sq.y);
  await expect.poll(() => countOf(page, 1), { timeout: 60_000 }).toBeGreaterThan(0);
  const canvas = page.getByTestId('label-canvas');
  await page.mouse.move(sq.x, sq.y);
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => Number(await canvas.getAttribute('data-zoom'))).toBeGreaterThan(1);
  await page.keyboard.press('0');
  await expect(canvas).toHaveAttribute('data-zoom', '1');
  await dialogShot(page, info, 'label-tools-1440x900');

  // Export: the painted class where it was painted, 255 where nothing was
  const download = page.waitForEvent('download');
  await page.getByTestId('label-export').click();
  const zipBytes = new Uint8Array(await (await (await download).createReadStream()).toArray().then((parts) => Buffer.concat(parts)));
  const zip = unzipSync(zipBytes);
  const maskPath = Object.keys(zip).find((f) => /(train|val)\/masks\/photo-0\.png$/.test(f));
  expect(maskPath, Object.keys(zip).join(', ')).toBeTruthy();
  const mask = decode(zip[maskPath!]);
  expect([mask.width, mask.height, mask.channels]).toEqual([W, H, 1]);
  const at = (x: number, y: number) => (mask.data as Uint8Array)[y * W + x];
  expect(at(c.x, c.y)).toBe(1);
  expect(at(c.x - 6, c.y)).toBe(1);
  expect(at(48, H - 6)).toBe(2);
  expect(at(c.x, c.y + 6)).toBe(255);
  expect(at(2, 2)).toBe(255);
  expect(new TextDecoder().decode(zip[Object.keys(zip).find((f) => f.endsWith('classes.txt'))!]).trim().split('\n')).toEqual(['background', 'square', 'stripe']);

  // importing the zip back gives the same masks, byte for byte
  const masksByName = () => page.evaluate(() => {
    const s = (globalThis as unknown as { vfmLabel: Hook }).vfmLabel.getState();
    return Object.fromEntries(s.ws.images.map((i) => [i.name.replace(/\.[^.]+$/, ''), Array.from(s.masks.get(i.id)!).join(',')]));
  });
  const before = await masksByName();
  page.once('dialog', (d) => void d.accept()); // "replace the workspace?"
  await page.getByLabel('Import a generic-layout zip (replaces this workspace)').setInputFiles({ name: 'labelled.zip', mimeType: 'application/zip', buffer: Buffer.from(zipBytes) });
  await expect(page.getByTestId('label-progress')).toHaveText('6 of 6 labelled');
  expect(await masksByName()).toEqual(before);
});

test.describe('camera', () => {
  test('the camera adds a frame as a photo, and its tracks stop when it closes', async ({ page }, info) => {
    // counts the tracks stopped, to see the stream released
    await page.addInitScript(() => {
      const stop = MediaStreamTrack.prototype.stop;
      (globalThis as unknown as { stopped: number }).stopped = 0;
      MediaStreamTrack.prototype.stop = function (this: MediaStreamTrack) {
        (globalThis as unknown as { stopped: number }).stopped++;
        return stop.call(this);
      };
    });
    await page.setViewportSize({ width: 390, height: 844 });
    await openLab(page);
    await page.getByTestId('label-open').click();
    await expect(page.getByTestId('label-progress')).toHaveText('0 of 0 labelled');
    await page.getByTestId('label-camera').click();
    await expect(page.getByTestId('label-capture')).toBeEnabled();
    await page.getByTestId('label-capture').click();
    await expect(page.getByTestId('label-progress')).toHaveText('0 of 1 labelled');
    await expect(page.getByTestId('label-canvas')).toBeVisible();
    await expect(page.getByRole('button', { name: /^camera-.*\.png$/ })).toBeVisible();
    // keys: E picks the eraser, ? opens the shortcuts, listed from the handler's own table
    await page.getByTestId('label-canvas').focus();
    await page.keyboard.press('e');
    await expect(page.getByTestId('label-tool-eraser')).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('Ctrl+Shift+Z');
    await page.keyboard.press('Escape'); // closes the popover, not the workspace
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
    await expect(page.getByTestId('label-canvas')).toBeVisible();
    await page.locator('.label-body').evaluate((e) => e.scrollTo(0, 0)); // the canvas first, as a phone user sees it
    await dialogShot(page, info, 'label-workspace-390x844');
    await page.getByTestId('label-use').scrollIntoViewIfNeeded();
    await dialogShot(page, info, 'label-workspace-390x844-panel');
    expect(await axeViolations(page)).toEqual([]);
    // a zip whose mask has the wrong size is refused naming the file; the workspace keeps its photo
    const img = (w: number, h: number) => encode({ width: w, height: h, data: new Uint8Array(w * h * 3).fill(90), channels: 3, depth: 8 });
    const gray = (w: number, h: number) => encode({ width: w, height: h, data: new Uint8Array(w * h), channels: 1, depth: 8 });
    const bad = zipSync({
      'train/images/a.png': img(16, 12), 'train/masks/a.png': gray(16, 12),
      'val/images/b.png': img(16, 12), 'val/masks/b.png': gray(8, 8), 'classes.txt': new TextEncoder().encode('background\n'),
    });
    page.once('dialog', (d) => void d.accept()); // "replace the workspace?"
    await page.getByLabel('Import a generic-layout zip (replaces this workspace)').setInputFiles({ name: 'wrong-size.zip', mimeType: 'application/zip', buffer: Buffer.from(bad) });
    await expect(page.getByTestId('error-message').filter({ hasText: 'b.png' })).toBeVisible();
    await expect(page.getByTestId('label-progress')).toHaveText('0 of 1 labelled');
    await page.getByTestId('label-camera').click(); // hides the camera
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { stopped: number }).stopped)).toBeGreaterThan(0);
  });
});
