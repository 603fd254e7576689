/**
 * The recipe panel (both projects): choosing a benchmark recipe sets every field of the form and
 * the panel says which recipe is active and whose rules apply; editing a field keeps the rules.
 * A short run under the benchmark recipe trains with its rules and says so.
 */
import { expect, test } from '@playwright/test';
import { openLab, setRecipe, shot } from './helpers';

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
  await expect(active).toContainText('Rules of ade20k (as vfm-lab train --recipe ade20k): weight decay on all parameters, long-side evaluation windows, torchvision augmentation, drop-single-value label filter');

  await preset.selectOption('cityscapes');
  await expect(page.getByTestId('recipe-crop')).toHaveValue('1024');
  await expect(page.getByTestId('recipe-steps')).toHaveValue('20000');
  await expect(active).toContainText('Active recipe: cityscapes');

  await page.getByTestId('recipe-steps').fill('100');
  await expect(active).toContainText('Active recipe: none (a field was edited)');
  await expect(active).toContainText('Rules of cityscapes'); // an edited value keeps the recipe's rules, as an explicit CLI option does
  await preset.selectOption('demo');
  await expect(page.getByTestId('recipe-steps')).toHaveValue('300');
  await expect(page.getByTestId('recipe-lrHead')).toHaveValue('0.001');
  await expect(active).toContainText('Active recipe: demo');
  await expect(active).toContainText('Rules of demo (as vfm-lab train --recipe demo): weight decay on ≥2-D weights, grid-2/3 evaluation windows, demo augmentation');
  // "Benchmark settings" keeps the run size and takes the benchmark's rules
  await page.getByRole('button', { name: 'Benchmark settings' }).click();
  await expect(page.getByTestId('recipe-steps')).toHaveValue('300');
  await expect(active).toContainText('Rules of benchmark (as vfm-lab train --recipe benchmark): weight decay on all parameters');
});

test('a run under the benchmark recipe trains with its rules and says which', async ({ page }, info) => {
  await openLab(page);
  await page.getByTestId('recipe-preset').selectOption('benchmark');
  await setRecipe(page, { steps: 2, batch: 2, evalEvery: 0 });
  await page.getByTestId('start-training').click();
  await expect(page.getByTestId('run-state')).toHaveText('finished', { timeout: 180_000 });
  await expect(page.getByTestId('run-notices')).toContainText(
    'recipe benchmark: weight decay on all parameters, long-side evaluation windows, torchvision augmentation, drop-single-value label filter');
  await shot(page, info, 'benchmark-recipe-run');
});
