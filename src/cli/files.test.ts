/** Atomic writes: a failed write names the path and the reason in words, and leaves neither a temp file nor a damaged target. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from './args';
import { ensureWritableDir, fileError, writeAtomic } from './files';

const errno = (code: string) => Object.assign(new Error(`${code}: raw system message`), { code });

describe('CLI file writes', () => {
  it('names the path and the reason for a full disk, a read-only file system and a denied permission', () => {
    expect(fileError('/out/model.safetensors', 'write', errno('ENOSPC')).message).toBe('/out/model.safetensors: cannot write — no space left on the device (ENOSPC)');
    expect(fileError('/ro/run', 'create the --out folder', errno('EROFS')).message).toBe('/ro/run: cannot create the --out folder — the file system is read-only (EROFS)');
    expect(fileError('/x', 'write', errno('EACCES')).message).toBe('/x: cannot write — permission denied (EACCES)');
    expect(fileError('/x', 'write', errno('EACCES'))).toBeInstanceOf(CliError);
  });

  it('replaces a file whole, and a failed replacement leaves the target as it was and no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-files-'));
    const target = join(dir, 'a.json');
    writeFileSync(target, 'old');
    await writeAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    mkdirSync(join(dir, 'folder'));
    await expect(writeAtomic(join(dir, 'folder'), 'x')).rejects.toThrow(/folder: cannot write — /);
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'folder']);
  });

  it('refuses an output folder below a file before any work, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-files-'));
    writeFileSync(join(dir, 'f'), '');
    await expect(ensureWritableDir(join(dir, 'f', 'out'))).rejects.toThrow(/f\/out: cannot create the --out folder — a parent of it is a file, not a folder \(ENOTDIR\)/);
  });
});
