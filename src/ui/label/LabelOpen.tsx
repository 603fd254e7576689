/** @file Step 2's way into the labelling workspace (the workspace itself is mounted once, in App). */
import { useLabel } from './useLabel';

export function LabelOpen() {
  return (
    <button type="button" className="secondary label-open" data-testid="label-open" onClick={() => useLabel.getState().setOpen(true)}>
      Label your own images
    </button>
  );
}
