/**
 * @file A chart's frame: a visible title, the chart as one image for screen readers (its summary as
 * the label; recharts' own keyboard layer is off so it adds no focusable SVG nodes), sizes that
 * follow talk mode's `--talk-scale`, and optionally a "Download PNG" button.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { useLab } from '../../lab';
import { chartPng } from './png';
import { saveFile } from './save-file';

/** The page's `--talk-scale` (set on `.app.talk`), read again when talk mode changes; 1 when unset. */
export function useTalkScale(): [number, React.RefObject<HTMLDivElement | null>] {
  const ref = useRef<HTMLDivElement>(null);
  const talkMode = useLab((s) => s.talkMode);
  const [scale, setScale] = useState(1);
  useLayoutEffect(() => {
    const v = ref.current ? parseFloat(getComputedStyle(ref.current).getPropertyValue('--talk-scale')) : NaN;
    setScale(Number.isFinite(v) && v > 0 ? v : 1);
  }, [talkMode]);
  return [scale, ref];
}

/** Talk mode's smallest text, in px (issue 24: read from the back row at 1280×720). The page's CSS keeps the same floor. */
export const TALK_MIN_FONT = 20;

/**
 * Sizes of chart text and margins, in px, at a talk scale (SVG text is laid out by recharts, so it
 * needs numbers, not CSS); in talk mode the text is at least TALK_MIN_FONT and the axes grow with it.
 */
export const chartSizes = (scale: number, talk = false) => {
  const font = Math.max(Math.round(12 * scale), talk ? TALK_MIN_FONT : 0);
  const k = font / 12;
  return { font, yWidth: (chars: number) => Math.round((chars * 7.5 + 12) * k), xHeight: Math.round(40 * k) };
};

/** What a PNG of the chart shows above it (the page's legend is HTML, outside the SVG) and its file name. */
export interface PngExport {
  file: string;
  title: string;
  legend: readonly { label: string; color: string }[];
}

/** A chart's width in px, rounded up to 50 px (a resize by a few pixels does not re-thin the lines). */
export function usePlotWidth(): [number | undefined, (px: number) => void] {
  const [width, setWidth] = useState<number>();
  return [width, (px) => setWidth(Math.max(50, 50 * Math.ceil(px / 50)))];
}

/** `onWidth` hears the chart's width, now and after every resize. */
export function Panel({ title, summary, testId, height, secondary, png, onWidth, children }: {
  title: ReactNode; summary: string; testId: string; height: number; secondary?: boolean; png?: PngExport; onWidth?: (px: number) => void; children: ReactElement;
}) {
  const figure = useRef<HTMLElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const widthTo = useRef(onWidth);
  widthTo.current = onWidth;
  const measured = !!onWidth;
  useEffect(() => {
    const el = body.current;
    if (!measured || !el) return;
    const seen = new ResizeObserver(([e]) => widthTo.current?.(e.contentRect.width));
    seen.observe(el);
    return () => seen.disconnect();
  }, [measured]);
  const download = async () => {
    try {
      const svg = figure.current?.querySelector<SVGSVGElement>('.recharts-wrapper > svg');
      if (!svg || !png) throw new Error(`the chart "${png?.title}" is not drawn yet`);
      saveFile(png.file, await chartPng(svg, png.title, png.legend));
    } catch (e) {
      useLab.getState().reportError(new Error(`Cannot save the chart as PNG: ${(e as Error).message}`));
    }
  };
  return (
    <figure className={secondary ? 'chart secondary' : 'chart'} data-testid={testId} ref={figure}>
      <figcaption>{title}</figcaption>
      <div role="img" aria-label={summary} className="chart-body" ref={body}>
        <ResponsiveContainer width="100%" height={height}>{children}</ResponsiveContainer>
      </div>
      {/* after the chart (the caption stays the figure's first child and its text); shown top right by CSS */}
      {png && <button type="button" className="chart-png" data-testid={`${testId}-png`} onClick={() => void download()}>Download PNG</button>}
    </figure>
  );
}

/** A tooltip box with one line of text (recharts' `content`), for the point under the pointer. */
export function tip<T>(line: (item: T) => string) {
  return function Tip({ active, payload }: { active?: boolean; payload?: readonly { payload?: unknown }[] }) {
    const item = payload?.[0]?.payload as T | undefined;
    return active && item ? <div className="chart-tip">{line(item)}</div> : null;
  };
}

/**
 * A tooltip with one line per run at the step under the pointer (recharts' `label` on a numeric
 * step axis); each run's lines carry their own points, so the lines are looked up by step, not index.
 */
export function tipAt(lines: (step: number) => string[]) {
  return function TipAt({ active, label }: { active?: boolean; label?: unknown }) {
    const step = Number(label);
    const text = active && label !== undefined && Number.isFinite(step) ? lines(step) : [];
    return text.length ? <div className="chart-tip">{text.map((t) => <div key={t}>{t}</div>)}</div> : null;
  };
}
