/**
 * @file `npm run bench`: every number is printed next to a reference measured in the same
 * invocation (PyTorch CPU for the train step), with achieved GFLOP/s so the distance to the
 * machine's limit is visible. Options: --quick (ViT-S only, fewer steps, no 512 px rows), --skip-torch,
 * --skip-browser, --skip-224 (only the paper-scale rows), --mem-arena (the 224 px rows with onnxruntime's
 * CPU arena on: less CPU per step, but it keeps its peak; src/runtime/node.ts).
 */
import { cpus } from 'node:os';
import { benchBrowser } from './browser';
import { benchDataPipeline } from './data';
import { benchPaper } from './paper';
import { benchTorch, benchTrainStep, VIT_B, VIT_S } from './train-step';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const threads = cpus().length;
const memory = args.has('--mem-arena') ? 'fast' as const : 'lean' as const;

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

async function trainSteps(): Promise<void> {
  console.log(`\n## Train step on onnxruntime-node (CPU, ${threads} threads${memory === 'fast' ? ', memory fast' : ''}), 224 px, batch 2, full fine-tuning\n`);
  const rows: Record<string, string | number>[] = [];
  for (const size of quick ? [VIT_S] : [VIT_S, VIT_B]) {
    const opts = { crop: 224, batch: 2, classes: 21, steps: quick ? 2 : 3, threads, memory };
    const ours = await benchTrainStep(size, opts);
    if (size === VIT_S) trainImgPerS = ours.imgPerS;
    const torch = args.has('--skip-torch') ? null : benchTorch(size, opts);
    const rss = process.resourceUsage().maxRSS / 1024;
    rows.push({
      model: ours.model,
      'ms/step': ours.msPerStep,
      'img/s': ours.imgPerS,
      'GFLOP/step': ours.gflopPerStep,
      'GFLOP/s': ours.gflops,
      'peak RSS MiB': Math.round(rss),
      'plan MiB': Math.round(ours.planBytes / 2 ** 20),
      'compile ms': ours.compileMs,
      'onnx KiB': Math.round(ours.onnxKB),
      'torch ms/step': torch ? torch.msPerStep : 'n/a',
      'torch GFLOP/s': torch ? ours.gflopPerStep / (torch.msPerStep / 1000) : 'n/a',
      'speed vs torch': torch ? `${(torch.msPerStep / ours.msPerStep).toFixed(2)}×` : 'n/a (python3-torch not installed)',
    });
  }
  table(rows);
}

async function paperScale(): Promise<void> {
  console.log(`\n## Paper scale: ViT-B/16, 512 px (1025 tokens), batch 1, 150 classes, full fine-tuning, AdamW — ${threads} threads, each run in its own process\n`);
  console.log('plan = compiler liveness peak (in onnxruntime\'s node order) + AdamW moments (the browser preflight); host plan: the JS copy of the gradients onnxruntime-node returns after the run, when it exceeds the workspace.\n');
  table(await benchPaper(threads, args.has('--skip-torch')));
}

let trainImgPerS = 0;
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

if (!args.has('--skip-224')) await trainSteps();
if (!quick) await paperScale();
if (!args.has('--skip-224')) await dataPipeline();
if (!args.has('--skip-browser')) await browser();
