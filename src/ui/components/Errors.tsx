import { useLab } from '../lab';

/** Clear messages for anything that went wrong; the app keeps working. */
export function Errors() {
  const errors = useLab((s) => s.errors);
  const dismiss = useLab((s) => s.dismissError);
  if (!errors.length) return null;
  return (
    <div className="errors" role="alert">
      {errors.map((e) => (
        <div key={e.id} className="error" data-testid="error-message">
          <span>{e.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(e.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
