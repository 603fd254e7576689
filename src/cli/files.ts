/**
 * @file How the CLI writes files: every output goes to a temporary file beside its target and is
 * renamed over it, so a failed or killed run never leaves a truncated file and never destroys a
 * good one; a failed write names the path and says why in words (disk full, read-only, no access).
 */
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './args';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'over the disk quota',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent of it is a file, not a folder',
  EISDIR: 'it is a folder',
  ENOENT: 'its folder does not exist',
};

/** A CliError naming `path` and the reason for a failed file-system call. */
export function fileError(path: string, action: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException)?.code ?? '';
  const why = REASONS[code] ?? (e as Error)?.message ?? String(e);
  return new CliError(`${path}: cannot ${action} — ${why}${code ? ` (${code})` : ''}`);
}

/** Writes `data` to `path` through `path.tmp-PID` + fsync + rename: readers see the old file or the whole new one. */
export async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const fh = await open(temp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true }).catch(() => {});
    throw fileError(path, 'write', e);
  }
}

/**
 * `mkdir -p` whose error names the real cause: Node's recursive mkdir reports a read-only file
 * system as ENOENT ("no such file or directory") for a parent that does exist. On ENOENT the
 * first missing folder is created on its own, which fails with the true code (EROFS, EACCES).
 */
export async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    let missing = resolve(dir);
    while (dirname(missing) !== missing && !(await stat(dirname(missing)).then(() => true, () => false))) missing = dirname(missing);
    await mkdir(missing); // throws the real reason; if it now succeeds (a race), the rest follows
    await mkdir(dir, { recursive: true });
  }
}

/** Creates `dir` (and parents) and proves it writable with a probe file, before any work starts. */
export async function ensureWritableDir(dir: string, flag = '--out'): Promise<void> {
  try {
    await makeDir(dir);
  } catch (e) {
    throw fileError(dir, `create the ${flag} folder`, e);
  }
  const probe = `${dir}/.vfm-lab-probe-${process.pid}`;
  try {
    await (await open(probe, 'w')).close();
  } catch (e) {
    throw fileError(dir, `write into the ${flag} folder`, e);
  } finally {
    await rm(probe, { force: true }).catch(() => {});
  }
}

/** `writeAtomic` after creating the file's folder. */
export async function writeAtomicIn(path: string, data: Uint8Array | string): Promise<void> {
  await makeDir(dirname(path)).catch((e: unknown) => {
    throw fileError(dirname(path), 'create the folder', e);
  });
  await writeAtomic(path, data);
}

/** Removes the temporary files of writers killed mid-write (`NAME.tmp-PID`); their targets are intact. */
export async function removeStaleTemps(dir: string): Promise<void> {
  for (const f of await readdir(dir)) if (/\.tmp-\d+$/.test(f)) await rm(join(dir, f), { force: true });
}
