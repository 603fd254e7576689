import { useLab } from '../lab';

/** Says which backend runs and why (data-testid="backend-badge"). */
export function BackendBadge() {
  const backend = useLab((s) => s.backend);
  const choice = useLab((s) => s.backendChoice);
  const initBackend = useLab((s) => s.initBackend);
  const running = useLab((s) => s.runState === 'running' || s.runState === 'paused' || s.runState === 'preparing');
  const label = !backend ? 'starting…' : backend.backend === 'webgpu' ? `WebGPU · ${backend.adapter ?? 'GPU'}` : `wasm · ${backend.threads ?? 1} thread(s)`;
  const detail = !backend ? '' : backend.backend === 'webgpu'
    ? `${backend.reason}. Max buffer ${(backend.limits!.maxBufferSize / 2 ** 20).toFixed(0)} MiB, max binding ${(backend.limits!.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB.`
    : backend.reason;
  return (
    <div className="backend">
      <span data-testid="backend-badge" className={`badge ${backend?.backend ?? ''}`} title={detail}>{label}</span>
      <span className="backend-reason">{detail}</span>
      <label>
        Backend{' '}
        <select value={choice} disabled={running} onChange={(e) => initBackend(e.target.value as 'auto' | 'webgpu' | 'wasm')}>
          <option value="auto">auto</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">wasm (CPU)</option>
        </select>
      </label>
    </div>
  );
}
