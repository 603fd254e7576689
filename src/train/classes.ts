/**
 * @file Whether two class lists are the same — names, in order — and, where not, how they differ.
 * One check for resuming a run (src/worker/prepare.ts), scoring a run on a second dataset (the
 * worker's src/worker/lens.ts and the CLI's src/cli/cross-eval.ts), a benchmark's one class list
 * (src/cli/benchmark.ts) and the runs list's offer to evaluate (src/ui/components/RunsList.tsx).
 */

export const sameClasses = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((c, i) => c === b[i]);

/**
 * How class list `b` differs from `a` (undefined: it does not): the classes on one side only, or the
 * same classes in another order. `aName`, `bName` name each side in the words ("the run's").
 */
export function classMismatch(a: readonly string[], aName: string, b: readonly string[], bName: string): string | undefined {
  if (sameClasses(a, b)) return undefined;
  const onlyA = a.filter((c) => !b.includes(c)), onlyB = b.filter((c) => !a.includes(c));
  const parts = [];
  if (onlyA.length) parts.push(`only ${aName}: ${onlyA.join(', ')}`);
  if (onlyB.length) parts.push(`only ${bName}: ${onlyB.join(', ')}`);
  if (!parts.length) parts.push(`the same classes in another order (${aName}: ${a.join(', ')}; ${bName}: ${b.join(', ')})`);
  return parts.join('; ');
}
