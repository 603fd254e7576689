/**
 * @file The leaderboard of a benchmark: one row per trained run, best first, and its exports
 * (CSV per RFC 4180, Markdown). Pure: the CLI's `benchmark` and the browser's table share it.
 * Ranking is by validation mIoU; ties are broken by fixed, documented keys so the same runs
 * always print in the same order, whatever order they finished in.
 */
import type { MIoUDefinition } from '../train/metrics';
import { describeMIoUs } from '../train/rules';

/** One run on the leaderboard. */
export interface LeaderboardRow {
  /** The run's name: a preset, a file's stem, the `benchmark --models` entry. */
  model: string;
  family: string;
  recipe: string;
  /** Validation mIoU of the last evaluation, 0…1; NaN when the run was never evaluated. */
  mIoU: number;
  /** Which mean `mIoU` is (its run's recipe rule); absent: the mean over the classes present. */
  mIoUDefinition?: MIoUDefinition;
  /** IoU per class in the leaderboard's class order; null for a class absent from the val split. */
  perClassIoU: (number | null)[];
  /** Completed optimizer steps. */
  steps: number;
  /** Seconds the whole run took as its user waited: compiling, data checks, steps, evaluations, saves. */
  wallSeconds: number;
  /** Training images per second of optimizer steps alone (steps × batch × accumulation / the steps' summed time). */
  imgPerSec: number;
  /** Median milliseconds per optimizer step. */
  msPerStep: number;
  /** The compiler's memory plan for one step (weights, gradients, AdamW moments, activations). */
  memoryPlanBytes: number;
  /** The same run evaluated on a second dataset with the same classes (domain shift). */
  crossDataset?: { dataset: string; mIoU: number };
  /** The row's value of each of the board's `settings` (the recipe settings that tell its runs apart), by name. */
  settings?: Record<string, string>;
}

/** A recipe setting shown as a column: `name` in files (CSV header, snake_case), `label` on screen. */
export interface SettingColumn {
  name: string;
  label: string;
}

/** A validation mIoU (0…1) as the app and the CLI print it: "45.7 %", "—" when there is none. */
export const formatMIoU = (mIoU?: number): string => (mIoU === undefined ? '—' : `${(100 * mIoU).toFixed(1)} %`);

/**
 * A run's speed from its optimizer steps' times: the median step, and images per second over the
 * steps' summed time (both NaN without steps). The CLI's rows and the browser's take it from here.
 */
export function stepStats(stepMs: readonly number[], imagesPerStep: number): Pick<LeaderboardRow, 'msPerStep' | 'imgPerSec'> {
  const sorted = [...stepMs].sort((a, b) => a - b), mid = sorted.length >> 1;
  const msPerStep = !sorted.length ? NaN : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const seconds = stepMs.reduce((s, x) => s + x, 0) / 1000;
  return { msPerStep, imgPerSec: (stepMs.length * imagesPerStep) / seconds };
}

export interface Leaderboard {
  /** Class names, the order of every row's `perClassIoU`. */
  classes: string[];
  /** Best first. */
  rows: LeaderboardRow[];
  /** The recipe settings whose values differ between the rows (lr, steps, crop, freeze…), as columns after the recipe. */
  settings?: SettingColumn[];
}

/** Columns a table can sort by. */
export type SortColumn = 'model' | 'family' | 'recipe' | 'mIoU' | 'steps' | 'wallSeconds' | 'imgPerSec' | 'msPerStep' | 'memoryPlanBytes' | 'crossDataset';

/** Numbers in order, missing (non-finite) values last whichever way the order goes. */
function byNumber(x: number | undefined, y: number | undefined, descending: boolean): number {
  const [fx, fy] = [x !== undefined && Number.isFinite(x), y !== undefined && Number.isFinite(y)];
  if (!fx || !fy) return fx === fy ? 0 : fx ? -1 : 1;
  return x === y ? 0 : (x! < y! ? -1 : 1) * (descending ? -1 : 1);
}

/** Code-unit order, not the locale's: the same bytes sort the same on every machine. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Best first: higher mIoU, then model name, recipe, family (A→Z), then fewer ms per step. */
export function compareRows(a: LeaderboardRow, b: LeaderboardRow): number {
  return byNumber(a.mIoU, b.mIoU, true) || byText(a.model, b.model) || byText(a.recipe, b.recipe) || byText(a.family, b.family) ||
    byNumber(a.msPerStep, b.msPerStep, false);
}

