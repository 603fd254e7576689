/**
 * The recipe panel (both projects; no training): choosing a benchmark recipe sets every field of
 * the form and the panel says which recipe is active; editing a field says none is.
 */
import { expect, test } from '@playwright/test';
import { openLab } from './helpers';

test('choosing a benchmark recipe sets every field and says which', async ({ page }) => {
  await openLab(page);
  const preset = page.getByTestId('recipe-preset');
  const active = page.getByTestId('recipe-active');
  await preset.selectOption('ade20k');
  const expected: Record<string, string> = {
    steps: '40000', crop: '512', batch: '1', accum: '16', lrHead: '0.0001', lrEncoder: '0.00001', weightDecay: '0.05', evalEvery: '1000', seed: '0',
  };
  for (const [key, value] of Object.entries(expected)) await expect(page.getByTestId(`recipe-${key}`)).toHaveValue(value);
  await expect(page.getByLabel('Schedule', { exact: true })).toHaveValue('poly');
  await expect(page.getByTestId('recipe-freeze')).toHaveValue('none');
  await expect(page.getByTestId('recipe-augment')).toBeChecked();
  await expect(page.getByTestId('recipe-shuffle')).toBeChecked();
  await expect(active).toContainText('Active recipe: ade20k — Benchmark, ADE20K: 512 px, 40 000 steps, 1 × 16');
  await expect(active).toContainText('vfm-lab train --recipe ade20k');

  await preset.selectOption('cityscapes');
  await expect(page.getByTestId('recipe-crop')).toHaveValue('1024');
  await expect(page.getByTestId('recipe-steps')).toHaveValue('20000');
  await expect(active).toContainText('Active recipe: cityscapes');

  await page.getByTestId('recipe-steps').fill('100');
  await expect(active).toContainText('Active recipe: none (a field was edited)');
  await preset.selectOption('demo');
  await expect(page.getByTestId('recipe-steps')).toHaveValue('300');
  await expect(page.getByTestId('recipe-lrHead')).toHaveValue('0.001');
  await expect(active).toContainText('Active recipe: demo');
});
