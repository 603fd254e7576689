/** @file A delete button that asks first, on the same spot. */
import { useState } from 'react';

/** Delete, then "really delete …?" on the same spot: nothing goes on one click. */
export function ConfirmDelete({ what, onDelete, disabled }: { what: string; onDelete: () => Promise<void>; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return <button type="button" disabled={disabled} onClick={() => setAsking(true)}>Delete</button>;
  return (
    <span className="confirm">
      delete {what}?
      <button type="button" data-testid="confirm-delete" onClick={async () => { setAsking(false); await onDelete(); }}>Yes, delete</button>
      <button type="button" onClick={() => setAsking(false)}>Keep</button>
    </span>
  );
}
