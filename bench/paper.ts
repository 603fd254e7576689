/**
 * @file The paper's setting: ViT-B/16 at a 512 px crop (1025 tokens), batch 1, 150 classes (ADE20K),
 * full fine-tuning with AdamW — our step keeping activations and recomputing each block, next to
 * PyTorch CPU on the same step. Each runs in a process of its own, so every peak RSS is its own,
 * and the compiler's memory plan is printed next to the measured peak.
 *
 * Columns: `plan` is what the browser preflight counts (the compiler's liveness peak of the step +
 * AdamW's two moments); `host plan` adds what the Node host engine holds besides (the JS copy of the
 * gradients onnxruntime-node returns after the run, when the workspace is free); `RSS growth` is the peak
 * RSS minus the RSS before the step was compiled (Node itself, ~90 MiB); `session` runs the compiled
 * step alone in onnxruntime-node (inputs allocated first) and sets the plan against its RSS growth.
 */
import { execFileSync } from 'node:child_process';
import { benchTorch, VIT_B, type StepOptions } from './train-step';
import { HOST_MALLOC_ENV } from '../src/runtime/node';

const MIB = 2 ** 20;

function child<T>(mode: 'engine' | 'session', opts: StepOptions): T {
  const script = new URL('./step-child.ts', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, JSON.stringify([mode, VIT_B, opts])], { encoding: 'utf8', maxBuffer: 1 << 20,
    env: { ...process.env, ...HOST_MALLOC_ENV }, // as `vfm-lab` starts (bin/vfm-lab.mjs)
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

const ours = (opts: StepOptions) => child<{
  msPerStep: number; gflopPerStep: number; gflops: number; planBytes: number; hostPlanBytes: number; peakRssBytes: number; baselineRssBytes: number;
}>('engine', opts);
/** The step's session alone: the plan's workspace (or the gradients' JS copy, when larger) against onnxruntime's RSS growth. */
const session = (opts: StepOptions) => child<{ planBytes: number; growthBytes: number }>('session', opts);

export async function benchPaper(threads: number, skipTorch: boolean): Promise<Record<string, string | number>[]> {
  const opts: StepOptions = { crop: 512, batch: 1, classes: 150, steps: 1, threads };
  const torch = skipTorch ? null : benchTorch(VIT_B, opts);
  const rows: Record<string, string | number>[] = [];
  for (const recompute of ['none', 'blocks'] as const) {
    const r = ours({ ...opts, recompute });
    const grown = r.peakRssBytes - r.baselineRssBytes;
    const ort = session({ ...opts, recompute });
    rows.push({
      run: recompute === 'none' ? 'vfm-lab, keep activations' : 'vfm-lab, --recompute blocks',
      'ms/step': r.msPerStep,
      'GFLOP/s': r.gflops,
      'peak RSS MiB': Math.round(r.peakRssBytes / MIB),
      'RSS growth MiB': Math.round(grown / MIB),
      'plan MiB': Math.round(r.planBytes / MIB),
      'host plan MiB': Math.round(r.hostPlanBytes / MIB),
      'host plan ÷ growth': (r.hostPlanBytes / grown).toFixed(2),
      'session: plan ÷ growth': `${Math.round(ort.planBytes / MIB)} / ${Math.round(ort.growthBytes / MIB)} MiB = ${(ort.planBytes / ort.growthBytes).toFixed(2)}`,
      'time vs torch': torch ? `${(r.msPerStep / torch.msPerStep).toFixed(2)}×` : 'n/a',
      'peak vs torch': torch ? `${(r.peakRssBytes / torch.peakRssBytes).toFixed(2)}×` : 'n/a',
    });
    if (torch && recompute === 'blocks') {
      rows.push({
        run: `PyTorch ${torch.torch} CPU`, 'ms/step': torch.msPerStep, 'GFLOP/s': r.gflopPerStep / (torch.msPerStep / 1000),
        'peak RSS MiB': Math.round(torch.peakRssBytes / MIB), 'RSS growth MiB': '', 'plan MiB': '', 'host plan MiB': '', 'host plan ÷ growth': '', 'session: plan ÷ growth': '', 'time vs torch': '1.00×', 'peak vs torch': '1.00×',
      });
    }
  }
  return rows;
}
