/**
 * @file One train-step benchmark in a process of its own, so that its peak RSS is its own (a
 * process's peak never goes down: in-process rows would inherit the previous row's peak). Prints
 * `benchTrainStep`'s numbers, the peak RSS and the RSS before the step was compiled.
 */
import { benchTrainStep, type StepOptions, type VitSize } from './train-step';

const [size, opts] = JSON.parse(process.argv[2]) as [VitSize, StepOptions];
const baselineRssBytes = process.memoryUsage().rss;
const r = await benchTrainStep(size, opts);
console.log(JSON.stringify({ ...r, baselineRssBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
