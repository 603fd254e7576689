/**
 * @file The leaderboard of the runs saved in this browser (one dataset's): sortable by any
 * column, best mIoU first, downloadable as CSV and Markdown. The board is the store's (its board
 * slice reads each run's metrics once per save); in talk mode a compact table: rank, run, mIoU.
 */
import { useState } from 'react';
import { sortRows, toCsv, toMarkdown, type LeaderboardRow, type SortColumn } from '../../compare/leaderboard';
import { saveFile as download } from '../components/charts/save-file';
import { describeMIoUs } from '../../train/rules';
import { useLab } from '../lab';
import { fileStem } from '../run-names';
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
  { key: 'crossDataset', label: 'Cross-dataset mIoU %', show: (r) => (r.crossDataset ? `${num(100 * r.crossDataset.mIoU, 1)} (${r.crossDataset.dataset})` : '—') },
];

/** The columns talk mode shows (large type, little room). */
const TALK_COLUMNS = new Set<SortColumn>(['model', 'mIoU']);

export function Leaderboard() {
  const board = useLab((s) => s.board);
  const error = useLab((s) => s.boardError);
  const talk = useLab((s) => s.talkMode);
  const [sort, setSort] = useState<{ column: SortColumn; descending: boolean }>({ column: 'mIoU', descending: true });

  if (error) return <section className="leaderboard" data-testid="leaderboard"><h2>Leaderboard</h2><p role="alert">{error}</p></section>;
  if (!board?.rows.length) return null; // nothing evaluated yet: the runs list says how runs are saved
  const rows = sortRows(board.rows, sort.column, sort.descending);
  const file = fileStem(`leaderboard-${board.dataset ?? 'runs'}`);
  // the cross-dataset column only once some run has been evaluated on a second dataset
  const columns = COLUMNS.filter((c) => (talk ? TALK_COLUMNS.has(c.key) : c.key !== 'crossDataset' || board.rows.some((r) => r.crossDataset)));
  // what tells the runs apart (lr, crop, freeze…), as the runs table says it, after the measured columns
  const settings = talk ? [] : board.settings ?? [];
  return (
    <section className={talk ? 'leaderboard compact' : 'leaderboard'} data-testid="leaderboard" aria-label="Leaderboard">
      {/* talk mode has no room for the mIoU sentence under the table: it is the heading's tooltip there */}
      <h2 title={talk ? describeMIoUs(board.rows) : undefined}>Leaderboard · {board.dataset}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            {columns.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.column === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
                <button type="button" onClick={() => setSort({ column: c.key, descending: sort.column === c.key ? !sort.descending : c.key === 'mIoU' || c.key === 'imgPerSec' })}>
                  {c.label}{sort.column === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}
                </button>
              </th>
            ))}
            {settings.map((s) => <th key={`setting-${s.name}`} scope="col" data-testid="leaderboard-setting">{s.label}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.runId} data-testid="leaderboard-row">
              <td>{board.rows.indexOf(r) + 1}</td>
              {/* a run's name is cut to one line in talk mode (CSS); the whole name stays its text and its tooltip */}
              {columns.map((c) => <td key={c.key}>{c.key === 'model' ? <span className="board-name" title={r.model}>{r.model}</span> : c.show(r)}</td>)}
              {settings.map((s) => <td key={`setting-${s.name}`}>{r.settings?.[s.name] ?? ''}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      {!talk && <p className="miou-definition" data-testid="leaderboard-miou">{describeMIoUs(board.rows)}</p>}
      {!talk && board.otherDatasets > 0 && <p>{board.otherDatasets} evaluated run(s) on other datasets are not ranked here.</p>}
      {!talk && <p className="downloads">
        <button type="button" data-testid="leaderboard-csv" onClick={() => download(`${file}.csv`, toCsv(board), 'text/csv')}>Download CSV</button>
        <button type="button" data-testid="leaderboard-md" onClick={() => download(`${file}.md`, toMarkdown(board), 'text/markdown')}>Download Markdown</button>
      </p>}
    </section>
  );
}
