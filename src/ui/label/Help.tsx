/** @file The keyboard shortcuts in a popover (the `?` key or the button), listed from the one table the key handler reads. */
import { SHORTCUTS } from './shortcuts';

export const HELP_ID = 'label-help';

export function Help() {
  return (
    <>
      <button type="button" className="secondary" popoverTarget={HELP_ID} aria-keyshortcuts="?">Shortcuts</button>
      <div id={HELP_ID} popover="auto" className="label-help" role="dialog" aria-label="Keyboard shortcuts">
        <h3>Keyboard shortcuts</h3>
        <dl>
          {SHORTCUTS.map((s) => (
            <div key={s.keys}><dt><kbd>{s.keys}</kbd></dt><dd>{s.what}</dd></div>
          ))}
        </dl>
        <button type="button" className="secondary" popoverTarget={HELP_ID} popoverTargetAction="hide">Close</button>
      </div>
      <p id="label-help-summary" className="visually-hidden">Keys: B brush, E eraser, F fill, P polygon, S similar, 1 to 9 classes, Control+Z undo, question mark for all shortcuts.</p>
    </>
  );
}
