/**
 * @file One train-step benchmark in a process of its own, so that its peak RSS is its own (a
 * process's peak never goes down: in-process rows would inherit the previous row's peak).
 * Mode 'engine': the whole HostEngine step (`benchTrainStep`); prints its numbers, the peak RSS and
 * the RSS before the step was compiled. Mode 'session': the compiled step alone — feeds ready,
 * then one onnxruntime-node session and one run writing the gradients into our arrays — to compare the
 * plan's workspace (or the gradients' JS copy onnxruntime-node returns, when larger) with its RSS growth.
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
  // the gradients land in arrays of ours, as in the engine (allocated and touched before the baseline)
  const into = Object.fromEntries(graph.manifest.outputs.filter((o) => o.name.startsWith('grad.')).map((o) => [o.name, new Float32Array(o.shape.reduce((a, b) => a * b, 1)).fill(1)]));
  const baselineRssBytes = process.memoryUsage().rss; // inputs and gradient arrays are already allocated
  const runner = await createNodeRunner(graph, { threads: opts.threads });
  await runner.run(feeds, undefined, into);
  // onnxruntime's workspace during the run, or the JS copy of the gradients it returns after it
  const gradBytes = Object.values(into).reduce((a, g) => a + g.byteLength, 0);
  const planBytes = Math.max(graph.manifest.plan.workspaceBytes, gradBytes);
  console.log(JSON.stringify({ planBytes, growthBytes: process.resourceUsage().maxRSS * 1024 - baselineRssBytes }));
}
