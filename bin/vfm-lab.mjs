#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=1048576 node --expose-gc
// MALLOC_MMAP_THRESHOLD_: large tensors go back to the system when onnxruntime frees them
// (HOST_MALLOC_ENV in src/runtime/node.ts says why and what it saves). --expose-gc: after each
// large train step the CLI collects onnxruntime-node's copies of the gradients at once (same
// file); without the flag it sets it itself.
// The `vfm-lab` command runs the TypeScript sources directly through tsx, so it works right
// after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
