/** @file The app's store instance, bound to the real worker. */
import { createLabStore } from './store';
import { endTrainer, trainer } from './worker-client';

export const useLab = createLabStore(trainer, { storage: localStorage });

// saved runs should not be evicted under storage pressure (the browser may say no; runs are still saved)
void navigator.storage?.persist?.();

// Page hide. Discarded: the worker ends (everything it holds goes with it, nothing is written
// during the unload). Kept in the back/forward cache: the saved runs' eval runners are released;
// a run stays as it is and continues when the page is shown again.
addEventListener('pagehide', (e: PageTransitionEvent) => (e.persisted ? void trainer().releaseAll() : endTrainer()));

// Automation hook for end-to-end tests and tooling (read-only use): the store's state and actions.
(globalThis as { vfmLab?: typeof useLab }).vfmLab = useLab;
import './testing-hooks';
