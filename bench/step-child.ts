/**
 * @file One train-step benchmark in a process of its own, so that its peak RSS is its own (a
 * process's peak never goes down: in-process rows would inherit the previous row's peak).
 * Mode 'engine': the whole HostEngine step (`benchTrainStep`); prints its numbers, the peak RSS and
 * the RSS before the step was compiled. Mode 'session': the compiled step alone — feeds ready,
 * then one onnxruntime-node session and one run — to compare the plan with what onnxruntime holds.
 */
import { tinyVitConfig } from '../src/model/demo';
import { parameterShapes } from '../src/model/vit';
import { createNodeRunner } from '../src/runtime/node';
import { compileTrainStep } from '../src/train/graphs';
import { benchTrainStep, type StepOptions, type VitSize } from './train-step';

const [mode, size, opts] = JSON.parse(process.argv[2]) as ['engine' | 'session', VitSize, StepOptions];
if (mode === 'engine') {
  const baselineRssBytes = process.memoryUsage().rss;
  const r = await benchTrainStep(size, opts);
  console.log(JSON.stringify({ ...r, baselineRssBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
} else {
  const cfg = { ...tinyVitConfig({ embedDim: size.dim, depth: size.depth, patchSize: 16, numClasses: opts.classes }), heads: size.heads };
  const graph = compileTrainStep(cfg, parameterShapes(cfg, [opts.crop / 16, opts.crop / 16]), opts, 'none', undefined, 'vit', opts.recompute ?? 'none');
  const feeds = Object.fromEntries(graph.manifest.inputs.map((i) => {
    const n = i.shape.reduce((a, b) => a * b, 1);
    return [i.name, i.dtype === 'int32' ? Int32Array.from({ length: n }, (_, k) => k % opts.classes) : Float32Array.from({ length: n }, (_, k) => 0.02 * Math.sin(k))];
  }));
  const baselineRssBytes = process.memoryUsage().rss; // inputs are already allocated: the plan's share without them
  const runner = await createNodeRunner(graph, { threads: opts.threads });
  await runner.run(feeds);
  const { plan } = graph.manifest;
  console.log(JSON.stringify({ planBytes: plan.peakBytes - plan.inputBytes, growthBytes: process.resourceUsage().maxRSS * 1024 - baselineRssBytes }));
}
