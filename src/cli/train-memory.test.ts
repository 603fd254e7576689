/**
 * `vfm-lab train --memory`: parsed and recorded like --recompute, and the command says which
 * configuration its sessions got and why (a child process, as a user runs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from './train-options';

const bin = new URL('../../bin/vfm-lab.mjs', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 300_000 });
const settings = (...more: string[]) => {
  const r = parseTrainArgs(['--model', 'm.safetensors', '--data', 'd', '--out', 'o', ...more]);
  if (r.kind !== 'fresh') throw new Error('expected a fresh run');
  return r.settings;
};

describe('train --memory', () => {
  it('defaults to auto, takes fast and lean, and refuses anything else naming the option', () => {
    expect(settings().memory).toBe('auto');
    expect(settings('--memory', 'lean').memory).toBe('lean');
    expect(settings('--memory', 'fast').memory).toBe('fast');
    expect(() => settings('--memory', 'small')).toThrow('--memory must be fast, lean or auto; got "small"');
  });

  it('prints the configuration chosen and why: auto takes fast for a small step; lean when asked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfm-memory-'));
    expect(cli('make-demo', '--out', join(dir, 'demo')).status).toBe(0);
    const train = (out: string, ...more: string[]) => cli('train', '--model', join(dir, 'demo', 'model.safetensors'), '--data', join(dir, 'demo'),
      '--out', join(dir, out), '--steps', '2', '--batch', '2', ...more);
    const auto = train('auto');
    expect(auto.status, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/^memory fast: its plan fits in 50 % of the [\d.]+ GiB free \(fast ≈ [\d.]+ MiB, lean ≈ [\d.]+ MiB\)$/m);
    expect(JSON.parse(readFileSync(join(dir, 'auto', 'config.json'), 'utf8')).memory).toBe('auto');
    const lean = train('lean', '--memory', 'lean');
    expect(lean.status, lean.stderr).toBe(0);
    expect(lean.stderr).toMatch(/^memory lean, as asked \(lean ≈ [\d.]+ MiB\)$/m);
  }, 300_000);
});
