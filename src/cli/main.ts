/**
 * @file `vfm-lab`: the headless command. Same code as the browser (src/graph, src/model,
 * src/data, src/train), run on onnxruntime-node. Errors are one clear line and exit code 1;
 * `VFM_LAB_DEBUG=1` adds the stack trace.
 */
import { CliError } from './args';
import { benchmark, BENCHMARK_HELP } from './benchmark';
import { exportBenchmark, EXPORT_BENCHMARK_HELP } from './export-benchmark';
import { makeDemo, MAKE_DEMO_HELP } from './make-demo';
import { predict, PREDICT_HELP } from './predict';
import { train, TRAIN_HELP } from './train';

const USAGE = `vfm-lab — fine-tune vision foundation models for semantic segmentation (headless)

Commands:
  vfm-lab train      train a ViT + linear decoder on a dataset
  vfm-lab benchmark  train several models with the same settings and rank them (leaderboard)
  vfm-lab predict    write predicted masks for images
  vfm-lab make-demo  write the synthetic demo dataset and a tiny checkpoint
  vfm-lab export-benchmark  carry a finished run to tue-mps/benchmark-vfm-ss (config, weights, commands)

Run "vfm-lab COMMAND --help" for the options of a command.`;

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<unknown>; help: string }> = {
  train: { run: train, help: TRAIN_HELP },
  benchmark: { run: benchmark, help: BENCHMARK_HELP },
  predict: { run: predict, help: PREDICT_HELP },
  'make-demo': { run: makeDemo, help: MAKE_DEMO_HELP },
  'export-benchmark': { run: exportBenchmark, help: EXPORT_BENCHMARK_HELP },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command "${name}"\n\n${USAGE}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  await command.run(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const err = e as Error;
    process.stderr.write(`vfm-lab: ${err?.message ?? String(e)}\n`);
    if (process.env.VFM_LAB_DEBUG) process.stderr.write(`${err?.stack ?? ''}\n`);
    process.exit(1);
  },
);
