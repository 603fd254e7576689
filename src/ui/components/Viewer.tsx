/**
 * @file The N-way viewer: image, ground truth, this run and up to five more saved runs (six
 * prediction panes), each named with its mIoU, and a disagreement map of the shown predictions;
 * "Predictions | Error maps" switches every run's pane between its mask and its error map. One
 * zoom/pan for all panes (wheel about the pointer, drag, +/− buttons, keys), an overlay opacity
 * (0 = image only, 1 = mask opaque), the class under the pointer in every caption, legends, and
 * every validation image through a paged thumbnail list. In talk mode a running benchmark queue
 * fills the grid (useRace).
 */
import { useMemo, useState } from 'react';
import { useLab } from '../lab';
import { DISAGREE_COLOR, ERROR_COLORS, ERROR_LABELS, backgroundIndex, errorKindsFor, type Rgb } from '../viewer/composite';
import { MAX_PREDICTION_PANES } from '../viewer/panes';
import { fitPicture } from '../viewer/fit';
import { IDENTITY, ZOOM_STEP, clampView, viewForKey, zoomCentre, type View } from '../viewer/zoom';
import { CANVAS, Pane } from './viewer/Pane';
import { ThumbnailList } from './viewer/ThumbnailList';
import { usePanes, type Show } from './viewer/usePanes';
import { useRace } from './viewer/useRace';
import './viewer.css';

const swatch = (c: Rgb) => <span className="swatch" style={{ background: `rgb(${c.join(',')})` }} />;

export function Viewer() {
  const classes = useLab((s) => s.dataset?.classes);
  const [zoomed, setView] = useState<View>(IDENTITY);
  const [overlay, setOverlay] = useState(0.7);
  const [show, setShow] = useState<Show>('predictions');
  const [hover, setHover] = useState<[number, number]>();
  const width = useLab((s) => s.prediction?.width ?? 0);
  const height = useLab((s) => s.prediction?.height ?? 0);
  // every pane shows the same image: one letterboxed fit, and the view kept within it when the next image has another shape
  const fit = useMemo(() => fitPicture(width || CANVAS, height || CANVAS, CANVAS), [width, height]);
  const view = clampView(zoomed, fit);
  const { panes, hidden, share, predicted } = usePanes(show, overlay);
  useRace();
  const pixel = hover ? hover[1] * width + hover[0] : undefined;
  const background = backgroundIndex((classes ?? []).map((c) => c.name));
  return (
    <section className={panes.length > 5 ? 'viewer-wrap many' : 'viewer-wrap'} aria-label="Predictions">
      <div className="viewer-tools">
        <span role="group" aria-label="Run panes show" className="viewer-show">
          <button type="button" className="secondary" aria-pressed={show === 'predictions'} onClick={() => setShow('predictions')}>Predictions</button>
          <button type="button" className="secondary" aria-pressed={show === 'errors'} onClick={() => setShow('errors')}>Error maps</button>
        </span>
        <label>Overlay opacity <input type="range" min={0} max={1} step={0.05} value={overlay} onChange={(e) => setOverlay(e.target.valueAsNumber)}
          aria-valuetext={overlay === 0 ? 'image only' : `${Math.round(overlay * 100)}% mask`} /></label>
        <button type="button" aria-label="Zoom in" onClick={() => setView((v) => zoomCentre(v, ZOOM_STEP, fit))}>+</button>
        <button type="button" aria-label="Zoom out" onClick={() => setView((v) => zoomCentre(v, 1 / ZOOM_STEP, fit))}>−</button>
        <button type="button" onClick={() => setView(IDENTITY)}>Reset zoom</button>
        <span className="viewer-hint">
          <span aria-hidden={!!hover}>wheel or +/− to zoom, drag or arrows to pan, 0 to reset</span>
          <span data-testid="viewer-pixel">{hover ? `pixel (${hover[0]}, ${hover[1]})` : ''}</span>
        </span>
      </div>
      <div
        className="viewer" data-testid="viewer" tabIndex={0} role="group"
        aria-label="Panes: + and − zoom, arrows pan, 0 resets"
        data-zoom={view.zoom} data-x={view.x} data-y={view.y}
        onKeyDown={(e) => {
          if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
          const v = viewForKey(view, e.key, fit);
          if (!v) return;
          e.preventDefault(); // arrows pan the picture, not the page
          setView(v);
        }}
      >
        {panes.map((p) => (
          <Pane key={p.key} name={p.name} detail={p.detail} hover={pixel !== undefined && p.picture ? p.describe?.(pixel) : undefined}
            picture={p.picture} placeholder={p.picture ? undefined : p.placeholder} testId={p.prediction ? 'prediction-pane' : `pane-${p.key}`}
            fit={fit} view={view} onView={setView} onHover={setHover} />
        ))}
      </div>
      {hidden.length > 0 && (
        <p className="viewer-note" data-testid="viewer-hidden">
          Not shown ({MAX_PREDICTION_PANES} prediction panes at most, this run included): {hidden.join(', ')}. Deselect a compared run to see it.
        </p>
      )}
      <div className="legends">
        <ul className="legend" aria-label="Legend">
          {classes?.map((c) => <li key={c.name}>{swatch(c.color)}{c.name}</li>)}
        </ul>
        {show === 'errors' && predicted && (
          <ul className="legend error-legend" aria-label="Error map colours">
            {errorKindsFor(background).map((k) => <li key={k}>{swatch(ERROR_COLORS[k])}{ERROR_LABELS[k]}</li>)}
            <li><span className="swatch clear" />correct or unlabelled: image shows through</li>
          </ul>
        )}
        {share !== undefined && (
          <ul className="legend" aria-label="Disagreement map colours">
            <li>{swatch(DISAGREE_COLOR)}runs disagree ({(100 * share).toFixed(1)} % of pixels)</li>
            <li><span className="swatch clear" />all agree: image shows through</li>
          </ul>
        )}
      </div>
      <ThumbnailList />
    </section>
  );
}
