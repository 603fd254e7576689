/** @file One long action at a time: its message while it runs, and its error reported to the lab. */
import { useState } from 'react';
import { useLab } from '../lab';

/**
 * `busy` is the running action's message (undefined when idle); `run(what, fn)` gives a handler
 * that shows `what` while `fn` runs and hands a thrown error to the lab's error report.
 * `setBusy` updates the message mid-action.
 */
export function useBusy() {
  const report = useLab((s) => s.reportError);
  const [busy, setBusy] = useState<string>();
  const run = (what: string, fn: () => Promise<void>) => async () => {
    setBusy(what);
    try {
      await fn();
    } catch (e) {
      report(e);
    } finally {
      setBusy(undefined);
    }
  };
  return { busy, setBusy, run };
}
