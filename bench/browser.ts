/**
 * @file Browser training speed: the demo model in headless Chromium on WebGPU (SwiftShader here;
 * a real GPU elsewhere) and on wasm, next to the same step on onnxruntime-node in this process.
 */
import { spawn, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { makeTinyVit, tinyVitConfig, DEMO_MODEL } from '../src/model/demo';
import { createNodeRunner } from '../src/runtime/node';
import { HostEngine } from '../src/train/engine';
import { compileEval, compileTrainStep } from '../src/train/graphs';
import type { BrowserStepRequest } from './browser-step-worker';

const PORT = 4190;
/** The wasm train-step page runs on Vite's dev server (it serves bench/ as TypeScript), on its own port. */
const STEP_PORT = 4205;
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function browserStepMs(webgpu: boolean, batch: number, steps: number): Promise<{ ms: number; backend: string }> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: webgpu ? ['--enable-unsafe-webgpu', ...ARGS] : ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${PORT}/${webgpu ? '' : '?backend=wasm'}`);
    await page.getByTestId('start-training').waitFor({ state: 'visible' });
    await page.waitForFunction(() => !(document.querySelector('[data-testid=start-training]') as HTMLButtonElement).disabled, undefined, { timeout: 120_000 });
    const backend = (await page.getByTestId('backend-badge').textContent()) ?? '';
    await page.getByTestId('recipe-steps').fill('1000');
    await page.getByTestId('recipe-batch').fill(String(batch));
    await page.getByTestId('recipe-evalEvery').fill('0');
    await page.getByTestId('start-training').click();
    await page.waitForFunction((n) => (globalThis as unknown as { vfmLab: { getState(): { steps: unknown[] } } }).vfmLab.getState().steps.length >= n, steps, { timeout: 600_000, polling: 500 });
    const ms = await page.evaluate(() => (globalThis as unknown as { vfmLab: { getState(): { steps: { ms: number }[] } } }).vfmLab.getState().steps.map((s) => s.ms));
    const tail = ms.slice(3).sort((a, b) => a - b); // skip warm-up steps
    return { ms: tail[Math.floor(tail.length / 2)], backend };
  } finally {
    await browser.close();
  }
}

async function nodeStepMs(batch: number): Promise<number> {
  const weights = makeTinyVit({ ...DEMO_MODEL, numClasses: 5 });
  const cfg = tinyVitConfig({ ...DEMO_MODEL, numClasses: 5 });
  const shapes = new Map([...weights].map(([k, t]) => [k, t.shape]));
  const train = compileTrainStep(cfg, shapes, { batch, crop: 64 }, 'none');
  const engine = new HostEngine(await createNodeRunner(train), await createNodeRunner(compileEval(cfg, shapes, { batch, crop: 64 })), weights, [...weights.keys()], { lrHead: 1e-3, lrEncoder: 5e-4, weightDecay: 0.05 });
  const images = Float32Array.from({ length: batch * 3 * 64 * 64 }, (_, i) => Math.sin(i));
  const labels = Int32Array.from({ length: batch * 64 * 64 }, (_, i) => i % 5);
  const times: number[] = [];
  for (let i = 0; i < 23; i++) {
    const t = performance.now();
    await engine.accumulate(images, labels);
    await engine.update({ head: 1e-3, encoder: 5e-4 });
    if (i >= 3) times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[10];
}

export async function benchBrowser(batch = 8): Promise<Record<string, string | number>[]> {
  if (!existsSync('dist/index.html')) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const node = await nodeStepMs(batch);
    const rows: Record<string, string | number>[] = [{ runtime: 'onnxruntime-node (CPU, reference)', 'ms/step': node, 'steps/s': 1000 / node, 'vs node': '1.00×' }];
    for (const webgpu of [true, false]) {
      const r = await browserStepMs(webgpu, batch, webgpu ? 15 : 40);
      rows.push({ runtime: `Chromium ${r.backend}`, 'ms/step': r.ms, 'steps/s': 1000 / r.ms, 'vs node': `${(node / r.ms).toFixed(2)}×` });
    }
    return rows;
  } finally {
    try { process.kill(-server.pid!); } catch { /* already gone */ }
  }
}

/**
 * The wasm train step in headless Chromium (bench/browser-step.html: a Web Worker, cross-origin
 * isolated, as the app runs it), and the same step on onnxruntime-node right after it, in this
 * invocation: the ratio is the browser's cost on the same machine and load.
 */
export async function benchWasmStep(req: BrowserStepRequest): Promise<{ ms: number; threads: number; isolated: boolean }> {
  const server = spawn('npx', ['vite', '--port', String(STEP_PORT), '--strictPort', '--logLevel', 'warn'], { stdio: 'ignore', detached: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
  try {
    const url = `http://localhost:${STEP_PORT}/bench/browser-step.html#${encodeURIComponent(JSON.stringify(req))}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(url)).ok) break;
      } catch { /* not listening yet */ }
      if (i > 120) throw new Error(`the Vite dev server on port ${STEP_PORT} did not start`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const page = await browser.newPage();
    await page.goto(url);
    const handle = await page.waitForFunction(() => (globalThis as { benchResult?: unknown }).benchResult, undefined, { timeout: 1_800_000, polling: 1000 });
    const r = (await handle.jsonValue()) as { ms: number; threads: number; isolated: boolean } | { error: string };
    if ('error' in r) throw new Error(`wasm step in Chromium: ${r.error}`);
    return r;
  } finally {
    await browser.close();
    try { process.kill(-server.pid!); } catch { /* already gone */ }
  }
}
