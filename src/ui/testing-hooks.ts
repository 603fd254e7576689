/**
 * @file What end-to-end tests need to check GPU code against its reference in a real browser:
 * the AdamW WGSL pass and the reference update rule, and the worker's live-resource counts,
 * exposed on `globalThis.vfmLabTesting`.
 */
import { ACCUMULATE_WGSL, ADAMW_WGSL, GUARD_WGSL, adamwUniform, dispatchSize } from '../runtime/adamw-wgsl';
import { adamwUpdate } from '../train/optimizer';
import { trainer } from './worker-client';

// liveResources: the worker's open ORT sessions and engine GPU bytes (resource-leak checks)
(globalThis as { vfmLabTesting?: unknown }).vfmLabTesting = {
  ACCUMULATE_WGSL, ADAMW_WGSL, GUARD_WGSL, adamwUniform, dispatchSize, adamwUpdate, liveResources: () => trainer().liveResources(),
};
