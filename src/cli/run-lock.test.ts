/** One run per output folder: a live lock refuses, a dead one is taken over with a message, release frees it. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, LOCK_FILE } from './run-lock';

const folder = () => mkdtempSync(join(tmpdir(), 'vfm-lock-'));
/** The PID of a process that has ended (its number is free, or taken by an unrelated process much later). */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;

describe('the run lock', () => {
  it('holds the PID while taken, refuses a second taker naming that PID, and is gone after release', async () => {
    const out = folder();
    const notes: string[] = [];
    const lock = await acquireRunLock(out, (s) => notes.push(s));
    expect(readFileSync(join(out, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    // the same PID counts as stale (an earlier process), so the second taker must see another live process
    writeFileSync(join(out, LOCK_FILE), `${process.ppid}\n`);
    await expect(acquireRunLock(out, (s) => notes.push(s))).rejects.toThrow(`${out} is in use by another vfm-lab run (PID ${process.ppid}`);
    writeFileSync(join(out, LOCK_FILE), `${process.pid}\n`);
    await lock.release();
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect(notes).toEqual([]);
  });

  it('takes over a lock whose process no longer runs, and says so', async () => {
    const out = folder();
    const pid = deadPid();
    writeFileSync(join(out, LOCK_FILE), `${pid}\n`);
    const notes: string[] = [];
    const lock = await acquireRunLock(out, (s) => notes.push(s));
    expect(notes).toEqual([`note: ${join(out, LOCK_FILE)} was left by process ${pid}, which no longer runs; taking the folder over`]);
    expect(readFileSync(join(out, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    await lock.release();
  });
});
