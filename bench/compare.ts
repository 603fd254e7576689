/**
 * @file Regressions between two bench results files (pure: no files, no clock). A row is the same
 * row when its id is; time is compared only at a comparable load (on a shared machine a row run
 * beside other work is slower for reasons that are not ours), size always (the peak of a step does
 * not depend on the load). Rows measured in only one file are listed, not judged.
 */

/** One measured row. `ms` is a time per step (wall, median of the steady steps); `peakMiB` a peak RSS. */
export interface ResultRow {
  id: string;
  label: string;
  ms?: number;
  peakMiB?: number;
  /** The 1-minute load average when the row finished (the machine's other work during it). */
  load: number;
  /** Anything else worth keeping next to the figures (the peer's time, the ratio, GFLOP/s). */
  extra?: Record<string, string | number>;
}

export interface Machine {
  cpu: string;
  cores: number;
  memGiB: number;
  os: string;
}

export interface ResultsFile {
  date: string;
  command: string;
  machine: Machine;
  versions: Record<string, string>;
  rows: ResultRow[];
}

export const LIMITS = {
  /** A row more than this much slower (ms ÷ ms − 1) is a regression. */
  slower: 0.15,
  /** A row's peak more than this much bigger is a regression. */
  bigger: 0.1,
  /** Loads within this much of each other, per core, are comparable (2 cores: ±1 runnable process). */
  loadPerCore: 0.5,
};

export interface Comparison {
  regressions: string[];
  /** Rows whose time was not compared, and why (load, machine), or that only one file has. */
  notes: string[];
}

const pct = (r: number) => `${r >= 0 ? '+' : ''}${(100 * r).toFixed(0)} %`;

/** `listUnmeasured: false` when `now` holds only some of this run's rows (the others compared with another file). */
export function compareResults(before: ResultsFile, now: ResultsFile, limits = LIMITS, { listUnmeasured = true } = {}): Comparison {
  const regressions: string[] = [];
  const notes: string[] = [];
  const sameMachine = before.machine.cpu === now.machine.cpu && before.machine.cores === now.machine.cores;
  if (!sameMachine) notes.push(`${before.date} was measured on another machine (${before.machine.cores} × ${before.machine.cpu}): times not compared`);
  const old = new Map(before.rows.map((r) => [r.id, r]));
  for (const row of now.rows) {
    const prev = old.get(row.id);
    if (!prev) {
      notes.push(`${row.label}: new row, nothing to compare with`);
      continue;
    }
    if (row.peakMiB !== undefined && prev.peakMiB !== undefined && row.peakMiB > prev.peakMiB * (1 + limits.bigger)) {
      regressions.push(`${row.label}: peak ${row.peakMiB} MiB, ${pct(row.peakMiB / prev.peakMiB - 1)} against ${prev.peakMiB} MiB on ${before.date}`);
    }
    if (row.ms === undefined || prev.ms === undefined || !sameMachine) continue;
    if (Math.abs(row.load - prev.load) > limits.loadPerCore * now.machine.cores) {
      notes.push(`${row.label}: time not compared, load ${row.load.toFixed(2)} now against ${prev.load.toFixed(2)} on ${before.date}`);
    } else if (row.ms > prev.ms * (1 + limits.slower)) {
      regressions.push(`${row.label}: ${row.ms.toFixed(0)} ms/step, ${pct(row.ms / prev.ms - 1)} against ${prev.ms.toFixed(0)} ms on ${before.date} (load ${row.load.toFixed(2)} / ${prev.load.toFixed(2)})`);
    }
  }
  const measured = new Set(now.rows.map((r) => r.id));
  if (listUnmeasured) for (const r of before.rows) if (!measured.has(r.id)) notes.push(`${r.label}: not measured in this run`);
  return { regressions, notes };
}
