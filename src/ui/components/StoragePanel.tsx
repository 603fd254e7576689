/** @file What this site keeps in the browser — saved runs and cached models, with sizes — and deleting them, after a confirmation. */
import { useLab } from '../lab';
import { isActive } from '../store/slices';
import { ConfirmDelete } from './ConfirmDelete';

const size = (bytes: number) => (bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`);

export function StoragePanel() {
  const storage = useLab((s) => s.storage);
  const active = useLab((s) => isActive(s.runState));
  const { refreshStorage, deleteRun, deleteCachedModel } = useLab.getState();
  return (
    <details className="storage" data-testid="storage-panel" onToggle={(e) => (e.currentTarget.open ? void refreshStorage() : undefined)}>
      <summary>Storage {storage?.quota ? `(${size(storage.usage ?? 0)} of ${size(storage.quota)} used)` : ''}</summary>
      {storage && (
        <ul>
          {storage.runs.map((r) => (
            <li key={r.id} data-testid="storage-run">
              run {r.label} — {size(r.bytes)} <ConfirmDelete what="this run" disabled={active} onDelete={() => deleteRun(r.id)} />
            </li>
          ))}
          {storage.models.map((m) => (
            <li key={m.url} data-testid="storage-model">
              model {m.label} — {size(m.bytes)} <ConfirmDelete what="this cached model" onDelete={() => deleteCachedModel(m.url)} />
            </li>
          ))}
          {!storage.runs.length && !storage.models.length && <li>Nothing saved yet.</li>}
        </ul>
      )}
    </details>
  );
}
