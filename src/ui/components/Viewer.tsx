/**
 * @file Side-by-side viewer: image, ground truth, this run's prediction, a second run's
 * prediction and an error map, with synced zoom/pan, overlay with opacity, the class under the
 * cursor, a legend and a strip of validation thumbnails.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent, type WheelEvent } from 'react';
import type { Prediction, Thumbnail } from '../../worker/api';
import { useLab } from '../lab';

type Rgb = [number, number, number];
type View = { zoom: number; x: number; y: number };

/** RGBA pixels for a pane: the image, or class colours (optionally over the image). */
function paint(p: Prediction, kind: 'image' | 'label' | 'prediction' | 'error', colors: Rgb[], overlay: number, labels?: Uint8Array): ImageData {
  const out = new ImageData(p.width, p.height);
  const ids = kind === 'label' ? p.label : labels ?? p.prediction;
  for (let i = 0; i < p.width * p.height; i++) {
    let c: Rgb = [p.image[i * 3], p.image[i * 3 + 1], p.image[i * 3 + 2]];
    if (kind === 'error') {
      c = p.label[i] === 255 || ids[i] === 255 ? [0, 0, 0] : p.label[i] === ids[i] ? [40, 40, 40] : [230, 40, 40];
    } else if (kind !== 'image') {
      const k = ids[i];
      const col = k === 255 ? undefined : colors[k] ?? [255, 255, 255];
      if (col) c = c.map((v, j) => Math.round(v * overlay + col[j] * (1 - overlay))) as Rgb;
      else if (overlay === 0) c = [0, 0, 0];
    }
    out.data.set([...c, 255], i * 4);
  }
  return out;
}

function Pane({ title, pred, kind, labels, view, onView, onHover, colors, overlay, placeholder }: {
  title: string; pred?: Prediction; placeholder?: string; kind: 'image' | 'label' | 'prediction' | 'error'; labels?: Uint8Array;
  view: View; onView: (v: View) => void; onHover: (xy?: [number, number]) => void; colors: Rgb[]; overlay: number;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !pred) return;
    const img = paint(pred, kind, colors, overlay, labels);
    const off = new OffscreenCanvas(pred.width, pred.height);
    off.getContext('2d')!.putImageData(img, 0, 0);
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(view.zoom, 0, 0, view.zoom, view.x, view.y);
    ctx.drawImage(off, 0, 0, canvas.width, canvas.height);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }, [pred, kind, labels, view, colors, overlay]);
  const toImage = (e: PointerEvent<HTMLCanvasElement>): [number, number] | undefined => {
    if (!pred) return undefined;
    const r = e.currentTarget.getBoundingClientRect();
    const cx = ((e.clientX - r.left) / r.width) * e.currentTarget.width, cy = ((e.clientY - r.top) / r.height) * e.currentTarget.height;
    const x = Math.floor((((cx - view.x) / view.zoom) / e.currentTarget.width) * pred.width);
    const y = Math.floor((((cy - view.y) / view.zoom) / e.currentTarget.height) * pred.height);
    return x >= 0 && y >= 0 && x < pred.width && y < pred.height ? [x, y] : undefined;
  };
  return (
    <figure className="pane">
      <figcaption>{title}</figcaption>
      {pred ? (
        <canvas
          ref={ref} width={256} height={256} aria-label={title} role="img"
          onWheel={(e: WheelEvent<HTMLCanvasElement>) => {
            // zoom about the cursor: the canvas point under it stays put
            const zoom = Math.min(16, Math.max(1, view.zoom * (e.deltaY < 0 ? 1.25 : 0.8)));
            const r = e.currentTarget.getBoundingClientRect(), k = e.currentTarget.width / r.width;
            const cx = (e.clientX - r.left) * k, cy = (e.clientY - r.top) * k, f = zoom / view.zoom;
            onView(zoom === 1 ? { zoom, x: 0, y: 0 } : { zoom, x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f });
          }}
          onPointerDown={(e) => (drag.current = { x: e.clientX, y: e.clientY })}
          onPointerUp={() => (drag.current = null)}
          onPointerLeave={() => { drag.current = null; onHover(undefined); }}
          onPointerMove={(e) => {
            onHover(toImage(e));
            if (!drag.current) return;
            const k = e.currentTarget.width / e.currentTarget.getBoundingClientRect().width; // CSS px → canvas px
            onView({ ...view, x: view.x + (e.clientX - drag.current.x) * k, y: view.y + (e.clientY - drag.current.y) * k });
            drag.current = { x: e.clientX, y: e.clientY };
          }}
        />
      ) : placeholder ? (
        <div className="placeholder" data-testid="pane-placeholder">{placeholder}</div>
      ) : (
        <canvas width={256} height={256} aria-label={`${title}: not available yet`} className="empty" />
      )}
    </figure>
  );
}

