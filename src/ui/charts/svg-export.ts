/**
 * @file A chart as a file: the SVG recharts drew, made standalone (it renders outside the page,
 * e.g. as an <img> drawn into a canvas for a PNG), and the file's name. Pure, unit-tested; the
 * canvas part is src/ui/components/charts/png.ts.
 */
import { fileStem } from '../run-names';

/** What the page's stylesheet gives the chart's SVG (charts.css), written into the file. */
export const CHART_CSS = 'text { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; } .recharts-text { fill: #333; }';

const ROOT_ATTRS = /\s(?:width|height|style|xmlns)="[^"]*"/g;

/**
 * The SVG markup (as XMLSerializer gives it) with the SVG namespace, a fixed size in px and a
 * viewBox (the page sizes it with CSS: 100 % of its box, which means nothing outside the page),
 * and the chart styles inlined as a <style> element.
 */
export function standaloneSvg(markup: string, width: number, height: number, css = CHART_CSS): string {
  const open = /^\s*<svg\b([^>]*)>/.exec(markup);
  if (!open) throw new Error('a chart export needs the chart\'s <svg> element');
  if (!(width > 0 && height > 0)) throw new Error(`a chart export needs the chart's size (got ${width} × ${height}): is the chart shown?`);
  const w = Math.round(width), h = Math.round(height);
  const attrs = open[1].replace(ROOT_ATTRS, '');
  const viewBox = /\sviewBox="/.test(attrs) ? '' : ` viewBox="0 0 ${w} ${h}"`;
  const xlink = markup.includes('xlink:') && !/\sxmlns:xlink=/.test(attrs) ? ' xmlns:xlink="http://www.w3.org/1999/xlink"' : '';
  const root = `<svg xmlns="http://www.w3.org/2000/svg"${xlink}${attrs} width="${w}" height="${h}"${viewBox}>`;
  return `${root}<style>${css}</style>${markup.slice(open[0].length)}`;
}

/**
 * `<run>-<chart>.png` when the chart shows one run, `leaderboard-<dataset>-<chart>.png` when it
 * overlays several (what is in the picture names it).
 */
export function chartFileName(chart: string, shown: readonly string[], dataset?: string): string {
  const what = shown.length === 1 ? shown[0] : `leaderboard-${dataset ?? 'runs'}`;
  return `${fileStem(`${what}-${chart}`)}.png`;
}
