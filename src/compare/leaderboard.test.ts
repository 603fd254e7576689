import { describe, expect, it } from 'vitest';
import { formatMIoU as paneMIoU } from '../ui/viewer/panes';
import { compareRows, csvField, formatMIoU, mdCell, rankRows, sortRows, stepStats, toCsv, toMarkdown, type LeaderboardRow } from './leaderboard';

const row = (model: string, mIoU: number, extra: Partial<LeaderboardRow> = {}): LeaderboardRow => ({
  model, family: 'vit', recipe: 'demo', mIoU, perClassIoU: [mIoU, null], steps: 10, wallSeconds: 2, imgPerSec: 40, msPerStep: 200,
  memoryPlanBytes: 3 * 2 ** 20, ...extra,
});

/** An RFC 4180 reader written for the test (quoted fields, doubled quotes, CRLF records). */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '', fields: string[] = [], i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; }
        else if (text[i] === '"') { i++; break; }
        else field += text[i++];
      }
    } else if (text[i] === ',') { fields.push(field); field = ''; i++; }
    else if (text[i] === '\r' && text[i + 1] === '\n') { fields.push(field); records.push(fields); field = ''; fields = []; i += 2; }
    else field += text[i++];
  }
  return records;
}

describe('step statistics (the CLI\'s rows and the browser\'s)', () => {
  it('the median step, and images per second over the summed step time; NaN without steps', () => {
    expect(stepStats([300, 100, 200], 4)).toEqual({ msPerStep: 200, imgPerSec: 12 / 0.6 });
    expect(stepStats([400, 100, 300, 200], 2).msPerStep).toBe(250);
    expect(stepStats([], 2)).toEqual({ msPerStep: NaN, imgPerSec: NaN });
  });
});

describe('mIoU in words', () => {
  it('is spelt once, for the panes, the runs list and the CLI', () => {
    expect(paneMIoU).toBe(formatMIoU);
    expect([formatMIoU(0.4567), formatMIoU(0), formatMIoU(undefined)]).toEqual(['45.7 %', '0.0 %', '—']);
  });
});

