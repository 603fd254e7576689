/**
 * @file Live charts (recharts): training loss (raw + smoothed, with a smoothing slider) and
 * validation mIoU of the current run overlaid with saved runs (named, coloured, toggled in the
 * legend; each downloadable as PNG), per-class IoU in the dataset's colours, and — smaller —
 * learning rates and throughput of the current run. Before any step there are no empty frames,
 * only a line saying what will appear.
 *
 * Training updates the store up to ten times a second, so the hot path is kept small: each chart
 * is its own memoised component whose props stay the same objects while their values do (charts/
 * stable.ts), a saved run's lines are computed once per save (lineCache), and long lines are
 * thinned to two points per pixel column, keeping each column's extremes (charts/decimate.ts); on a
 * slow machine the charts take new steps less often than the store has them (charts/paced.ts).
 */
import { memo, useMemo, useState, type ReactElement } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Rectangle, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalMetric, StepMetric } from '../../worker/api';
import { useLab } from '../lab';
import { minMaxDecimate, pointBudget } from '../charts/decimate';
import { chartSummary, lossLine, lrTicks, percent, sig, stepTicks } from '../charts/format';
import { MAX_POINTS, lineCache, valueAt, type RunLines } from '../charts/series';
import { chartFileName } from '../charts/svg-export';
import { niceTicks, windowedThroughput } from '../store/metrics';
import { RunLegend, useOverlay } from './charts/overlay';
import { Panel, chartSizes, tip, tipAt, usePlotWidth, useTalkScale, type PngExport } from './charts/Panel';
import { usePaced } from './charts/paced';
import { useStableItems } from './charts/stable';
import './charts.css';

const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
const PERCENT_TICKS = [0, 25, 50, 75, 100];
const PERCENT_DOMAIN = [0, 100];
const sigTick = (v: number) => sig(v);
const percentTick = (v: number) => percent(v);
const runClass = (id: string) => `run-line run-${id.replace(/[^\w-]/g, '_')}`;
const barShape = (p: object) => <Rectangle {...p} fill={(p as { payload: { color: string } }).payload.color} />;

/** What every chart of one size shares: the step axis, margins and tick font (one object while they stay the same). */
interface Frame {
  xAxis: ReactElement;
  margin: { top: number; right: number; bottom: number; left: number };
  tick: { fontSize: number };
  size: ReturnType<typeof chartSizes>;
}

/** Shown at once, not paced: another run's metrics (a reset, a reopened run) or a new evaluation. */
const newRunOrEval = (was: Metrics, now: Metrics) => now.evals !== was.evals || now.steps.length < was.steps.length || now.steps[0] !== was.steps[0];
type Metrics = { steps: readonly StepMetric[]; evals: readonly EvalMetric[] };

type Bars = { name: string; IoU: number; absent: boolean; color: string }[];

