/**
 * @file A chart as a PNG: its SVG made standalone (src/ui/charts/svg-export.ts) and drawn into a
 * canvas at 2× on white, under the chart's title and its legend (the page's legend is HTML, so
 * the picture draws its own).
 */
import { standaloneSvg } from '../../charts/svg-export';

const SCALE = 2, PAD = 12, TITLE = 16, ITEM = 13, SWATCH = 14, GAP = 16;
const FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';

/** Legend entries in rows that fit the width: [x, row] of each entry. */
function legendLayout(ctx: CanvasRenderingContext2D, labels: readonly string[], width: number): { at: [number, number][]; rows: number } {
  ctx.font = `${ITEM}px ${FONT}`;
  const at: [number, number][] = [];
  let x = 0, row = 0;
  for (const label of labels) {
    const w = SWATCH + 6 + ctx.measureText(label).width;
    if (x > 0 && x + w > width) (x = 0), row++;
    at.push([x, row]);
    x += w + GAP;
  }
  return { at, rows: labels.length ? row + 1 : 0 };
}

async function svgImage(markup: string): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function chartPng(svg: SVGSVGElement, title: string, legend: readonly { label: string; color: string }[]): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  const img = await svgImage(standaloneSvg(new XMLSerializer().serializeToString(svg), width, height));
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser gives no 2D canvas to draw the chart into');
  const { at, rows } = legendLayout(ctx, legend.map((l) => l.label), width);
  const top = PAD + TITLE + 8 + rows * (ITEM + 8);
  canvas.width = Math.round((width + 2 * PAD) * SCALE);
  canvas.height = Math.round((top + height + PAD) * SCALE);
  ctx.scale(SCALE, SCALE);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width + 2 * PAD, top + height + PAD);
  ctx.fillStyle = '#222';
  ctx.textBaseline = 'top';
  ctx.font = `600 ${TITLE}px ${FONT}`;
  ctx.fillText(title, PAD, PAD);
  ctx.font = `${ITEM}px ${FONT}`;
  legend.forEach(({ label, color }, i) => {
    const [x, row] = at[i];
    const y = PAD + TITLE + 8 + row * (ITEM + 8);
    ctx.fillStyle = color;
    ctx.fillRect(PAD + x, y + 5, SWATCH, 4);
    ctx.fillStyle = '#222';
    ctx.fillText(label, PAD + x + SWATCH + 6, y);
  });
  ctx.drawImage(img, PAD, top, width, height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the chart as PNG'))), 'image/png'));
}