function Thumb({ t }: { t: Thumbnail }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const img = new ImageData(t.width, t.height);
    for (let i = 0; i < t.width * t.height; i++) img.data.set([t.data[i * 3], t.data[i * 3 + 1], t.data[i * 3 + 2], 255], i * 4);
    ref.current?.getContext('2d')?.putImageData(img, 0, 0);
  }, [t]);
  return <canvas ref={ref} width={t.width} height={t.height} className="thumb" />;
}

export function Viewer() {
  const pred = useLab((s) => s.prediction);
  const comparison = useLab((s) => s.comparison);
  const dataset = useLab((s) => s.dataset);
  const viewIndex = useLab((s) => s.viewIndex);
  const selectImage = useLab((s) => s.selectImage);
  const thumbnails = useLab((s) => s.thumbnails);
  const [view, setView] = useState<View>({ zoom: 1, x: 0, y: 0 });
  const [overlay, setOverlay] = useState(0);
  const [hover, setHover] = useState<[number, number]>();
  const colors = (dataset?.classes ?? []).map((c) => c.color);
  // before any run the worker sends the image and ground truth with an empty prediction (all 255)
  const predicted = useMemo(() => !!pred && pred.prediction.some((v) => v !== 255), [pred]);
  const name = (ids?: Uint8Array) => {
    if (!hover || !ids || !pred) return '';
    const k = ids[hover[1] * pred.width + hover[0]];
    return k === 255 ? 'ignore' : dataset?.classes[k]?.name ?? `class ${k}`;
  };
  const panes = [
    { title: 'Image', kind: 'image' as const },
    { title: `Ground truth ${name(pred?.label)}`, kind: 'label' as const },
    { title: `This run ${name(pred?.prediction)}`, kind: 'prediction' as const },
    { title: comparison ? `Second run ${name(comparison.prediction)}` : 'Second run', kind: 'prediction' as const, labels: comparison?.prediction, second: true },
    { title: 'Errors (red: wrong)', kind: 'error' as const },
  ];
  const placeholderOf = (p: { kind: string; second?: boolean }): string | undefined => {
    if (p.second) return comparison ? undefined : 'Choose a second run: press Compare on a saved run, or import a trained model under Saved runs';
    if ((p.kind === 'prediction' || p.kind === 'error') && pred && !predicted) return 'No prediction yet: press Start';
    return undefined;
  };
  return (
    <section className="viewer-wrap" aria-label="Predictions">
      <div className="viewer-tools">
        <label>Overlay opacity <input type="range" min={0} max={1} step={0.05} value={overlay} onChange={(e) => setOverlay(e.target.valueAsNumber)} /></label>
        <button type="button" aria-label="Zoom in" onClick={() => setView((v) => ({ ...v, zoom: Math.min(16, v.zoom * 1.25) }))}>+</button>
        <button type="button" aria-label="Zoom out" onClick={() => setView((v) => ({ ...v, zoom: Math.max(1, v.zoom * 0.8) }))}>−</button>
        <button type="button" onClick={() => setView({ zoom: 1, x: 0, y: 0 })}>Reset zoom</button>
        <span>{hover ? `pixel (${hover[0]}, ${hover[1]})` : 'hover a pane to read classes; wheel to zoom, drag to pan'}</span>
      </div>
      <div className="viewer" data-testid="viewer">
        {panes.map((p) => (
          <Pane key={p.title.split(' ')[0] + p.kind + (p.second ? '2' : '')} title={p.title} pred={placeholderOf(p) ? undefined : pred}
            kind={p.kind} labels={p.labels} view={view} onView={setView} onHover={setHover} colors={colors} overlay={overlay}
            placeholder={placeholderOf(p)} />
        ))}
      </div>
      <ul className="legend" aria-label="Legend">
        {dataset?.classes.map((c) => (
          <li key={c.name}><span className="swatch" style={{ background: `rgb(${c.color.join(',')})` }} />{c.name}</li>
        ))}
      </ul>
      <div className="thumbs" role="listbox" aria-label="Validation images">
        {Array.from({ length: Math.min(dataset?.valCount ?? 0, 32) }, (_, i) => (
          <button type="button" role="option" aria-selected={i === viewIndex} aria-label={`validation image ${i + 1}`} key={i}
            className={i === viewIndex ? 'selected' : ''} onClick={() => selectImage(i)}>
            {thumbnails[i] ? <Thumb t={thumbnails[i]} /> : i + 1}
          </button>
        ))}
      </div>
    </section>
  );
}
