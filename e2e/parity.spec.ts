/** The browser (WebGPU) and the CLI (onnxruntime-node) agree on the loss trajectory. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openLab, pageLosses, setRecipe, shot } from './helpers';

const STEPS = 8;

test('browser and CLI loss trajectories match within 1e-3 relative', async ({ page }, info) => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'vfm-parity-'));
  const cli = (args: string[]) => execFileSync(process.execPath, ['bin/vfm-lab.mjs', ...args], { stdio: 'pipe' });
  cli(['make-demo', '--out', dir]);
  cli(['train', '--model', join(dir, 'model.safetensors'), '--data', dir, '--out', join(dir, 'run'), '--steps', String(STEPS), '--batch', '2',
    '--no-augment', '--no-shuffle', '--lr-head', '1e-3', '--lr-encoder', '5e-4', '--seed', '0']);
  const cliLosses = readFileSync(join(dir, 'run', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => 'loss' in r).map((r) => r.loss as number);
  expect(cliLosses).toHaveLength(STEPS);

  await openLab(page);
  await setRecipe(page, { steps: STEPS, batch: 2, evalEvery: 0, augment: false, shuffle: false });
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 240_000 });
  const browserLosses = await pageLosses(page);
  await shot(page, info, 'parity');
  info.annotations.push({ type: 'losses', description: JSON.stringify({ cli: cliLosses, browser: browserLosses }) });
  expect(browserLosses).toHaveLength(STEPS);
  browserLosses.forEach((l, i) => expect(Math.abs(l - cliLosses[i]) / Math.abs(cliLosses[i]), `step ${i + 1}: ${l} vs ${cliLosses[i]}`).toBeLessThan(1e-3));
});