export function Charts() {
  // the current run's metrics, at the pace this machine can redraw them
  const current = usePaced(useLab(useShallow((s) => ({ steps: s.steps, evals: s.evals }))), newRunOrEval);
  const { steps, evals } = current;
  const perStep = useLab((s) => s.config.batch * s.config.accum);
  const classes = useLab((s) => s.dataset?.classes);
  const [smoothing, setSmoothing] = useState(0.6);
  const [scale, ref] = useTalkScale();
  const talk = useLab((s) => s.talkMode);
  const [width, onWidth] = usePlotWidth();
  const budget = width ? pointBudget(width) : MAX_POINTS;
  const overlay = useOverlay(current);
  const [linesOf] = useState(lineCache);
  // each shown run's lines; a saved run's are the same arrays as long as its metrics are
  const lines = useMemo(() => overlay.shown.map((r) => linesOf(r, smoothing, budget)), [overlay.shown, smoothing, budget, linesOf]);
  const lossTicks = useStableItems(useMemo(() => {
    let lo = Infinity, hi = -Infinity; // a loop, not Math.min(...): runs can have many thousands of steps
    for (const l of lines) for (const d of l.loss) for (const v of [d.loss, d.smoothed]) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return niceTicks(lo, hi);
  }, [lines]));
  const lrData = useMemo(() => minMaxDecimate(steps.map((s) => ({ step: s.step, lrHead: s.lrHead, lrEncoder: s.lrEncoder })), ['lrHead', 'lrEncoder'], budget), [steps, budget]);
  const maxLr = useMemo(() => steps.reduce((m, d) => Math.max(m, d.lrHead, d.lrEncoder), 0), [steps]);
  const lr = useMemo(() => lrTicks(maxLr), [maxLr]);
  const speed = useMemo(() => minMaxDecimate(windowedThroughput(steps, perStep), ['imgPerS'], budget), [steps, perStep, budget]);
  const speedTicks = useStableItems(useMemo(() => niceTicks(0, speed.reduce((m, p) => Math.max(m, p.imgPerS), 0), 4), [speed]));
  const lastStep = Math.max(steps.at(-1)?.step ?? 1, evals.at(-1)?.step ?? 1, ...lines.map((l) => Math.max(l.loss.at(-1)?.step ?? 1, l.miou.at(-1)?.step ?? 1)));
  const xTicks = useStableItems(useMemo(() => stepTicks(0, lastStep), [lastStep]));
  const frame = useMemo((): Frame => {
    const size = chartSizes(scale, talk);
    const tick = { fontSize: size.font };
    const margin = { top: 6, right: Math.round(1.5 * size.font), bottom: Math.round(size.font / 2), left: 0 }; // room for the last step tick and the axis title
    const xAxis = (
      <XAxis dataKey="step" type="number" domain={[xTicks[0], xTicks.at(-1)!]} ticks={xTicks} interval={0} allowDecimals={false} tick={tick}
        height={size.xHeight} label={{ value: 'step', position: 'insideBottomRight', offset: 0, fontSize: size.font }} />
    );
    return { xAxis, margin, tick, size };
  }, [scale, talk, xTicks]);
  // the mIoU chart and the bars change at evaluations only, not at every step
  const miouLines = useStableItems(lines.map((l) => ({ id: l.run.id, label: l.run.label, color: l.run.color, miou: l.miou })));
  const last = evals.at(-1);
  const iouBars = useMemo((): Bars => (last && classes
    ? last.perClassIoU.map((v, i) => ({ name: classes[i]?.name ?? `class ${i}`, IoU: v === null ? 0 : 100 * v, absent: v === null, color: rgb(classes[i]?.color ?? [120, 120, 120]) }))
    : []), [last, classes]);
  const legend = useStableItems(lines.map((l) => ({ label: l.run.label, color: l.run.color })));
  const png = useMemo(() => (chart: string, title: string): PngExport => ({
    file: chartFileName(chart, legend.map((l) => l.label), overlay.dataset), title, legend,
  }), [legend, overlay.dataset]);

  if (steps.length === 0 && evals.length === 0 && overlay.offered.length === 0) {
    return <p className="charts-empty" data-testid="charts-empty" ref={ref}>Charts appear when training starts: loss, validation mIoU, learning rate and speed.</p>;
  }
  const big = Math.round(190 * scale), small = Math.round(120 * scale);
  const live = lines.find((l) => l.run.live);
  const lastSmoothed = live?.loss.at(-1)?.smoothed;
  const others = lines.length > 1 ? `; ${lines.length} runs overlaid: ${lines.map((l) => l.run.label).join(', ')}` : '';
  const lastLr = steps.at(-1);
  return (
    <div className="charts-wrap" ref={ref}>
      <div className="chart-tools">
        <label className="smoothing">
          Smoothing <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(e.target.valueAsNumber)}
            aria-valuetext={smoothing === 0 ? 'off' : String(smoothing)} />
          <output>{smoothing === 0 ? 'off' : smoothing.toFixed(2)}</output>
        </label>
        <RunLegend overlay={overlay} />
      </div>
      <div className="charts">
        <Panel title="Training loss (cross-entropy)" testId="loss-chart" height={big} png={png('loss', 'Training loss (cross-entropy)')} onWidth={onWidth}
          summary={chartSummary('training loss', live?.run.steps.length ?? 0, lastSmoothed === undefined ? undefined : sig(lastSmoothed, 2)) + others}>
          <LossChart lines={lines} smoothing={smoothing} ticks={lossTicks} frame={frame} />
        </Panel>
        <Panel title={`Validation mIoU (%)${last ? `: ${(100 * last.mIoU).toFixed(1)}%` : ''}`} testId="miou-chart" height={big} png={png('mIoU', 'Validation mIoU (%)')}
          summary={chartSummary('validation mIoU', evals.length, last && percent(100 * last.mIoU, 1), 'evaluations') + others}>
          <MiouChart lines={miouLines} frame={frame} />
        </Panel>
        <Panel title="Per-class IoU at the last evaluation (%)" testId="iou-bars" height={big}
          summary={last ? `per-class IoU at step ${last.step}: ${iouBars.map((b) => `${b.name} ${b.absent ? 'absent' : percent(b.IoU)}`).join(', ')}` : 'per-class IoU, no evaluation yet'}>
          <IouBars bars={iouBars} frame={frame} />
        </Panel>
        <div className="chart-stack">
          <Panel title="Learning rate" testId="lr-chart" height={small} secondary
            summary={chartSummary('learning rate (decoder)', steps.length, lastLr && lastLr.lrHead.toExponential(2))}>
            <LrChart data={lrData} ticks={lr} frame={frame} />
          </Panel>
          <Panel title="Throughput (img/s, last 10 steps)" testId="throughput-chart" height={small} secondary
            summary={chartSummary('throughput in images per second', steps.length, speed.at(-1) && sig(speed.at(-1)!.imgPerS))}>
            <SpeedChart data={speed} ticks={speedTicks} frame={frame} />
          </Panel>
        </div>
      </div>
    </div>
  );
}

