/**
 * bin/vfm-lab.mjs starts in /bin/sh, which execs node with HOST_MALLOC_ENV and --expose-gc (no
 * `env -S`, missing from BusyBox and coreutils < 8.30). A preloaded probe prints, in every node
 * process the command starts, its pid and what it got.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_MALLOC_ENV } from '../runtime/node';

const bin = new URL('../../bin/vfm-lab.mjs', import.meta.url).pathname;
const probe = join(mkdtempSync(join(tmpdir(), 'vfm-launch-')), 'probe.cjs');
// the main thread only: tsx's module hooks run in a thread of their own, which loads the preload too
writeFileSync(probe, `if (require('node:worker_threads').isMainThread) process.stderr.write('probe ' + JSON.stringify({ pid: process.pid, malloc: process.env.MALLOC_MMAP_THRESHOLD_ ?? null, gc: typeof globalThis.gc }) + '\\n');\n`);

type Probe = { pid: number; malloc: string | null; gc: string };
/** Runs `command args` with the probe preloaded, without the allocator setting unless `env` gives it. */
function launch(command: string, args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in HOST_MALLOC_ENV) && k !== 'NODE_OPTIONS'));
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, env: { ...base, NODE_OPTIONS: `--require ${probe}`, ...env } });
  const probes = r.stderr.split('\n').filter((l) => l.startsWith('probe ')).map((l) => JSON.parse(l.slice(6)) as Probe);
  return { pid: r.pid, code: r.status, stderr: r.stderr, probes };
}
const malloc = HOST_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_;

describe('bin/vfm-lab.mjs', () => {
  it('starts in /bin/sh, with the allocator setting src/runtime/node.ts documents', () => {
    const [first, second] = readFileSync(bin, 'utf8').split('\n');
    expect(first).toBe('#!/bin/sh');
    expect(/MALLOC_MMAP_THRESHOLD_="\$\{MALLOC_MMAP_THRESHOLD_:-(\d+)\}" node --expose-gc "\$0" "\$@"$/.exec(second)?.[1]).toBe(malloc);
  });

  it('run as a program, it becomes node (the same process) with the env var and --expose-gc, and exits as the command does', () => {
    const r = launch(bin, ['no-such-command']);
    expect(r.probes).toEqual([{ pid: r.pid, malloc, gc: 'function' }]); // exec, not a child: kill -9 reaches node
    expect(r.code).toBe(1); // main.ts: an unknown command exits 1
    expect(r.stderr).toContain('Run "vfm-lab COMMAND --help"');
  });

  it('keeps a value the user set; `node bin/vfm-lab.mjs` runs as well (node reads the shell line as a no-op)', () => {
    expect(launch(bin, ['--help'], { MALLOC_MMAP_THRESHOLD_: '65536' }).probes.map((p) => p.malloc)).toEqual(['65536']);
    const direct = launch(process.execPath, [bin, '--help']);
    expect(direct.code).toBe(0);
    expect(direct.probes.map(({ malloc: m, gc }) => ({ m, gc }))).toEqual([{ m: null, gc: 'undefined' }]);
  });
});
