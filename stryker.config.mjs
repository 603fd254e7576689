/**
 * Mutation testing of the numeric core (`npm run mutation`; not part of `npm test` or CI).
 * StrykerJS changes one operator/constant at a time in the files below and reruns the unit tests
 * that cover it (coverageAnalysis perTest); a mutant that no test notices "survives".
 * One file alone: `npm run mutation -- --mutate src/train/schedule.ts`.
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/graph/ops.ts',
    'src/graph/nn.ts',
    'src/model/vit.ts',
    'src/train/optimizer.ts',
    'src/train/schedule.ts',
    'src/data/augment.ts',
  ],
  // the machine is small and shared: one test process at a time
  concurrency: 1,
  // module-level mutants (tables, constants) would rerun every test each; they are counted as ignored
  ignoreStatic: true,
  // added to 1.5 × the test time measured in the initial run: a mutant that loops forever costs this much
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  ignorePatterns: ['dist', 'test-results', 'playwright-report', 'reports', 'e2e', 'bench', 'out', 'runs', '.cache'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
