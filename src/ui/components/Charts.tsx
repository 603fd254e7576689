/** @file Live charts (recharts): loss raw + smoothed, validation mIoU, learning rates, throughput, per-class IoU. */
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../lab';
import { ema, niceTicks, throughput } from '../store/metrics';

function Panel({ title, testId, children }: { title: string; testId?: string; children: React.ReactElement }) {
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={180}>{children}</ResponsiveContainer>
    </figure>
  );
}

export function Charts() {
  const steps = useLab((s) => s.steps);
  const evals = useLab((s) => s.evals);
  const perStep = useLab((s) => s.config.batch * s.config.accum);
  const classes = useLab((s) => s.dataset?.classes);
  const lossData = useMemo(() => {
    const smooth = ema(steps.map((s) => s.loss));
    return steps.map((s, i) => ({ step: s.step, loss: s.loss, smoothed: smooth[i], lrHead: s.lrHead, lrEncoder: s.lrEncoder }));
  }, [steps]);
  const lossTicks = useMemo(() => {
    let lo = Infinity, hi = -Infinity; // a loop, not Math.min(...): runs can have many thousands of steps
    for (const d of lossData) for (const v of [d.loss, d.smoothed]) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return niceTicks(lo, hi);
  }, [lossData]);
  const lrTicks = useMemo(() => niceTicks(0, lossData.reduce((m, d) => Math.max(m, d.lrHead, d.lrEncoder), 0)), [lossData]);
  const speed = useMemo(() => throughput(steps, perStep), [steps, perStep]);
  const last = evals.at(-1);
  const iouBars = last && classes ? last.perClassIoU.map((v, i) => ({ name: classes[i]?.name ?? `class ${i}`, IoU: v === null ? 0 : 100 * v, absent: v === null })) : [];
  return (
    <div className="charts">
      <Panel title="Training loss" testId="loss-chart">
        <LineChart data={lossData}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
          <YAxis domain={[lossTicks[0], lossTicks.at(-1)!]} ticks={lossTicks} interval={0} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()} width={48} />
          <Tooltip />
          <Legend />
          <Line dataKey="loss" stroke="#9bb" dot={false} isAnimationActive={false} name="raw" />
          <Line dataKey="smoothed" stroke="#057" dot={false} isAnimationActive={false} strokeWidth={2} />
        </LineChart>
      </Panel>
      <Panel title={`Validation mIoU${last ? `: ${(100 * last.mIoU).toFixed(1)}%` : ''}`} testId="miou-chart">
        <LineChart data={evals.map((e) => ({ step: e.step, mIoU: 100 * e.mIoU }))}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} />
          <YAxis domain={[0, 100]} unit="%" />
          <Tooltip />
          <Line dataKey="mIoU" stroke="#a40" isAnimationActive={false} />
        </LineChart>
      </Panel>
      <Panel title="Learning rate" testId="lr-chart">
        <LineChart data={lossData}>
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
          <YAxis domain={[0, lrTicks.at(-1)!]} ticks={lrTicks} interval={0} tickFormatter={(v: number) => (v === 0 ? '0' : Number(v.toPrecision(3)).toExponential())} width={56} />
          <Tooltip />
          <Legend />
          <Line dataKey="lrHead" name="decoder" stroke="#a40" dot={false} isAnimationActive={false} />
          <Line dataKey="lrEncoder" name="encoder" stroke="#057" dot={false} isAnimationActive={false} />
        </LineChart>
      </Panel>
      <Panel title="Throughput (images/s)" testId="throughput-chart">
        <LineChart data={speed}>
          <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
          <YAxis />
          <Tooltip />
          <Line dataKey="imgPerS" stroke="#555" dot={false} isAnimationActive={false} />
        </LineChart>
      </Panel>
      <Panel title="Per-class IoU at the last evaluation" testId="iou-bars">
        <BarChart data={iouBars}>
          <XAxis dataKey="name" />
          <YAxis domain={[0, 100]} unit="%" />
          <Tooltip formatter={(v, _n, item) => ((item.payload as { absent: boolean }).absent ? 'not in the validation set' : `${Number(v).toFixed(1)}%`)} />
          <Bar dataKey="IoU" fill="#057" isAnimationActive={false} />
        </BarChart>
      </Panel>
    </div>
  );
}
