/**
 * @file Side-by-side viewer: image, ground truth, this run's prediction, a second run's
 * prediction and an error map, with one zoom/pan for all panes (wheel about the pointer, drag,
 * +/− buttons, keys), an overlay opacity (0 = image only, 1 = mask opaque), the class under the
 * pointer, legends, and every validation image through a paged thumbnail list.
 */
import { useMemo, useState } from 'react';
import { useLab } from '../lab';
import { ERROR_COLORS, ERROR_LABELS, backgroundIndex, errorKindsFor, paintErrors, paintImage, paintMask, type Rgb } from '../viewer/composite';
import { IDENTITY, ZOOM_STEP, viewForKey, zoomCentre, type View } from '../viewer/zoom';
import { CANVAS, Pane, type Picture } from './viewer/Pane';
import { ThumbnailList } from './viewer/ThumbnailList';
import './viewer.css';

const swatch = (c: Rgb) => <span className="swatch" style={{ background: `rgb(${c.join(',')})` }} />;

export function Viewer() {
  const pred = useLab((s) => s.prediction);
  const comparison = useLab((s) => s.comparison);
  const classes = useLab((s) => s.dataset?.classes);
  const [view, setView] = useState<View>(IDENTITY);
  const [overlay, setOverlay] = useState(0.7);
  const [hover, setHover] = useState<[number, number]>();
  const colors = useMemo(() => (classes ?? []).map((c) => c.color as Rgb), [classes]);
  const background = useMemo(() => backgroundIndex((classes ?? []).map((c) => c.name)), [classes]);
  // before any run the worker sends the image and ground truth with an empty prediction (all 255)
  const predicted = useMemo(() => !!pred && pred.prediction.some((v) => v !== 255), [pred]);
  const pictures = useMemo(() => {
    if (!pred) return {};
    const of = (rgba: Uint8ClampedArray): Picture => ({ width: pred.width, height: pred.height, rgba });
    return {
      image: of(paintImage(pred.image)),
      label: of(paintMask(pred.image, pred.label, colors, overlay)),
      prediction: predicted ? of(paintMask(pred.image, pred.prediction, colors, overlay)) : undefined,
      second: comparison ? of(paintMask(pred.image, comparison.prediction, colors, overlay)) : undefined,
      errors: predicted ? of(paintErrors(pred.image, pred.label, pred.prediction, background, overlay)) : undefined,
    };
  }, [pred, comparison, colors, overlay, predicted, background]);
  const name = (ids?: Uint8Array) => {
    if (!hover || !ids || !pred) return '';
    const k = ids[hover[1] * pred.width + hover[0]];
    return k === 255 ? 'ignore' : classes?.[k]?.name ?? `class ${k}`;
  };
  const noPrediction = pred && !predicted ? 'No prediction yet: press Start' : undefined;
  const panes: { key: string; title: string; picture?: Picture; placeholder?: string }[] = [
    { key: 'image', title: 'Image', picture: pictures.image },
    { key: 'label', title: `Ground truth ${name(pred?.label)}`, picture: pictures.label },
    { key: 'prediction', title: `This run ${name(predicted ? pred?.prediction : undefined)}`, picture: pictures.prediction, placeholder: noPrediction },
    {
      key: 'second', title: comparison ? `Second run ${name(comparison.prediction)}` : 'Second run', picture: pictures.second,
      placeholder: 'Choose a second run: press Compare on a saved run, or import a trained model under Saved runs',
    },
    { key: 'errors', title: 'Errors of this run', picture: pictures.errors, placeholder: noPrediction },
  ];
  return (
    <section className="viewer-wrap" aria-label="Predictions">
      <div className="viewer-tools">
        <label>Overlay opacity <input type="range" min={0} max={1} step={0.05} value={overlay} onChange={(e) => setOverlay(e.target.valueAsNumber)}
          aria-valuetext={overlay === 0 ? 'image only' : `${Math.round(overlay * 100)}% mask`} /></label>
        <button type="button" aria-label="Zoom in" onClick={() => setView((v) => zoomCentre(v, ZOOM_STEP, CANVAS))}>+</button>
        <button type="button" aria-label="Zoom out" onClick={() => setView((v) => zoomCentre(v, 1 / ZOOM_STEP, CANVAS))}>−</button>
        <button type="button" onClick={() => setView(IDENTITY)}>Reset zoom</button>
        <span className="viewer-hint" aria-live="off">
          {hover ? `pixel (${hover[0]}, ${hover[1]})` : 'wheel or +/− to zoom, drag or arrows to pan, 0 to reset'}
        </span>
      </div>
      <div
        className="viewer" data-testid="viewer" tabIndex={0} role="group"
        aria-label="Panes: + and − zoom, arrows pan, 0 resets"
        data-zoom={view.zoom} data-x={view.x} data-y={view.y}
        onKeyDown={(e) => {
          if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
          const v = viewForKey(view, e.key, CANVAS);
          if (!v) return;
          e.preventDefault(); // arrows pan the picture, not the page
          setView(v);
        }}
      >
        {panes.map((p) => (
          <Pane key={p.key} title={p.title} picture={p.picture} placeholder={p.picture ? undefined : p.placeholder}
            view={view} onView={setView} onHover={setHover} />
        ))}
      </div>
      <div className="legends">
        <ul className="legend" aria-label="Legend">
          {classes?.map((c) => <li key={c.name}>{swatch(c.color)}{c.name}</li>)}
        </ul>
        {predicted && (
          <ul className="legend error-legend" aria-label="Error map colours">
            {errorKindsFor(background).map((k) => <li key={k}>{swatch(ERROR_COLORS[k])}{ERROR_LABELS[k]}</li>)}
            <li><span className="swatch clear" />correct or unlabelled: image shows through</li>
          </ul>
        )}
      </div>
      <ThumbnailList />
    </section>
  );
}
