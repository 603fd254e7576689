/** @file The app's store instance, bound to the real worker. */
import { createLabStore } from './store';
import { trainer } from './worker-client';

export const useLab = createLabStore(trainer, { storage: localStorage });

// saved runs should not be evicted under storage pressure (the browser may say no; runs are still saved)
void navigator.storage?.persist?.();

// the page is going away: the worker gives back its sessions and GPU buffers (a run is stopped, its last save kept)
addEventListener('pagehide', () => void trainer().releaseAll());

// Automation hook for end-to-end tests and tooling (read-only use): the store's state and actions.
(globalThis as { vfmLab?: typeof useLab }).vfmLab = useLab;
import './testing-hooks';
