/**
 * @file One `train` per output folder: `OUT/.vfm-lab.lock` holds the PID of the process that
 * writes there. A second run into the same folder is refused at once (two writers would replace
 * each other's checkpoints and temp files); a lock left by a process that no longer runs (killed
 * with -9, power lost) is taken over, with a message. The lock is created with O_EXCL, so two
 * runs starting in the same instant cannot both get it.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from './args';
import { fileError } from './files';

export const LOCK_FILE = '.vfm-lab.lock';

/** Whether a process with this PID runs (EPERM: it runs, as another user). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false; // a lock with our own PID was left by an earlier process that had it
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface RunLock {
  path: string;
  release(): Promise<void>;
}

/**
 * Takes `out`'s lock (the folder must exist). `log` receives the message when a stale lock is
 * taken over. The owner releases it with `release()` when the run ends, failed or not.
 */
export async function acquireRunLock(out: string, log: (s: string) => void): Promise<RunLock> {
  const path = join(out, LOCK_FILE);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      let released = false;
      const release = async () => {
        if (released) return;
        released = true;
        await rm(path, { force: true });
      };
      return { path, release };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(path, 'create the lock file', e);
    }
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile: try again
    if (text === '' && attempt < 3) { // created by a run that is about to write its PID
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const pid = Number.parseInt(text.trim(), 10);
    if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
      throw new CliError(`${out} is in use by another vfm-lab run (PID ${pid}, see ${path}); wait for it to end or stop it, or choose another --out`);
    }
    log(`note: ${path} was left by ${pid > 0 ? `process ${pid}, which no longer runs` : 'a run that stopped before writing its PID'}; taking the folder over`);
    await rm(path, { force: true });
  }
  throw new CliError(`${path}: could not take the lock (another run keeps taking it); try again`);
}
