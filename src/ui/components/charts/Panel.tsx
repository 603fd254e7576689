/**
 * @file A chart's frame: a visible title, the chart as one image for screen readers (its summary as
 * the label; recharts' own keyboard layer is off so it adds no focusable SVG nodes), and sizes that
 * follow talk mode's `--talk-scale`.
 */
import { useLayoutEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { ResponsiveContainer } from 'recharts';
import { useLab } from '../../lab';

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

/** Sizes of chart text and margins, in px, at a talk scale (SVG text is laid out by recharts, so it needs numbers, not CSS). */
export const chartSizes = (scale: number) => ({
  font: Math.round(12 * scale),
  yWidth: (chars: number) => Math.round((chars * 7.5 + 12) * scale),
  xHeight: Math.round(40 * scale),
});

export function Panel({ title, summary, testId, height, secondary, children }: {
  title: ReactNode; summary: string; testId: string; height: number; secondary?: boolean; children: ReactElement;
}) {
  return (
    <figure className={secondary ? 'chart secondary' : 'chart'} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div role="img" aria-label={summary} className="chart-body">
        <ResponsiveContainer width="100%" height={height}>{children}</ResponsiveContainer>
      </div>
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
