/** @file The app's store instance, bound to the real worker. */
import { createLabStore } from './store';
import { trainer } from './worker-client';

export const useLab = createLabStore(trainer, { storage: localStorage });

// Automation hook for end-to-end tests and tooling (read-only use): the store's state and actions.
(globalThis as { vfmLab?: typeof useLab }).vfmLab = useLab;
import './testing-hooks';
