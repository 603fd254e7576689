/**
 * @file The bench's results files: `bench/results/<date>.json` (UTC date; a second run on the same
 * day replaces the rows it measured again), with the machine, the versions and each row's load average; and the last
 * committed one to compare with (read from git's HEAD, so a file rewritten today still compares
 * with what was committed).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import type { Machine, ResultRow, ResultsFile } from './compare';

export const RESULTS_DIR = 'bench/results';

export function machine(): Machine {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}` };
}

const packageVersion = (name: string) => (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;

export function versions(torch?: string): Record<string, string> {
  return {
    node: process.version, 'onnxruntime-node': packageVersion('onnxruntime-node'), 'onnxruntime-web': packageVersion('onnxruntime-web'),
    ...(torch ? { torch } : {}), commit: git(['rev-parse', '--short', 'HEAD'])?.trim() ?? 'unknown',
  };
}

/** The 1-minute load average now: recorded next to each row when it finishes. */
export const loadNow = () => +loadavg()[0].toFixed(2);

/**
 * Writes today's file. A run of some rows only (--acceptance, --wasm-only) keeps the rows of an
 * earlier run today that it did not measure, so one day's runs add up to one file.
 */
export function writeResults(rows: ResultRow[], command: string, torch?: string): { path: string; file: ResultsFile } {
  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}/${date}.json`;
  const earlier = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ResultsFile) : undefined;
  const measured = new Set(rows.map((r) => r.id));
  const kept = earlier?.rows.filter((r) => !measured.has(r.id)) ?? [];
  const file: ResultsFile = {
    date, command: kept.length ? `${earlier!.command}; ${command}` : command, machine: machine(),
    versions: { ...earlier?.versions, ...versions(torch) }, rows: [...kept, ...rows],
  };
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return { path, file };
}

/** The results files committed at HEAD, newest first, as committed (none without git). */
export function committedResults(): { path: string; file: ResultsFile }[] {
  const names = git(['ls-tree', '--name-only', 'HEAD', `${RESULTS_DIR}/`])?.split('\n').filter((n) => /\/\d{4}-\d{2}-\d{2}\.json$/.test(n)).sort().reverse() ?? [];
  return names.map((path) => {
    const text = git(['show', `HEAD:${path}`]) ?? '';
    try {
      return { path, file: JSON.parse(text) as ResultsFile };
    } catch (e) {
      throw new Error(`${path} (committed): not valid JSON — ${(e as Error).message}`);
    }
  });
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}
