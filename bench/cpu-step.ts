/**
 * @file CPU seconds (user + system) per ViT-S/16 224 px batch-2 train step on onnxruntime-node,
 * and the step's node count by op type. CPU time is far less sensitive to other load on a shared
 * machine than wall time, so graph changes are compared with it (run old and new alternately).
 * One thread by default: with two, onnxruntime's spinning workers add ~40 % CPU time that depends
 * on the load (measured here: 0.7 s vs 1.0 s per step), which hides a few-percent change.
 * Usage: `tsx bench/cpu-step.ts [steps=3] [threads=1] [--arena]` (--arena: onnxruntime's CPU arena on).
 */
import { tinyVitConfig } from '../src/model/demo';
import { parameterShapes } from '../src/model/vit';
import { createNodeRunner } from '../src/runtime/node';
import { compileTrainStep } from '../src/train/graphs';
import { MEMORY_CONFIGS } from '../src/train/memory-policy';
import { VIT_S } from './train-step';

const steps = Number(process.argv[2] ?? 3);
const threads = Number(process.argv[3] ?? 1);
const opts = { crop: 224, batch: 2, classes: 21 };
const cfg = { ...tinyVitConfig({ embedDim: VIT_S.dim, depth: VIT_S.depth, patchSize: 16, numClasses: opts.classes }), heads: VIT_S.heads };
const graph = compileTrainStep(cfg, parameterShapes(cfg, [opts.crop / 16, opts.crop / 16]), opts, 'none', undefined, 'vit', 'none');
const feeds = Object.fromEntries(graph.manifest.inputs.map((i) => {
  const n = i.shape.reduce((a, b) => a * b, 1);
  return [i.name, i.dtype === 'int32' ? Int32Array.from({ length: n }, (_, k) => k % opts.classes) : Float32Array.from({ length: n }, (_, k) => 0.02 * Math.sin(k))];
}));
const memArena = process.argv.includes('--arena');
const runner = await createNodeRunner(graph, { threads, memory: MEMORY_CONFIGS[memArena ? 'fast' : 'lean'] });
await runner.run(feeds); // warm-up
const cpu: number[] = [];
for (let i = 0; i < steps; i++) {
  const before = process.cpuUsage();
  await runner.run(feeds);
  const d = process.cpuUsage(before);
  cpu.push((d.user + d.system) / 1e6);
}
const counts = Object.entries(graph.manifest.opCounts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
console.log(JSON.stringify({ memArena, nodes: graph.manifest.nodeCount, cpuSecondsPerStep: cpu.map((s) => +s.toFixed(3)), ops: counts }));
