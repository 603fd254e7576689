import { describe, expect, it } from 'vitest';
import { CHART_CSS, chartFileName, standaloneSvg } from './svg-export';

const PAGE_SVG = '<svg class="recharts-surface" width="100%" height="100%" style="width: 100%; height: 100%;" viewBox="0 0 400 190">' +
  '<g class="recharts-line"><path stroke="#0072B2" d="M0,0L10,10"/></g><text class="recharts-text">step</text></svg>';

describe('chart export', () => {
  it('makes the page\'s SVG standalone: namespace, size in px, viewBox kept, styles inlined, content unchanged', () => {
    const out = standaloneSvg(PAGE_SVG, 400.4, 189.6);
    expect(out.startsWith('<svg xmlns="http://www.w3.org/2000/svg" class="recharts-surface" viewBox="0 0 400 190" width="400" height="190">')).toBe(true);
    expect(out).not.toMatch(/100%/);
    expect(out).toContain(`<style>${CHART_CSS}</style><g class="recharts-line"><path stroke="#0072B2" d="M0,0L10,10"/></g>`);
    expect(out.endsWith('<text class="recharts-text">step</text></svg>')).toBe(true);
    expect(out.match(/xmlns=/g)).toHaveLength(1);
  });

  it('adds a viewBox when there is none, and the xlink namespace when the chart uses it', () => {
    const out = standaloneSvg('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><use xlink:href="#a"/></svg>', 300, 150, '');
    expect(out).toBe('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="300" height="150" viewBox="0 0 300 150"><style></style><use xlink:href="#a"/></svg>');
  });

  it('refuses what is not a chart, or a chart with no size (hidden), saying so', () => {
    expect(() => standaloneSvg('<div></div>', 10, 10)).toThrow(/needs the chart's <svg> element/);
    expect(() => standaloneSvg(PAGE_SVG, 0, 190)).toThrow(/size \(got 0 × 190\): is the chart shown\?/);
  });

  it('names the file after the one run shown, else after the leaderboard', () => {
    expect(chartFileName('mIoU', ['demo ViT · demo'])).toBe('demo-ViT-demo-mIoU.png');
    expect(chartFileName('loss', ['a', 'b'], 'VOC 2012')).toBe('leaderboard-VOC-2012-loss.png');
    expect(chartFileName('loss', [])).toBe('leaderboard-runs-loss.png');
  });
});
