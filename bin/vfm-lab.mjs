#!/bin/sh
":" //; exec env MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-1048576}" node --expose-gc "$0" "$@"
// The `vfm-lab` command. Run as a program, it starts in /bin/sh, whose second line above replaces
// the shell with node (exec: the same process, so signals and kill -9 reach node itself) started with
//   MALLOC_MMAP_THRESHOLD_ (a value the user set is kept): large tensors go back to the system when
//     onnxruntime frees them (HOST_MALLOC_ENV in src/runtime/node.ts says why and what it saves;
//     glibc reads it at start-up only, so node must be started with it);
//   --expose-gc: after each large train step the CLI collects onnxruntime-node's copies of the
//     gradients at once (same file; without the flag it sets it itself).
// A `#!/usr/bin/env -S VAR=… node --expose-gc` line would say this in one line, but `env -S` is
// missing from BusyBox and coreutils < 8.30; plain `env VAR=… cmd` is POSIX. Node reads the second
// line as a string and a comment, so `node bin/vfm-lab.mjs` runs too (without the setting).
// The command runs the TypeScript sources directly through tsx, so it works right after `npm ci`
// with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
