#!/usr/bin/env node
// The `vfm-lab` command. It needs two things at node's start-up, which a plain `#!/usr/bin/env node`
// line cannot pass (`env -S` is missing from BusyBox and coreutils < 8.30):
//   MALLOC_MMAP_THRESHOLD_: large tensors go back to the system when onnxruntime frees them
//     (HOST_MALLOC_ENV in src/runtime/node.ts says why and what it saves; glibc reads it at start only);
//   --expose-gc: after each large train step the CLI collects onnxruntime-node's copies of the
//     gradients at once (same file).
// So when either is missing, this file runs itself once more in a child node with both, and
// passes on the child's exit. VFM_LAB_RELAUNCHED marks the child, so it never relaunches again.
// A value of MALLOC_MMAP_THRESHOLD_ the user set is kept.
// The command runs the TypeScript sources directly through tsx, so it works right after `npm ci`
// with no build step.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Equal to HOST_MALLOC_ENV (src/cli/launch.test.ts checks it); the TypeScript is not loaded yet here. */
const HOST_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '4194304' };
const MARK = 'VFM_LAB_RELAUNCHED';

const relaunched = process.env[MARK] === '1';
delete process.env[MARK]; // the CLI's own child processes start afresh
const missing = Object.keys(HOST_MALLOC_ENV).some((k) => process.env[k] === undefined) || !process.execArgv.includes('--expose-gc');

if (missing && !relaunched) {
  const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...HOST_MALLOC_ENV, ...process.env, [MARK]: '1' },
  });
  // a signal sent to this process is passed on (Ctrl-C reaches the child from the terminal as well)
  const forward = (signal) => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('error', (e) => {
    console.error(`vfm-lab: could not start ${process.execPath}: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal); // end as the child ended
    } else process.exit(code ?? 1);
  });
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
