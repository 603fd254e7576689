/** The unit tests that exercise the numeric core, for `npm run mutation` (stryker.config.mjs). */
import { defineConfig } from 'vitest/config';
import base from './vite.config';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['src/graph/**/*.test.ts', 'src/model/**/*.test.ts', 'src/train/*.test.ts', 'src/data/augment.test.ts'],
    // the learning test trains for minutes and asserts no formula; it is not for mutants
    exclude: [...(base.test?.exclude ?? []), 'src/train/learning.test.ts'],
  },
});
