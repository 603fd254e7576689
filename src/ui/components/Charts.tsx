/**
 * @file Live charts (recharts): training loss (raw + smoothed, with a smoothing slider) and
 * validation mIoU of the current run overlaid with saved runs (named, coloured, toggled in the
 * legend; each downloadable as PNG), per-class IoU in the dataset's colours, and — smaller —
 * learning rates and throughput of the current run. Before any step there are no empty frames,
 * only a line saying what will appear.
 */
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Rectangle, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../lab';
import { chartSummary, lossLine, lrTicks, percent, sig, stepTicks } from '../charts/format';
import { lossPoints, miouPoints, valueAt } from '../charts/series';
import { chartFileName } from '../charts/svg-export';
import { niceTicks, windowedThroughput } from '../store/metrics';
import { RunLegend, useOverlay } from './charts/overlay';
import { Panel, chartSizes, tip, tipAt, useTalkScale, type PngExport } from './charts/Panel';
import './charts.css';

const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
const PERCENT_TICKS = [0, 25, 50, 75, 100];

export function Charts() {
  const steps = useLab((s) => s.steps);
  const evals = useLab((s) => s.evals);
  const perStep = useLab((s) => s.config.batch * s.config.accum);
  const classes = useLab((s) => s.dataset?.classes);
  const [smoothing, setSmoothing] = useState(0.6);
  const [scale, ref] = useTalkScale();
  const size = chartSizes(scale);
  const overlay = useOverlay();
  const lossData = useMemo(() => steps.map((s) => ({ step: s.step, lrHead: s.lrHead, lrEncoder: s.lrEncoder })), [steps]);
  // each shown run's lines, thinned (≤ 500 points) after smoothing
  const lines = useMemo(() => overlay.shown.map((r) => ({ run: r, loss: lossPoints(r.steps, smoothing), miou: miouPoints(r.evals) })), [overlay.shown, smoothing]);
  const lossTicks = useMemo(() => {
    let lo = Infinity, hi = -Infinity; // a loop, not Math.min(...): runs can have many thousands of steps
    for (const l of lines) for (const d of l.loss) for (const v of [d.loss, d.smoothed]) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return niceTicks(lo, hi);
  }, [lines]);
  const lr = useMemo(() => lrTicks(lossData.reduce((m, d) => Math.max(m, d.lrHead, d.lrEncoder), 0)), [lossData]);
  const speed = useMemo(() => windowedThroughput(steps, perStep), [steps, perStep]);
  const speedTicks = useMemo(() => niceTicks(0, speed.reduce((m, p) => Math.max(m, p.imgPerS), 0), 4), [speed]);
  const xTicks = useMemo(() => stepTicks(0, Math.max(steps.at(-1)?.step ?? 1, evals.at(-1)?.step ?? 1,
    ...lines.map((l) => Math.max(l.loss.at(-1)?.step ?? 1, l.miou.at(-1)?.step ?? 1)))), [steps, evals, lines]);

  if (steps.length === 0 && evals.length === 0 && overlay.offered.length === 0) {
    return <p className="charts-empty" data-testid="charts-empty" ref={ref}>Charts appear when training starts: loss, validation mIoU, learning rate and speed.</p>;
  }
  const last = evals.at(-1);
  const iouBars = last && classes
    ? last.perClassIoU.map((v, i) => ({ name: classes[i]?.name ?? `class ${i}`, IoU: v === null ? 0 : 100 * v, absent: v === null, color: rgb(classes[i]?.color ?? [120, 120, 120]) }))
    : [];
  const tick = { fontSize: size.font };
  const margin = { top: 6, right: Math.round(18 * scale), bottom: Math.round(6 * scale), left: 0 }; // room for the last step tick and the axis title
  const xAxis = (
    <XAxis dataKey="step" type="number" domain={[xTicks[0], xTicks.at(-1)!]} ticks={xTicks} interval={0} allowDecimals={false} tick={tick}
      height={size.xHeight} label={{ value: 'step', position: 'insideBottomRight', offset: 0, fontSize: size.font }} />
  );
  const big = Math.round(190 * scale), small = Math.round(120 * scale);
  const lastLoss = lossData.at(-1);
  const live = lines.find((l) => l.run.live);
  const lastSmoothed = live?.loss.at(-1)?.smoothed;
  const many = lines.length > 1;
  const png = (chart: string, title: string): PngExport => ({
    file: chartFileName(chart, lines.map((l) => l.run.label), overlay.dataset), title,
    legend: lines.map((l) => ({ label: l.run.label, color: l.run.color })),
  });
  const others = many ? `; ${lines.length} runs overlaid: ${lines.map((l) => l.run.label).join(', ')}` : '';
  const runClass = (id: string) => `run-line run-${id.replace(/[^\w-]/g, '_')}`;
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
        <Panel title="Training loss (cross-entropy)" testId="loss-chart" height={big} png={png('loss', 'Training loss (cross-entropy)')}
          summary={chartSummary('training loss', live?.run.steps.length ?? 0, lastSmoothed === undefined ? undefined : sig(lastSmoothed, 2)) + others}>
          <LineChart accessibilityLayer={false} margin={margin}>
            <CartesianGrid strokeDasharray="3 3" />
            {xAxis}
            <YAxis domain={[lossTicks[0], lossTicks.at(-1)!]} ticks={lossTicks} interval={0} tick={tick} width={size.yWidth(5)} tickFormatter={(v: number) => sig(v)} />
            <Tooltip content={tipAt((step) => lines.flatMap((l) => {
              const d = valueAt(l.loss, step);
              if (!d) return [];
              const text = lossLine(d.step, d.loss, smoothing > 0 ? d.smoothed : undefined);
              return [many ? `${l.run.label}: ${text}` : text];
            }))} />
            {lines.flatMap((l) => [
              <Line key={`${l.run.id}-raw`} data={l.loss} dataKey="loss" name={`${l.run.label} (raw)`} className={runClass(l.run.id)} stroke={l.run.color}
                strokeOpacity={smoothing > 0 ? 0.3 : 1} strokeWidth={smoothing > 0 ? 1 : 1.5} dot={false} isAnimationActive={false} />,
              ...(smoothing > 0 ? [<Line key={`${l.run.id}-smooth`} data={l.loss} dataKey="smoothed" name={l.run.label} className={runClass(l.run.id)} stroke={l.run.color}
                strokeWidth={2} dot={false} isAnimationActive={false} />] : []),
            ])}
          </LineChart>
        </Panel>
        <Panel title={`Validation mIoU (%)${last ? `: ${(100 * last.mIoU).toFixed(1)}%` : ''}`} testId="miou-chart" height={big} png={png('mIoU', 'Validation mIoU (%)')}
          summary={chartSummary('validation mIoU', evals.length, last && percent(100 * last.mIoU, 1), 'evaluations') + others}>
          <LineChart accessibilityLayer={false} margin={margin}>
            <CartesianGrid strokeDasharray="3 3" />
            {xAxis}
            <YAxis domain={[0, 100]} ticks={PERCENT_TICKS} interval={0} tick={tick} width={size.yWidth(4)} tickFormatter={(v: number) => percent(v)} />
            <Tooltip content={tipAt((step) => lines.flatMap((l) => {
              const d = valueAt(l.miou, step);
              return d ? [`${many ? `${l.run.label}: ` : ''}step ${d.step} · mIoU ${percent(d.mIoU, 1)}`] : [];
            }))} />
            {lines.map((l) => (
              <Line key={l.run.id} data={l.miou} dataKey="mIoU" name={l.run.label} className={runClass(l.run.id)} stroke={l.run.color} strokeWidth={2}
                dot={l.miou.length < 30} isAnimationActive={false} />
            ))}
          </LineChart>
        </Panel>
        <Panel title="Per-class IoU at the last evaluation (%)" testId="iou-bars" height={big}
          summary={last ? `per-class IoU at step ${last.step}: ${iouBars.map((b) => `${b.name} ${b.absent ? 'absent' : percent(b.IoU)}`).join(', ')}` : 'per-class IoU, no evaluation yet'}>
          <BarChart data={iouBars} accessibilityLayer={false} margin={margin}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={tick} interval={iouBars.length <= 12 ? 0 : 'preserveStartEnd'} height={size.xHeight} />
            <YAxis domain={[0, 100]} ticks={PERCENT_TICKS} interval={0} tick={tick} width={size.yWidth(4)} tickFormatter={(v: number) => percent(v)} />
            <Tooltip content={tip((d: (typeof iouBars)[number]) => `${d.name}: ${d.absent ? 'not in the validation set' : `IoU ${percent(d.IoU, 1)}`}`)} />
            <Bar dataKey="IoU" isAnimationActive={false} shape={(p: object) => <Rectangle {...p} fill={(p as { payload: { color: string } }).payload.color} />} />
          </BarChart>
        </Panel>
        <div className="chart-stack">
          <Panel title="Learning rate" testId="lr-chart" height={small} secondary
            summary={chartSummary('learning rate (decoder)', lossData.length, lastLoss && lastLoss.lrHead.toExponential(2))}>
            <LineChart data={lossData} accessibilityLayer={false} margin={margin}>
              {xAxis}
              <YAxis domain={[0, lr.ticks.at(-1)!]} ticks={lr.ticks} interval={0} tick={tick} width={size.yWidth(6)} tickFormatter={(v: number) => lr.labels.get(v) ?? String(v)} />
              <Tooltip content={tip((d: (typeof lossData)[number]) => `step ${d.step} · decoder ${d.lrHead.toExponential(2)} · encoder ${d.lrEncoder.toExponential(2)}`)} />
              <Legend wrapperStyle={{ fontSize: size.font }} />
              <Line dataKey="lrHead" name="decoder" stroke="#a40" dot={false} isAnimationActive={false} />
              <Line dataKey="lrEncoder" name="encoder" stroke="#057" dot={false} isAnimationActive={false} />
            </LineChart>
          </Panel>
          <Panel title="Throughput (img/s, last 10 steps)" testId="throughput-chart" height={small} secondary
            summary={chartSummary('throughput in images per second', speed.length, speed.at(-1) && sig(speed.at(-1)!.imgPerS))}>
            <LineChart data={speed} accessibilityLayer={false} margin={margin}>
              {xAxis}
              <YAxis domain={[0, speedTicks.at(-1)!]} ticks={speedTicks} interval={0} tick={tick} width={size.yWidth(5)} tickFormatter={(v: number) => sig(v)} />
              <Tooltip content={tip((d: { step: number; imgPerS: number }) => `step ${d.step} · ${sig(d.imgPerS)} img/s`)} />
              <Line dataKey="imgPerS" stroke="#555" dot={false} isAnimationActive={false} />
            </LineChart>
          </Panel>
        </div>
      </div>
    </div>
  );
}