describe('leaderboard ordering', () => {
  it('ranks by mIoU, best first; a never-evaluated run last', () => {
    const ranked = rankRows([row('a', 0.3), row('b', NaN), row('c', 0.7), row('d', 0.5)]);
    expect(ranked.map((r) => r.model)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('breaks ties by model, recipe, family, then speed — the same order from any input order', () => {
    const rows = [
      row('beta', 0.5), row('alpha', 0.5, { recipe: 'voc', family: 'clip' }), row('alpha', 0.5, { recipe: 'demo', family: 'sam' }),
      row('alpha', 0.5, { recipe: 'demo', family: 'clip', msPerStep: 300 }), row('alpha', 0.5, { recipe: 'demo', family: 'clip', msPerStep: 100 }),
      row('Zed', 0.5), // code-unit order: capitals before lower case, on every machine
    ];
    const expected = ['Zed/demo/vit/200', 'alpha/demo/clip/100', 'alpha/demo/clip/300', 'alpha/demo/sam/200', 'alpha/voc/clip/200', 'beta/demo/vit/200'];
    const key = (r: LeaderboardRow) => `${r.model}/${r.recipe}/${r.family}/${r.msPerStep}`;
    expect(rankRows(rows).map(key)).toEqual(expected);
    expect(rankRows([...rows].reverse()).map(key)).toEqual(expected);
    expect(compareRows(rows[0], rows[0])).toBe(0);
  });

  it('sorts by any column both ways, missing values last, ties best first', () => {
    const rows = [row('a', 0.2, { msPerStep: 50 }), row('b', 0.9, { msPerStep: 50 }), row('c', 0.5, { msPerStep: NaN }), row('d', 0.4, { msPerStep: 10 })];
    expect(sortRows(rows, 'msPerStep', false).map((r) => r.model)).toEqual(['d', 'b', 'a', 'c']);
    expect(sortRows(rows, 'msPerStep', true).map((r) => r.model)).toEqual(['b', 'a', 'd', 'c']);
    expect(sortRows(rows, 'model', true).map((r) => r.model)).toEqual(['d', 'c', 'b', 'a']);
    const cross = [row('a', 0.1, { crossDataset: { dataset: 'x', mIoU: 0.3 } }), row('b', 0.2), row('c', 0.3, { crossDataset: { dataset: 'x', mIoU: 0.6 } })];
    expect(sortRows(cross, 'crossDataset', true).map((r) => r.model)).toEqual(['c', 'a', 'b']);
    expect(sortRows(cross, 'crossDataset', false).map((r) => r.model)).toEqual(['a', 'c', 'b']);
  });
});

describe('CSV export (RFC 4180)', () => {
  it('quotes a field only when it holds a comma, a quote, CR or LF, and doubles quotes', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('writes a header and one CRLF record per run, best first, with per-class columns', () => {
    const board = { classes: ['sky', 'road, wet'], rows: rankRows([row('tiny "a"', 0.25), row('b,c', 0.5, { perClassIoU: [1, 0] })]) };
    const csv = toCsv(board);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe('rank,model,family,recipe,mIoU,steps,wall_seconds,img_per_sec,ms_per_step,memory_plan_bytes,IoU sky,"IoU road, wet"');
    const records = readCsv(csv);
    expect(records).toEqual([
      ['rank', 'model', 'family', 'recipe', 'mIoU', 'steps', 'wall_seconds', 'img_per_sec', 'ms_per_step', 'memory_plan_bytes', 'IoU sky', 'IoU road, wet'],
      ['1', 'b,c', 'vit', 'demo', '0.5', '10', '2', '40', '200', String(3 * 2 ** 20), '1', '0'],
      ['2', 'tiny "a"', 'vit', 'demo', '0.25', '10', '2', '40', '200', String(3 * 2 ** 20), '0.25', ''],
    ]);
  });

  it('adds the cross-dataset columns when a run has them; a missing mIoU is an empty field', () => {
    const board = { classes: [], rows: [row('a', 0.5, { crossDataset: { dataset: 'val-b', mIoU: 0.125 } }), row('b', NaN)] };
    expect(readCsv(toCsv(board))).toEqual([
      ['rank', 'model', 'family', 'recipe', 'mIoU', 'steps', 'wall_seconds', 'img_per_sec', 'ms_per_step', 'memory_plan_bytes', 'cross_dataset', 'cross_dataset_mIoU'],
      ['1', 'a', 'vit', 'demo', '0.5', '10', '2', '40', '200', String(3 * 2 ** 20), 'val-b', '0.125'],
      ['2', 'b', 'vit', 'demo', '', '10', '2', '40', '200', String(3 * 2 ** 20), '', ''],
    ]);
  });
});

describe('Markdown export', () => {
  it('escapes pipes and backslashes and flattens line breaks in a cell', () => {
    expect(mdCell('a|b')).toBe('a\\|b');
    expect(mdCell('c:\\x')).toBe('c:\\\\x');
    expect(mdCell('two\nlines')).toBe('two lines');
  });

  it('prints a summary table best first and per-class IoU with classes as rows', () => {
    const board = { classes: ['sky', 'road'], rows: rankRows([row('small|vit', 0.25), row('base', 0.5, { perClassIoU: [1, 0] })]) };
    expect(toMarkdown(board)).toBe([
      '| # | model | family | recipe | mIoU % | steps | wall s | img/s | ms/step | memory plan MiB |',
      '| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| 1 | base | vit | demo | 50.0 | 10 | 2.0 | 40.00 | 200.0 | 3.0 |',
      '| 2 | small\\|vit | vit | demo | 25.0 | 10 | 2.0 | 40.00 | 200.0 | 3.0 |',
      '',
      'mIoU: mean over the classes present in labels or predictions (demo).',
      '',
      'IoU per class (%):',
      '',
      '| class | base | small\\|vit |',
      '| --- | ---: | ---: |',
      '| sky | 100.0 | 25.0 |',
      '| road | 0.0 | — |',
      '',
    ].join('\n'));
  });

  it("says which mIoU each row shows, by the recipe labels it shows: the benchmark recipes' mean over all classes", () => {
    const md = toMarkdown({ classes: [], rows: [row('a', 0.5, { recipe: 'voc', mIoUDefinition: 'all-classes' }), row('b', 0.4), row('c', 0.3, { recipe: 'custom', mIoUDefinition: 'all-classes' })] });
    expect(md).toContain('mIoU: mean over all classes, absent ones scoring 0 (torchmetrics, as the benchmark) (voc, custom); mean over the classes present in labels or predictions (demo).');
  });

  it('shows the cross-dataset column when a run has one', () => {
    const md = toMarkdown({ classes: [], rows: [row('a', 0.5, { crossDataset: { dataset: 'b', mIoU: 0.25 } }), row('c', 0.1)] });
    expect(md.split('\n')[0]).toContain('| cross-dataset mIoU % |');
    expect(md).toContain('| 25.0 (b) |');
    expect(md.split('\n')[3]).toMatch(/\| — \|$/);
  });
});
