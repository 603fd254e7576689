/**
 * @file CPU seconds (user and system) per ViT-S/16 224 px batch-2 train step — the whole HostEngine
 * step as `vfm-lab train` runs it (the session, the gradients' way back, AdamW) — and the step's node
 * count by op type. CPU time is far less sensitive to other load on a shared machine than wall time,
 * so changes are compared with it (run old and new alternately).
 * One thread by default: with two, onnxruntime's spinning workers add ~40 % CPU time that depends
 * on the load (measured here: 0.7 s vs 1.0 s per step), which hides a few-percent change.
 * Usage: `tsx bench/cpu-step.ts [steps=3] [threads=1] [--memory fast|lean] [--profile]`
 * (--profile: onnxruntime's profiler writes onnxruntime_profile_*.json in the working directory).
 */
import { createNodeRunner } from '../src/runtime/node';
import { HostEngine } from '../src/train/engine';
import { MEMORY_CONFIGS, parseMemory } from '../src/train/memory-policy';
import { VIT_S, stepGraphs } from './step-loop';

const [steps, threads] = [Number(process.argv[2] ?? 3), Number(process.argv[3] ?? 1)];
const flag = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const mode = parseMemory(flag('--memory') ?? 'lean');
if (mode === 'auto') throw new Error('--memory fast or lean');
const memory = MEMORY_CONFIGS[mode];
const opts = { crop: 224, batch: 2, classes: 21 };
const { weights, trainGraph: graph, evalGraph } = stepGraphs(VIT_S, { ...opts, rebuildValues: memory.rebuildValues });
const runner = await createNodeRunner(graph, { threads, memory, profile: process.argv.includes('--profile') });
const engine = new HostEngine(runner, await createNodeRunner(evalGraph, { threads, memory }), weights, [...weights.keys()], { lrHead: 1e-4, lrEncoder: 1e-5, weightDecay: 0.05 });
const images = Float32Array.from({ length: opts.batch * 3 * opts.crop * opts.crop }, (_, i) => Math.sin(i));
const labels = Int32Array.from({ length: opts.batch * opts.crop * opts.crop }, (_, i) => i % opts.classes);
const step = async () => { await engine.accumulate(images, labels); await engine.update({ head: 1e-4, encoder: 1e-5 }); };
await step(); // warm-up
const user: number[] = [], system: number[] = [];
for (let i = 0; i < steps; i++) {
  const before = process.cpuUsage();
  await step();
  const d = process.cpuUsage(before);
  user.push(+(d.user / 1e6).toFixed(3));
  system.push(+(d.system / 1e6).toFixed(3));
}
await engine.release();
const counts = Object.entries(graph.manifest.opCounts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
console.log(JSON.stringify({ memory: mode, mmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? 'glibc default', nodes: graph.manifest.nodeCount, user, system, ops: counts }));
