/** @file Command-line parsing for `vfm-lab`, with errors a user can act on. */
import { parseArgs } from 'node:util';

export class CliError extends Error {
  override name = 'CliError';
}

export type Spec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export function parse(argv: string[], spec: Spec, command: string): Record<string, string | boolean | undefined> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...spec, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (positionals.length) throw new CliError(`${command}: unexpected argument "${positionals[0]}"`);
    return values as Record<string, string | boolean | undefined>;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${command}: ${(e as Error).message} (see vfm-lab ${command} --help)`);
  }
}

export function requireString(v: Record<string, unknown>, key: string, command: string): string {
  const s = v[key];
  if (typeof s !== 'string' || !s) throw new CliError(`${command}: --${key} is required (see vfm-lab ${command} --help)`);
  return s;
}

export function number(v: Record<string, unknown>, key: string, fallback: number, { integer = false, min = -Infinity } = {}): number {
  const s = v[key];
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
    throw new CliError(`--${key} must be ${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}; got "${s}"`);
  }
  return n;
}

export function triple(v: Record<string, unknown>, key: string): [number, number, number] | undefined {
  const s = v[key];
  if (s === undefined) return undefined;
  const parts = String(s).split(',').map(Number);
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) throw new CliError(`--${key} must be three numbers R,G,B; got "${s}"`);
  return parts as [number, number, number];
}
