/** The `vfm-lab` command starts with the allocator setting and the gc flag that src/runtime/node.ts relies on. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOST_MALLOC_ENV } from './node';

describe('bin/vfm-lab.mjs', () => {
  it('starts node with HOST_MALLOC_ENV and --expose-gc (its first line)', () => {
    const first = readFileSync(new URL('../../bin/vfm-lab.mjs', import.meta.url), 'utf8').split('\n')[0];
    const env = Object.entries(HOST_MALLOC_ENV).map(([k, v]) => `${k}=${v}`).join(' ');
    expect(first).toBe(`#!/usr/bin/env -S ${env} node --expose-gc`);
  });
});
