/**
 * @file `npm run bench`: every number is printed next to a reference measured in the same
 * invocation (PyTorch CPU for the train step), with achieved GFLOP/s so the distance to the
 * machine's limit is visible, and the load average next to each figure. The figures are written to
 * bench/results/<date>.json and each row compared with the newest committed results file that has it: a row > 15 % slower
 * at a comparable load, or > 10 % bigger, is printed as a regression (bench/compare.ts).
 * Options:
 *   --acceptance  only the rows issue 26 accepts on: ViT-S 224 px b2 fast vs PyTorch (and lean,
 *                 the configuration before the policy, for the ratio), ViT-B 512 px fast and lean
 *                 (recomputing) vs PyTorch
 *   --check       exit status 1 when a regression is found
 *   --wasm-only   only the browser's wasm ViT-B/16 224 px step against the CLI (issue 26, item 4)
 *   --quick (ViT-S only, fewer steps, no 512 px rows), --skip-torch, --skip-browser, --skip-224 (only the paper-scale rows)
 */
import { cpus } from 'node:os';
import { benchBrowser, benchWasmStep } from './browser';
import { LIMITS, compareResults, type ResultRow } from './compare';
import { benchDataPipeline } from './data';
import { benchPaper, oursRow, torchRow } from './paper';
import { committedResults, loadNow, writeResults } from './results';
import { VIT_B, VIT_S } from './train-step';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const acceptance = args.has('--acceptance');
const threads = cpus().length;
const results: ResultRow[] = [];
let torchVersion: string | undefined;

function table(rows: Record<string, string | number>[]): void {
  if (!rows.length) return;
  const keys = Object.keys(rows[0]);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(line(keys));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(keys.map((k) => cell(r[k]))));
}

let trainImgPerS = 0;
function trainSteps(): void {
  console.log(`\n## Train step on onnxruntime-node (CPU, ${threads} threads), 224 px, batch 2, full fine-tuning, each row in its own process\n`);
  for (const size of quick || acceptance ? [VIT_S] : [VIT_S, VIT_B]) {
    const opts = { crop: 224, batch: 2, classes: 21, steps: quick ? 2 : 5, threads };
    const { torch, row } = args.has('--skip-torch') ? { torch: null, row: undefined } : torchRow(size, opts, results);
    torchVersion ??= torch?.torch;
    const rows = [oursRow(size, { ...opts, memory: 'fast' }, torch, results), oursRow(size, { ...opts, memory: 'lean' }, torch, results)];
    if (size === VIT_S) trainImgPerS = (1000 * opts.batch) / (rows[0]['ms/step'] as number);
    console.log(`### ${size.name}\n`);
    table(row ? [row, ...rows] : rows);
    console.log();
  }
}

function paperScale(): void {
  console.log(`\n## Paper scale: ViT-B/16, 512 px (1025 tokens), batch 1, 150 classes, full fine-tuning, AdamW — ${threads} threads, each run in its own process\n`);
  table(benchPaper(threads, args.has('--skip-torch'), acceptance, results));
}

async function dataPipeline(): Promise<void> {
  console.log('\n## Data pipeline at 512 px (decode PNG/JPEG + scale/crop/flip/colour jitter + normalise), one thread\n');
  const r = await benchDataPipeline({ size: 512, images: quick ? 8 : 24, batch: 2 });
  table([{
    'decode+augment img/s': r.decodeAndAugment, 'augment (cached decode) img/s': r.augmentCached,
    'ViT-S train step img/s (above)': trainImgPerS, 'headroom ×': r.decodeAndAugment / Math.max(trainImgPerS, 1e-9),
  }]);
}

async function browser(): Promise<void> {
  console.log('\n## Browser: the demo model (depth 2, width 64, 64 px crops, batch 8) in headless Chromium\n');
  console.log('WebGPU here is SwiftShader (a CPU emulation of a GPU): correct but slow; on a real GPU it is the fast path.\n');
  table(await benchBrowser(8));
}

/** issue 26: the ViT-B/16 224 px b2 step on the browser's wasm backend against the CLI, one after the other. */
async function wasmStep(): Promise<void> {
  const opts = { crop: 224, batch: 2, classes: 21, steps: 3 };
  console.log('\n## ViT-B/16 224 px b2 train step: headless Chromium on wasm (a Web Worker, as the app) against the CLI\n');
  const rows: Record<string, string | number>[] = [];
  const web = await benchWasmStep({ size: VIT_B, ...opts, memory: 'fast' });
  const webLoad = loadNow();
  results.push({ id: 'chromium-wasm-vit-b-224-b2-fast', label: 'Chromium wasm ViT-B/16 224 px b2, fast', ms: Math.round(web.ms), load: webLoad, extra: { threads: web.threads } });
  rows.push({ run: `Chromium wasm (${web.threads} threads, cross-origin isolated: ${web.isolated})`, 'ms/step': web.ms, load: webLoad });
  const cli = oursRow(VIT_B, { ...opts, threads, memory: 'fast' }, null, results);
  rows.push({ run: `onnxruntime-node, ${threads} threads`, 'ms/step': cli['ms/step'], load: cli.load });
  console.log(`wasm ÷ CLI: ${(web.ms / (cli['ms/step'] as number)).toFixed(2)}×\n`);
  table(rows);
}

/** Each row against the newest committed results file that has it (a partial run's file lacks the others). */
function compare(): boolean {
  const committed = committedResults();
  const { path, file } = writeResults(results, `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), torchVersion);
  console.log(`\nwrote ${path}`);
  let pending = file.rows;
  let regressions = 0;
  for (const before of committed) {
    const has = new Set(before.file.rows.map((r) => r.id));
    const rows = pending.filter((r) => has.has(r.id));
    if (!rows.length) continue;
    const c = compareResults(before.file, { ...file, rows }, LIMITS, { listUnmeasured: false });
    console.log(`\n## Against ${before.path} (committed)\n`);
    for (const n of c.notes) console.log(`  note: ${n}`);
    for (const r of c.regressions) console.log(`  REGRESSION: ${r}`);
    if (!c.regressions.length) console.log('  no regression');
    regressions += c.regressions.length;
    pending = pending.filter((r) => !has.has(r.id));
  }
  for (const r of pending) console.log(`  note: ${r.label}: no committed figure to compare with`);
  return regressions === 0;
}

const wasmOnly = args.has('--wasm-only');
if (!args.has('--skip-224') && !wasmOnly) trainSteps();
if (!quick && !wasmOnly) paperScale();
if (!args.has('--skip-224') && !acceptance && !wasmOnly) await dataPipeline();
if (!args.has('--skip-browser') && !acceptance && !wasmOnly) await browser();
if ((!args.has('--skip-browser') && !acceptance && !quick) || wasmOnly) await wasmStep();
if (!compare() && args.has('--check')) process.exitCode = 1;