/** The rows best first (a new array). */
export function rankRows<R extends LeaderboardRow>(rows: readonly R[]): R[] {
  return [...rows].sort(compareRows);
}

/**
 * The rows sorted by one column (a table header click); missing numbers last either way, equal
 * values in best-first order.
 */
export function sortRows<R extends LeaderboardRow>(rows: readonly R[], column: SortColumn, descending: boolean): R[] {
  return rankRows(rows).sort((a, b) => {
    if (column === 'crossDataset') return byNumber(a.crossDataset?.mIoU, b.crossDataset?.mIoU, descending);
    const [x, y] = [a[column], b[column]];
    if (typeof x === 'number' && typeof y === 'number') return byNumber(x, y, descending);
    return byText(String(x), String(y)) * (descending ? -1 : 1);
  });
}

/** A CSV field per RFC 4180: quoted when it holds a comma, a double quote, CR or LF; quotes doubled. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Numbers as JavaScript prints them (round-trip exact); a missing value is an empty field. */
const csvNumber = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '' : String(x));

/**
 * The leaderboard as CSV (RFC 4180: CRLF line ends, a header row): one row per run, best first,
 * then one `IoU <class>` column per class. Cross-dataset columns appear when any run has one.
 */
export function toCsv(board: Leaderboard): string {
  const cross = board.rows.some((r) => r.crossDataset);
  const settings = board.settings ?? [];
  // the settings that tell the runs apart after the fixed columns (a reader of the columns by position keeps them)
  const header = ['rank', 'model', 'family', 'recipe', 'mIoU', 'steps', 'wall_seconds', 'img_per_sec', 'ms_per_step', 'memory_plan_bytes',
    ...(cross ? ['cross_dataset', 'cross_dataset_mIoU'] : []), ...settings.map((c) => c.name), ...board.classes.map((c) => `IoU ${c}`)];
  const lines = [header, ...board.rows.map((r, i) => [
    String(i + 1), r.model, r.family, r.recipe, csvNumber(r.mIoU), csvNumber(r.steps), csvNumber(r.wallSeconds), csvNumber(r.imgPerSec),
    csvNumber(r.msPerStep), csvNumber(r.memoryPlanBytes),
    ...(cross ? [r.crossDataset?.dataset ?? '', csvNumber(r.crossDataset?.mIoU)] : []),
    ...settings.map((c) => r.settings?.[c.name] ?? ''),
    ...board.classes.map((_, k) => csvNumber(r.perClassIoU[k])),
  ])];
  return lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A Markdown table cell: a pipe or backslash escaped, a line break made a space. */
export function mdCell(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

const percent = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : (100 * x).toFixed(1));
const mib = (b: number) => (Number.isFinite(b) ? (b / 2 ** 20).toFixed(1) : '—');
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function table(header: string[], align: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), `|${align.map((a) => (a === 'r' ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * The leaderboard as Markdown: a summary table (mIoU in %, best first), then per-class IoU with
 * classes as rows and runs as columns — readable with 150 classes, unlike 150 columns.
 */
export function toMarkdown(board: Leaderboard): string {
  const cross = board.rows.some((r) => r.crossDataset);
  const settings = board.settings ?? [];
  const summary = table(
    ['#', 'model', 'family', 'recipe', 'mIoU %', 'steps', 'wall s', 'img/s', 'ms/step', 'memory plan MiB', ...(cross ? ['cross-dataset mIoU %'] : []), ...settings.map((c) => c.label)],
    ['r', 'l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', ...(cross ? ['r'] : []), ...settings.map(() => 'l')],
    board.rows.map((r, i) => [String(i + 1), r.model, r.family, r.recipe, percent(r.mIoU), String(r.steps), fixed(r.wallSeconds, 1),
      fixed(r.imgPerSec, 2), fixed(r.msPerStep, 1), mib(r.memoryPlanBytes),
      ...(cross ? [r.crossDataset ? `${percent(r.crossDataset.mIoU)} (${r.crossDataset.dataset})` : '—'] : []), ...settings.map((c) => r.settings?.[c.name] ?? '')]),
  );
  const which = `${describeMIoUs(board.rows)}.`; // the label says which mIoU
  if (!board.classes.length || !board.rows.length) return `${summary}\n\n${which}\n`;
  const perClass = table(['class', ...board.rows.map((r) => r.model)], ['l', ...board.rows.map(() => 'r')],
    board.classes.map((c, k) => [c, ...board.rows.map((r) => percent(r.perClassIoU[k]))]));
  return `${summary}\n\n${which}\n\nIoU per class (%):\n\n${perClass}\n`;
}
