/** The bench's regression check: > 15 % slower at a comparable load, > 10 % bigger at any load. */
import { describe, expect, it } from 'vitest';
import { compareResults, type ResultRow, type ResultsFile } from './compare';

const machine = { cpu: 'Test CPU', cores: 2, memGiB: 24, os: 'linux' };
const file = (date: string, rows: ResultRow[], m = machine): ResultsFile => ({ date, command: 'npm run bench', machine: m, versions: {}, rows });
const row = (ms: number, peakMiB: number, load: number, id = 'vit-s-224'): ResultRow => ({ id, label: id, ms, peakMiB, load });
const before = file('2026-12-01', [row(1000, 1000, 1.0)]);

describe('compareResults', () => {
  it('a row more than 15 % slower at a comparable load is a regression; 15 % is not', () => {
    expect(compareResults(before, file('now', [row(1151, 1000, 1.0)])).regressions).toEqual([
      'vit-s-224: 1151 ms/step, +15 % against 1000 ms on 2026-12-01 (load 1.00 / 1.00)',
    ]);
    expect(compareResults(before, file('now', [row(1150, 1000, 1.0)])).regressions).toEqual([]);
    expect(compareResults(before, file('now', [row(500, 1000, 1.0)])).regressions).toEqual([]); // faster
  });

  it('loads within 0.5 per core are comparable; further apart, the time is noted, not judged', () => {
    expect(compareResults(before, file('now', [row(1400, 1000, 2.0)])).regressions).toHaveLength(1); // 1.0 apart on 2 cores
    const busy = compareResults(before, file('now', [row(1400, 1000, 2.01)]));
    expect(busy.regressions).toEqual([]);
    expect(busy.notes).toEqual(['vit-s-224: time not compared, load 2.01 now against 1.00 on 2026-12-01']);
  });

  it('a peak more than 10 % bigger is a regression at any load and on any machine; 10 % is not', () => {
    const other = { ...machine, cpu: 'Other CPU' };
    const bigger = compareResults(before, file('now', [row(1000, 1101, 3.5)], other));
    expect(bigger.regressions).toEqual(['vit-s-224: peak 1101 MiB, +10 % against 1000 MiB on 2026-12-01']);
    expect(bigger.notes[0]).toMatch(/another machine .* times not compared/);
    expect(compareResults(before, file('now', [row(1000, 1100, 1)])).regressions).toEqual([]);
  });

  it('times from another machine are not compared', () => {
    expect(compareResults(before, file('now', [row(5000, 1000, 1.0)], { ...machine, cores: 16 })).regressions).toEqual([]);
  });

  it('rows only one file has are listed, not judged', () => {
    const r = compareResults(before, file('now', [row(9000, 9000, 1, 'vit-b-512-fast')]));
    expect(r.regressions).toEqual([]);
    expect(r.notes).toEqual(['vit-b-512-fast: new row, nothing to compare with', 'vit-s-224: not measured in this run']);
    // a partial run compared with several files: the rows it did not measure are not listed
    expect(compareResults(before, file('now', [row(9000, 9000, 1, 'vit-b-512-fast')]), undefined, { listUnmeasured: false }).notes).toEqual(['vit-b-512-fast: new row, nothing to compare with']);
  });
});
