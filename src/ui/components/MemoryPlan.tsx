/** @file Before Start: "needs ≈ X; this adapter allows Y" from the compiler's memory plan. */
import { useEffect } from 'react';
import { formatBytes } from '../../runtime/memory';
import { useLab } from '../lab';
import { isActive } from '../store/slices';

export function MemoryPlan() {
  const plan = useLab((s) => s.memoryPlan);
  const backend = useLab((s) => s.backend);
  const config = useLab((s) => s.config);
  const model = useLab((s) => s.model);
  const dataset = useLab((s) => s.dataset);
  const idle = useLab((s) => !isActive(s.runState));
  useEffect(() => {
    if (!idle) return;
    // building the graph takes a moment for a large model: wait until the typing stops
    const t = setTimeout(() => void useLab.getState().refreshMemoryPlan(), 600);
    return () => clearTimeout(t);
  }, [config, model, dataset, idle]);
  // always one line, so that nothing below moves when the estimate arrives (the plan is kept while training)
  if (!plan || !backend) return <p className="memory-plan" data-testid="memory-plan">Estimating the memory this run needs…</p>;
  const limits = backend.limits;
  const perBuffer = limits ? Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize) : undefined;
  const tooBig = perBuffer !== undefined && plan.largestBinding.bytes > perBuffer;
  return (
    <p className={tooBig ? 'memory-plan warn' : 'memory-plan'} data-testid="memory-plan" title={plan.summary}>
      Needs ≈ {formatBytes(plan.totalBytes)}
      {perBuffer !== undefined
        ? `; this adapter allows ${formatBytes(perBuffer)} per buffer (largest here: ${formatBytes(plan.largestBinding.bytes)}${tooBig ? ` — too large: ${plan.largestBinding.what}` : ''}).`
        : ' of CPU memory (wasm: at most 4 GiB in one page).'}
    </p>
  );
}
