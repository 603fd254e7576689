/**
 * @file Train-step rows, each in a process of its own so that every peak RSS is its own: our step
 * (HostEngine on onnxruntime-node, as `vfm-lab train` runs it) in a memory configuration, next to
 * PyTorch CPU on the same step. The paper's setting is ViT-B/16 at 512 px (1025 tokens), batch 1,
 * 150 classes (ADE20K), full fine-tuning with AdamW.
 *
 * Columns: `plan` is what the browser preflight counts (the compiler's liveness peak of the step +
 * AdamW's two moments); `policy cost` what the memory policy expects the configuration to hold
 * (src/train/memory-policy.ts); `RSS growth` is the peak RSS minus the RSS before the step was
 * compiled (Node itself, ~90 MiB).
 */
import { execFileSync } from 'node:child_process';
import type { ResultRow } from './compare';
import { loadNow } from './results';
import { benchTorch, VIT_B, type StepOptions, type VitSize } from './train-step';
import { HOST_MALLOC_ENV } from '../src/runtime/node';

const MIB = 2 ** 20;

export interface ChildStep {
  msPerStep: number; gflopPerStep: number; gflops: number; planBytes: number; policyBytes: number; peakRssBytes: number; baselineRssBytes: number;
}

/** Our step in a child process started as `vfm-lab` starts (bin/vfm-lab.mjs: the malloc setting, --expose-gc for lean). */
export function stepInChild(size: VitSize, opts: StepOptions): ChildStep {
  const script = new URL('./step-child.ts', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, JSON.stringify([size, opts])], {
    encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, ...HOST_MALLOC_ENV },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildStep;
}

const slug = (s: VitSize) => s.name.toLowerCase().replace('/16', '');

/** A row of ours (fast or lean) and its results-file row; `torchMs` and `torchPeak` from the same invocation. */
export function oursRow(size: VitSize, opts: StepOptions, torch: ReturnType<typeof benchTorch>, results: ResultRow[]): Record<string, string | number> {
  const memory = opts.memory ?? 'lean';
  const r = stepInChild(size, opts);
  const load = loadNow();
  const how = `${memory}${opts.recompute === 'blocks' ? ', recompute blocks' : ''}`;
  const label = `${size.name} ${opts.crop} px b${opts.batch}, ${how}`;
  const peakMiB = Math.round(r.peakRssBytes / MIB);
  const vsTorch: Record<string, number> = torch ? { 'time vs torch': +(r.msPerStep / torch.msPerStep).toFixed(2), 'peak vs torch': +(r.peakRssBytes / torch.peakRssBytes).toFixed(2) } : {};
  results.push({
    id: `${slug(size)}-${opts.crop}-b${opts.batch}-${memory}${opts.recompute === 'blocks' ? '-recompute' : ''}`, label, ms: Math.round(r.msPerStep), peakMiB, load,
    extra: { 'GFLOP/s': +r.gflops.toFixed(1), 'plan MiB': Math.round(r.planBytes / MIB), 'policy cost MiB': Math.round(r.policyBytes / MIB), ...vsTorch },
  });
  return {
    run: `vfm-lab, ${how}`, 'ms/step': r.msPerStep, 'GFLOP/s': r.gflops, 'peak RSS MiB': peakMiB, 'RSS growth MiB': Math.round((r.peakRssBytes - r.baselineRssBytes) / MIB),
    'plan MiB': Math.round(r.planBytes / MIB), 'policy cost MiB': Math.round(r.policyBytes / MIB),
    'speed vs torch': torch ? `${(torch.msPerStep / r.msPerStep).toFixed(2)}×` : 'n/a', 'peak vs torch': torch ? `${(r.peakRssBytes / torch.peakRssBytes).toFixed(2)}×` : 'n/a', load,
  };
}

/** PyTorch's row (null when python3-torch is not installed), measured once per setting. */
export function torchRow(size: VitSize, opts: StepOptions, results: ResultRow[]): { torch: ReturnType<typeof benchTorch>; row?: Record<string, string | number> } {
  const torch = benchTorch(size, opts);
  if (!torch) return { torch };
  const load = loadNow();
  const peakMiB = Math.round(torch.peakRssBytes / MIB);
  results.push({ id: `torch-${slug(size)}-${opts.crop}-b${opts.batch}`, label: `PyTorch ${size.name} ${opts.crop} px b${opts.batch}`, ms: Math.round(torch.msPerStep), peakMiB, load, extra: { torch: torch.torch } });
  return { torch, row: { run: `PyTorch ${torch.torch} CPU`, 'ms/step': torch.msPerStep, 'GFLOP/s': '', 'peak RSS MiB': peakMiB, 'RSS growth MiB': '', 'plan MiB': '', 'policy cost MiB': '', 'speed vs torch': '1.00×', 'peak vs torch': '1.00×', load } };
}

/**
 * The paper's setting: fast (keeping activations) and lean with recomputation — the two ends of
 * the policy — and, in the full bench, lean keeping activations; PyTorch first.
 */
export function benchPaper(threads: number, skipTorch: boolean, acceptanceOnly: boolean, results: ResultRow[]): Record<string, string | number>[] {
  const opts: StepOptions = { crop: 512, batch: 1, classes: 150, steps: 1, threads };
  const rows: Record<string, string | number>[] = [];
  const { torch, row } = skipTorch ? { torch: null, row: undefined } : torchRow(VIT_B, opts, results);
  if (row) rows.push(row);
  rows.push(oursRow(VIT_B, { ...opts, memory: 'fast' }, torch, results));
  rows.push(oursRow(VIT_B, { ...opts, memory: 'lean', recompute: 'blocks' }, torch, results));
  if (!acceptanceOnly) rows.push(oursRow(VIT_B, { ...opts, memory: 'lean' }, torch, results));
  return rows;
}
