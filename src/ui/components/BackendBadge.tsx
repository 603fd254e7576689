import type { BackendInfo } from '../../worker/api';
import { useLab } from '../lab';
import { isActive } from '../store/slices';

/** Green only for a hardware GPU; amber for the CPU (wasm) and for a software GPU adapter. */
export const badgeTone = (b: BackendInfo) => (b.backend === 'webgpu' && !b.software ? 'good' : 'warn');

function label(b: BackendInfo): string {
  if (b.backend === 'webgpu') return b.software ? `WebGPU · software (${b.software})` : `WebGPU · ${b.adapter ?? 'GPU'}`;
  return `wasm (CPU) · ${b.threads ?? 1} thread(s)`;
}

/** Says which backend runs and why (data-testid="backend-badge"); the user can override the choice. */
export function BackendBadge() {
  const backend = useLab((s) => s.backend);
  const choice = useLab((s) => s.backendChoice);
  const initBackend = useLab((s) => s.initBackend);
  const running = useLab((s) => isActive(s.runState)); // a stopping run still holds the backend
  const detail = !backend ? '' : backend.backend === 'webgpu'
    ? `${backend.reason}. Max buffer ${(backend.limits!.maxBufferSize / 2 ** 20).toFixed(0)} MiB, max binding ${(backend.limits!.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB.`
    : backend.reason;
  return (
    <div className="backend">
      <span data-testid="backend-badge" className={`badge ${backend ? badgeTone(backend) : ''}`} title={detail}>{backend ? label(backend) : 'starting…'}</span>
      <span className="backend-reason" data-testid="backend-reason">{detail}</span>
      <label>
        Backend{' '}
        <select value={choice} disabled={running} data-testid="backend-choice" onChange={(e) => initBackend(e.target.value as 'auto' | 'webgpu' | 'wasm')}>
          <option value="auto">auto</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">wasm (CPU)</option>
        </select>
      </label>
    </div>
  );
}

/** The tagline names the GPU only when a hardware GPU trains. */
export function Tagline() {
  const gpu = useLab((s) => !!s.backend && badgeTone(s.backend) === 'good');
  return <span className="tagline">fine-tune vision foundation models for segmentation, in your browser{gpu ? ', on your GPU' : ''}</span>;
}
