/**
 * @file One viewer pane: a canvas that draws its picture (RGBA from src/ui/viewer/composite)
 * letterboxed in its square (the aspect ratio kept, src/ui/viewer/fit) under the shared zoom/pan
 * view, zooms about the pointer on the wheel, pans on drag, and reports the image pixel under the pointer.
 */
import { useEffect, useMemo, useRef } from 'react';
import { pixelAt, type Fit } from '../../viewer/fit';
import { pan, wheelFactor, zoomAt, type View } from '../../viewer/zoom';

/** Canvas size in canvas pixels (the CSS size scales it; zoom math works in these units). */
export const CANVAS = 256;

export interface Picture {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
}

/**
 * `name` and `detail` label the figure and its canvas ("This run: demo · demo", "mIoU 45.2 %");
 * `hover` (what is under the pointer) is shown in the caption only, so the name stays stable.
 * `fit` places the picture in the canvas (every pane shows the same image, so the viewer computes it once).
 */
export function Pane({ name, detail, hover, picture, fit, view, onView, onHover, placeholder, testId }: {
  name: string; detail?: string; hover?: string; picture?: Picture; fit: Fit; placeholder?: string; testId?: string;
  view: View; onView: (update: (v: View) => View) => void; onHover: (xy?: [number, number]) => void;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  // the wheel listener is added with the canvas (non-passive, so it can stop the page scrolling);
  // views are updated as functions of the previous one, so quick wheel events never start from a stale view
  const onViewRef = useRef(onView);
  onViewRef.current = onView;

  // the picture's pixels go into an offscreen canvas once per picture; a pan or zoom only redraws it under the new transform
  const offscreen = useMemo(() => picture && pictureCanvas(picture), [picture]);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !offscreen) return;
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, CANVAS, CANVAS);
    ctx.setTransform(view.zoom, 0, 0, view.zoom, view.x, view.y);
    ctx.drawImage(offscreen, fit.left, fit.top, fit.width, fit.height);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
  }, [offscreen, view, fit]);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault(); // zoom the picture, not scroll the page
      const at = toCanvas(canvas, e), factor = wheelFactor(e.deltaY, e.deltaMode);
      onViewRef.current((v) => zoomAt(v, at, factor, fit));
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [picture, fit]);

  return (
    <figure className="pane" data-testid={testId}>
      <figcaption>
        <span className="pane-name" title={name}>{name}</span>
        {detail && <> <span className="pane-detail">{detail}</span></>}
        {' '}<span className="pane-hover">{hover}</span>
      </figcaption>
      {picture ? (
        <canvas
          ref={ref} width={CANVAS} height={CANVAS} aria-label={detail ? `${name}, ${detail}` : name} role="img"
          onPointerDown={(e) => { drag.current = { x: e.clientX, y: e.clientY }; e.currentTarget.setPointerCapture?.(e.pointerId); }}
          onPointerUp={() => (drag.current = null)}
          onPointerCancel={() => (drag.current = null)}
          onPointerLeave={() => onHover(undefined)}
          onPointerMove={(e) => {
            onHover(pixelAt(view, toCanvas(e.currentTarget, e), fit));
            if (!drag.current) return;
            const k = CANVAS / e.currentTarget.getBoundingClientRect().width; // CSS px → canvas px
            const dx = (e.clientX - drag.current.x) * k, dy = (e.clientY - drag.current.y) * k;
            onView((v) => pan(v, dx, dy, fit));
            drag.current = { x: e.clientX, y: e.clientY };
          }}
        />
      ) : (
        <div className="placeholder" data-testid="pane-placeholder">{placeholder ?? 'not available yet'}</div>
      )}
    </figure>
  );
}

/** The picture as an offscreen canvas (its RGBA copied once: ImageData needs an unshared buffer of its own). */
function pictureCanvas(picture: Picture): OffscreenCanvas {
  const off = new OffscreenCanvas(picture.width, picture.height);
  off.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(picture.rgba), picture.width, picture.height), 0, 0);
  return off;
}

/** A pointer position in canvas pixels. */
function toCanvas(canvas: HTMLCanvasElement, e: { clientX: number; clientY: number }): [number, number] {
  const r = canvas.getBoundingClientRect();
  return [((e.clientX - r.left) / r.width) * CANVAS, ((e.clientY - r.top) / r.height) * CANVAS];
}
