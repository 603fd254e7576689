/**
 * @file The leaderboard of the runs saved in this browser (one dataset's): sortable by any
 * column, best mIoU first, downloadable as CSV and Markdown. It reads the runs' metrics from the
 * worker whenever the list of runs changes (the store refreshes it at every evaluation).
 */
import { useEffect, useState } from 'react';
import { sortRows, toCsv, toMarkdown, type LeaderboardRow, type SortColumn } from '../../compare/leaderboard';
import { boardFromRuns, type RunsBoard } from '../../compare/runs-board';
import { useLab } from '../lab';
import type { RunSummary } from '../../worker/api';
import { activeRecipe } from '../store';
import { trainer } from '../worker-client';
import './leaderboard.css';

const num = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const COLUMNS: { key: SortColumn; label: string; show(r: LeaderboardRow): string }[] = [
  { key: 'model', label: 'Run', show: (r) => r.model },
  { key: 'family', label: 'Family', show: (r) => r.family },
  { key: 'recipe', label: 'Recipe', show: (r) => r.recipe },
  { key: 'mIoU', label: 'mIoU %', show: (r) => num(100 * r.mIoU, 1) },
  { key: 'steps', label: 'Steps', show: (r) => String(r.steps) },
  { key: 'wallSeconds', label: 'Train s', show: (r) => num(r.wallSeconds, 1) },
  { key: 'imgPerSec', label: 'img/s', show: (r) => num(r.imgPerSec, 1) },
  { key: 'msPerStep', label: 'ms/step', show: (r) => num(r.msPerStep, 0) },
  { key: 'memoryPlanBytes', label: 'Memory plan MiB', show: (r) => num(r.memoryPlanBytes / 2 ** 20, 1) },
];

/** Every saved run's metrics, read from the worker (read-only; the store keeps the run list). */
async function loadBoard(runs: RunSummary[]): Promise<RunsBoard> {
  const saved = [];
  for (const summary of runs) {
    if (summary.status === 'imported') continue;
    saved.push({ summary, metrics: await trainer().runMetrics(summary.id), recipe: activeRecipe(summary.config) ?? 'custom' });
  }
  return boardFromRuns(saved);
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url)); // after the click has started the download
}

export function Leaderboard() {
  const runs = useLab((s) => s.runs);
  const [board, setBoard] = useState<RunsBoard>();
  const [error, setError] = useState<string>();
  const [sort, setSort] = useState<{ column: SortColumn; descending: boolean }>({ column: 'mIoU', descending: true });
  useEffect(() => {
    let current = true;
    loadBoard(runs).then((b) => current && (setBoard(b), setError(undefined)), (e: Error) => current && setError(`Cannot read the saved runs' metrics: ${e.message}`));
    return () => void (current = false);
  }, [runs]);

  if (error) return <section className="leaderboard" data-testid="leaderboard"><h2>Leaderboard</h2><p role="alert">{error}</p></section>;
  if (!board?.rows.length) return null; // nothing evaluated yet: the runs list says how runs are saved
  const rows = sortRows(board.rows, sort.column, sort.descending);
  const file = `leaderboard-${board.dataset ?? 'runs'}`.replace(/[^\w.-]+/g, '_');
  return (
    <section className="leaderboard" data-testid="leaderboard" aria-label="Leaderboard">
      <h2>Leaderboard · {board.dataset}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.column === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" onClick={() => setSort({ column: c.key, descending: sort.column === c.key ? !sort.descending : c.key === 'mIoU' || c.key === 'imgPerSec' })}>
                  {c.label}{sort.column === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${i}:${r.model}`} data-testid="leaderboard-row">
              <td>{board.rows.indexOf(r) + 1}</td>
              {COLUMNS.map((c) => <td key={c.key}>{c.show(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      {board.otherDatasets > 0 && <p>{board.otherDatasets} evaluated run(s) on other datasets are not ranked here.</p>}
      <p className="downloads">
        <button type="button" data-testid="leaderboard-csv" onClick={() => download(`${file}.csv`, toCsv(board), 'text/csv')}>Download CSV</button>
        <button type="button" data-testid="leaderboard-md" onClick={() => download(`${file}.md`, toMarkdown(board), 'text/markdown')}>Download Markdown</button>
      </p>
    </section>
  );
}
