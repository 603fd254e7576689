/**
 * Faults a user of the CLI met (issue 22, item 7), as child processes: a second `train` into a
 * folder in use is refused at once and a dead run's lock is taken over; `benchmark` checks every
 * model file before the first trains; a read-only parent is called read-only; a log (not a
 * terminal) gets one progress line per stage; `npx vfm-lab` prints no npm config warning.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from './run-lock';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/vfm-lab.mjs');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('vfm-lab: faults found by a user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfm-user-faults-'));
  const demo = join(dir, 'demo');
  const model = join(demo, 'model.safetensors');
  beforeAll(() => {
    expect(cli('make-demo', '--out', demo).code).toBe(0);
  }, 60_000);

  it('a second train into a folder in use is refused at once, naming the PID; a dead run\'s lock is taken over with a message', async () => {
    const out = join(dir, 'shared-out');
    const first = spawn(process.execPath, [bin, 'train', '--model', model, '--data', demo, '--out', out, '--steps', '100000', '--batch', '2'], { stdio: 'ignore' });
    const exited = new Promise((r) => first.on('exit', r));
    try {
      while (!existsSync(join(out, 'config.json')) && first.exitCode === null) await sleep(20);
      expect(readFileSync(join(out, LOCK_FILE), 'utf8').trim()).toBe(String(first.pid));
      const second = cli('train', '--model', model, '--data', demo, '--out', out, '--steps', '2', '--batch', '2', '--overwrite');
      expect(second.code).not.toBe(0);
      expect(second.stderr).toContain(`${out} is in use by another vfm-lab run (PID ${first.pid}`);
      expect(second.stderr).not.toMatch(/validating|dataset /); // refused before anything was read
      expect(cli('train', '--resume', '--out', out).stderr).toContain(`(PID ${first.pid}`);
    } finally {
      first.kill('SIGKILL');
      await exited;
    }
    // killed: its lock stays behind, and the next run takes the folder over
    expect(existsSync(join(out, LOCK_FILE))).toBe(true);
    const next = cli('train', '--model', model, '--data', demo, '--out', out, '--steps', '2', '--batch', '2', '--overwrite');
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`note: ${join(out, LOCK_FILE)} was left by process ${first.pid}, which no longer runs; taking the folder over`);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false); // released when the run ended
  }, 120_000);

  it('benchmark checks every model file before the first model trains', () => {
    const damaged = join(dir, 'damaged.safetensors');
    writeFileSync(damaged, 'not a checkpoint at all');
    for (const [bad, message] of [[join(dir, 'missing.safetensors'), /missing\.safetensors/], [damaged, /damaged\.safetensors: not a safetensors file/]] as const) {
      const out = join(dir, `bench-${bad.length}`);
      const r = cli('benchmark', '--models', `first=${model},second=${bad}`, '--data', demo, '--out', out, '--steps', '2', '--batch', '2');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(out, 'first'))).toBe(false); // the good first model was not trained
    }
  }, 60_000);

  it('a read-only parent folder is reported as read-only, not as missing', (ctx) => {
    // a read-only file system, mounted in a private mount namespace (gone with the process)
    const ro = join(dir, 'read-only');
    mkdirSync(ro);
    const asRoot = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
    const probe = spawnSync('unshare', [...asRoot, '--mount', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs "$0"', ro], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log(`skipped: cannot mount a read-only file system here (unshare: ${probe.stderr.trim() || probe.error?.message})`);
      ctx.skip();
    }
    const r = spawnSync('unshare', [...asRoot, '--mount', 'sh', '-c', 'mount -t tmpfs -o ro tmpfs "$0" && exec "$1" "$2" train --model "$3" --data "$4" --out "$0/runs/run1"',
      ro, process.execPath, bin, model, demo], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${ro}/runs/run1: cannot create the --out folder — the file system is read-only (EROFS)`);
    expect(r.stderr).not.toMatch(/does not exist|ENOENT/);
  }, 60_000);

  it('a log that is not a terminal gets one progress line per stage, not one per image', () => {
    const r = cli('train', '--model', model, '--data', demo, '--out', join(dir, 'logged'), '--steps', '4', '--batch', '2', '--eval-every', '2');
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('validating dataset'))).toEqual(['validating dataset (64 images)']);
    expect(lines.filter((l) => l.startsWith('evaluating'))).toEqual(['evaluating (16 images)', 'evaluating (16 images)']); // steps 2 and 4
    expect(lines.filter((l) => /^step \d+\/4 /.test(l))).toHaveLength(4);
  }, 60_000);

  it('npx vfm-lab prints no npm warning about an unknown project config, and CI still skips the CUDA download', () => {
    const r = spawnSync('npx', ['vfm-lab', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('vfm-lab train');
    expect(r.stderr).not.toMatch(/npm warn/i);
    // onnxruntime-node's install script reads the variable; it must be set before `npm ci`
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    expect(ci.indexOf('export ONNXRUNTIME_NODE_INSTALL=skip')).toBeGreaterThan(-1);
    expect(ci.indexOf('export ONNXRUNTIME_NODE_INSTALL=skip')).toBeLessThan(ci.indexOf('npm ci'));
  }, 60_000);
});