// each chart below sits in Panel's ResponsiveContainer, which hands its size down through a context
const LossChart = memo(function LossChart({ lines, smoothing, ticks, frame }: { lines: RunLines[]; smoothing: number; ticks: number[]; frame: Frame }) {
  const many = lines.length > 1;
  const content = useMemo(() => tipAt((step) => lines.flatMap((l) => {
    const d = valueAt(l.loss, step);
    if (!d) return [];
    const text = lossLine(d.step, d.loss, smoothing > 0 ? d.smoothed : undefined);
    return [many ? `${l.run.label}: ${text}` : text];
  })), [lines, smoothing, many]);
  const domain = useMemo(() => [ticks[0], ticks.at(-1)!], [ticks]);
  return (
    <LineChart accessibilityLayer={false} margin={frame.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      {frame.xAxis}
      <YAxis domain={domain} ticks={ticks} interval={0} tick={frame.tick} width={frame.size.yWidth(5)} tickFormatter={sigTick} />
      <Tooltip content={content} isAnimationActive={false} />
      {lines.flatMap((l) => [
        <Line key={`${l.run.id}-raw`} data={l.loss as RunLines['loss'][number][]} dataKey="loss" name={`${l.run.label} (raw)`} className={runClass(l.run.id)} stroke={l.run.color}
          strokeOpacity={smoothing > 0 ? 0.3 : 1} strokeWidth={smoothing > 0 ? 1 : 1.5} dot={false} isAnimationActive={false} />,
        ...(smoothing > 0 ? [<Line key={`${l.run.id}-smooth`} data={l.loss as RunLines['loss'][number][]} dataKey="smoothed" name={l.run.label} className={runClass(l.run.id)} stroke={l.run.color}
          strokeWidth={2} dot={false} isAnimationActive={false} />] : []),
      ])}
    </LineChart>
  );
});

type MiouLine = { id: string; label: string; color: string; miou: RunLines['miou'] };

const MiouChart = memo(function MiouChart({ lines, frame }: { lines: MiouLine[]; frame: Frame }) {
  const many = lines.length > 1;
  const content = useMemo(() => tipAt((step) => lines.flatMap((l) => {
    const d = valueAt(l.miou, step);
    return d ? [`${many ? `${l.label}: ` : ''}step ${d.step} · mIoU ${percent(d.mIoU, 1)}`] : [];
  })), [lines, many]);
  return (
    <LineChart accessibilityLayer={false} margin={frame.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      {frame.xAxis}
      <YAxis domain={PERCENT_DOMAIN} ticks={PERCENT_TICKS} interval={0} tick={frame.tick} width={frame.size.yWidth(4)} tickFormatter={percentTick} />
      <Tooltip content={content} isAnimationActive={false} />
      {lines.map((l) => (
        <Line key={l.id} data={l.miou as MiouLine['miou'][number][]} dataKey="mIoU" name={l.label} className={runClass(l.id)} stroke={l.color} strokeWidth={2}
          dot={l.miou.length < 30} isAnimationActive={false} />
      ))}
    </LineChart>
  );
});

const barTip = tip((d: Bars[number]) => `${d.name}: ${d.absent ? 'not in the validation set' : `IoU ${percent(d.IoU, 1)}`}`);

const IouBars = memo(function IouBars({ bars, frame }: { bars: Bars; frame: Frame }) {
  return (
    <BarChart data={bars} accessibilityLayer={false} margin={frame.margin}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="name" tick={frame.tick} interval={bars.length <= 12 ? 0 : 'preserveStartEnd'} height={frame.size.xHeight} />
      <YAxis domain={PERCENT_DOMAIN} ticks={PERCENT_TICKS} interval={0} tick={frame.tick} width={frame.size.yWidth(4)} tickFormatter={percentTick} />
      <Tooltip content={barTip} isAnimationActive={false} />
      <Bar dataKey="IoU" isAnimationActive={false} shape={barShape} />
    </BarChart>
  );
});

type LrPoint = { step: number; lrHead: number; lrEncoder: number };
const lrTip = tip((d: LrPoint) => `step ${d.step} · decoder ${d.lrHead.toExponential(2)} · encoder ${d.lrEncoder.toExponential(2)}`);

const LrChart = memo(function LrChart({ data, ticks, frame }: { data: readonly LrPoint[]; ticks: ReturnType<typeof lrTicks>; frame: Frame }) {
  const domain = useMemo(() => [0, ticks.ticks.at(-1)!], [ticks]);
  const label = useMemo(() => (v: number) => ticks.labels.get(v) ?? String(v), [ticks]);
  const legendStyle = useMemo(() => ({ fontSize: frame.size.font }), [frame]);
  return (
    <LineChart data={data as LrPoint[]} accessibilityLayer={false} margin={frame.margin}>
      {frame.xAxis}
      <YAxis domain={domain} ticks={ticks.ticks} interval={0} tick={frame.tick} width={frame.size.yWidth(6)} tickFormatter={label} />
      <Tooltip content={lrTip} isAnimationActive={false} />
      <Legend wrapperStyle={legendStyle} />
      <Line dataKey="lrHead" name="decoder" stroke="#a40" dot={false} isAnimationActive={false} />
      <Line dataKey="lrEncoder" name="encoder" stroke="#057" dot={false} isAnimationActive={false} />
    </LineChart>
  );
});

type SpeedPoint = { step: number; imgPerS: number };
const speedTip = tip((d: SpeedPoint) => `step ${d.step} · ${sig(d.imgPerS)} img/s`);

const SpeedChart = memo(function SpeedChart({ data, ticks, frame }: { data: readonly SpeedPoint[]; ticks: number[]; frame: Frame }) {
  const domain = useMemo(() => [0, ticks.at(-1)!], [ticks]);
  return (
    <LineChart data={data as SpeedPoint[]} accessibilityLayer={false} margin={frame.margin}>
      {frame.xAxis}
      <YAxis domain={domain} ticks={ticks} interval={0} tick={frame.tick} width={frame.size.yWidth(5)} tickFormatter={sigTick} />
      <Tooltip content={speedTip} isAnimationActive={false} />
      <Line dataKey="imgPerS" stroke="#555" dot={false} isAnimationActive={false} />
    </LineChart>
  );
});

