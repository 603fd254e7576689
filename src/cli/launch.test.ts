/**
 * bin/vfm-lab.mjs starts with a plain `#!/usr/bin/env node` (no `env -S`) and runs itself once more
 * with HOST_MALLOC_ENV and --expose-gc when they are missing. A preloaded probe prints, in every
 * node process the command starts, what that process got.
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
writeFileSync(probe, `if (require('node:worker_threads').isMainThread) process.stderr.write('probe ' + JSON.stringify({ malloc: process.env.MALLOC_MMAP_THRESHOLD_ ?? null, gc: typeof globalThis.gc }) + '\\n');\n`);

type Probe = { malloc: string | null; gc: string };
function launch(nodeArgs: string[], env: Record<string, string>, ...args: string[]) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in HOST_MALLOC_ENV) && k !== 'VFM_LAB_RELAUNCHED' && k !== 'NODE_OPTIONS'));
  const r = spawnSync(process.execPath, [...nodeArgs, bin, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...base, NODE_OPTIONS: `--require ${probe}`, ...env } });
  const probes = r.stderr.split('\n').filter((l) => l.startsWith('probe ')).map((l) => JSON.parse(l.slice(6)) as Probe);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, probes };
}
const malloc = HOST_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_;

describe('bin/vfm-lab.mjs', () => {
  it('has a shebang any env runs, and the allocator setting src/runtime/node.ts documents', () => {
    const text = readFileSync(bin, 'utf8');
    expect(text.split('\n')[0]).toBe('#!/usr/bin/env node');
    const copy = /const HOST_MALLOC_ENV = \{ MALLOC_MMAP_THRESHOLD_: '(\d+)' \};/.exec(text);
    expect(copy?.[1]).toBe(HOST_MALLOC_ENV.MALLOC_MMAP_THRESHOLD_);
  });

  it('started without them, it runs the command once in a child that has the env var and --expose-gc, and passes on its exit', () => {
    const r = launch([], {}, 'no-such-command');
    expect(r.probes).toEqual([{ malloc: null, gc: 'undefined' }, { malloc, gc: 'function' }]);
    expect(r.code).toBe(1); // main.ts: an unknown command exits 1
    expect(r.stderr.split('Run "vfm-lab COMMAND --help"').length - 1).toBe(1); // printed by the child only
  });

  it('started with both (a value the user set is kept), or as the relaunched child, it runs the command in the same process: no loop', () => {
    expect(launch(['--expose-gc'], { MALLOC_MMAP_THRESHOLD_: '65536' }, '--help').probes).toEqual([{ malloc: '65536', gc: 'function' }]);
    expect(launch([], { VFM_LAB_RELAUNCHED: '1' }, '--help').probes).toEqual([{ malloc: null, gc: 'undefined' }]);
  });
});
