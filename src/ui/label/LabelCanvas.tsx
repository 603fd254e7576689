/**
 * @file The labelling canvas: the photo, the mask over it at the chosen opacity, the superpixel
 * outline on demand and the polygon being drawn, under one zoom/pan. The left button uses the
 * tool; the wheel zooms about the pointer; the middle or right button, or a drag with Space held,
 * pans. Pixels are repainted only in the box an edit touched.
 */
import { useEffect, useMemo, useRef, useState, type PointerEvent, type RefObject } from 'react';
import { fillPolygonMask } from '../../label/polygon';
import { fillRegion } from '../../label/flood';
import { paintOverlay, outlineRgba } from './overlay';
import { useLabel } from './useLabel';
import { fitSize, pan, toPhoto, wheelFactor, zoomAt, type View } from './view';

const offscreen = (width: number, height: number, rgba?: Uint8ClampedArray) => {
  const c = new OffscreenCanvas(width, height);
  if (rgba) c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return c;
};

export function LabelCanvas({ view, onView, onSimilar }: { view: View; onView: (f: (v: View) => View) => void; onSimilar: (x: number, y: number) => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const photo = useLabel((s) => s.photo);
  const superpixels = useLabel((s) => s.superpixels);
  const revision = useLabel((s) => s.revision);
  const opacity = useLabel((s) => s.opacity);
  const outline = useLabel((s) => s.outline);
  const tool = useLabel((s) => s.tool);
  const brushSize = useLabel((s) => s.brushSize);
  const classes = useLabel((s) => s.ws.classes);
  const [points, setPoints] = useState<number[]>([]);
  const [hover, setHover] = useState<{ x: number; y: number }>();
  const drag = useRef<{ mode: 'paint' | 'pan'; x: number; y: number } | null>(null);
  const space = useRef(false);
  const box = useStageSize(ref);
  // CSS size: the photo fitted to the stage; backing store: that times the device's pixel ratio (crisp outlines)
  const css = photo ? fitSize(photo, box.width, box.height) : { width: 1, height: 1 };
  const size = { width: Math.round(css.width * devicePixelRatio), height: Math.round(css.height * devicePixelRatio) };

  const photoCanvas = useMemo(() => photo && offscreen(photo.width, photo.height, photo.rgba), [photo]);
  // the mask layer: its RGBA kept beside the canvas so that an edit rewrites only its box
  const layer = useMemo(() => photo && { canvas: offscreen(photo.width, photo.height), rgba: new Uint8ClampedArray(photo.width * photo.height * 4) }, [photo]);
  const outlineCanvas = useMemo(() => photo && superpixels?.id === photo.id ? offscreen(photo.width, photo.height, outlineRgba(superpixels.edges)) : undefined, [photo, superpixels]);

  // a new tool, image or class drops the polygon being drawn
  useEffect(() => setPoints([]), [photo, tool]);

  // repaints what changed: everything for a new layer or new colours, else the boxes edited since the last paint
  const painted = useRef<{ layer?: unknown; classes?: unknown }>({});
  useEffect(() => {
    const { masks, takeDirty } = useLabel.getState();
    const mask = photo && masks.get(photo.id);
    if (!photo || !layer || !mask) return;
    const dirty = takeDirty();
    const all = dirty === 'all' || painted.current.layer !== layer || painted.current.classes !== classes;
    painted.current = { layer, classes };
    const box = all ? { x0: 0, y0: 0, x1: photo.width, y1: photo.height } : dirty;
    paintOverlay(layer.rgba, mask, photo.width, box, classes.map((c) => c.color));
    const w = box.x1 - box.x0, h = box.y1 - box.y0;
    if (w > 0 && h > 0) layer.canvas.getContext('2d')!.putImageData(new ImageData(layer.rgba, photo.width, photo.height), 0, 0, box.x0, box.y0, w, h);
  }, [revision, layer, photo, classes]);

  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, size.width, size.height);
    if (!photo || !photoCanvas || !layer) return;
    ctx.setTransform(view.zoom, 0, 0, view.zoom, view.x * size.width, view.y * size.height);
    // a photo shown smaller than it is is smoothed; magnified, its pixels (and the mask's, always) stay sharp squares
    ctx.imageSmoothingEnabled = photo.width > size.width * view.zoom;
    ctx.drawImage(photoCanvas, 0, 0, size.width, size.height);
    ctx.imageSmoothingEnabled = false;
    ctx.globalAlpha = opacity;
    ctx.drawImage(layer.canvas, 0, 0, size.width, size.height);
    ctx.globalAlpha = 1;
    if (outline && outlineCanvas) ctx.drawImage(outlineCanvas, 0, 0, size.width, size.height);
    const k = size.width / photo.width; // photo px → canvas px at zoom 1
    if (points.length) {
      ctx.beginPath();
      for (let i = 0; i < points.length; i += 2) ctx.lineTo(points[i] * k, points[i + 1] * k);
      if (hover) ctx.lineTo(hover.x * k, hover.y * k);
      ctx.strokeStyle = '#fff';
      ctx.lineWidth = (2 * devicePixelRatio) / view.zoom;
      ctx.stroke();
    }
    if (hover && (tool === 'brush' || tool === 'eraser')) {
      ctx.beginPath();
      ctx.arc(hover.x * k, hover.y * k, brushSize * k, 0, 2 * Math.PI);
      ctx.strokeStyle = tool === 'eraser' ? '#fff' : '#000';
      ctx.lineWidth = (1.5 * devicePixelRatio) / view.zoom;
      ctx.stroke();
    }
  }, [view, photo, photoCanvas, layer, revision, opacity, outline, outlineCanvas, points, hover, tool, brushSize, size.width, size.height]);

  // the wheel listener is not passive, so it can keep the page from scrolling while zooming
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const [u, v] = toCanvas(canvas, e);
      onView((view) => zoomAt(view, u, v, wheelFactor(e.deltaY, e.deltaMode)));
    };
    canvas.addEventListener('wheel', onWheel, { passive: false });
    return () => canvas.removeEventListener('wheel', onWheel);
  }, [onView, photo]);

  const at = (e: { clientX: number; clientY: number }) => {
    const [u, v] = toCanvas(ref.current!, e);
    return toPhoto(view, u, v, photo!);
  };

  const closePolygon = () => {
    if (points.length >= 6) {
      const value = useLabel.getState().activeClass;
      useLabel.getState().edit((mask, w, h) => fillPolygonMask(mask, w, h, points, value));
    }
    setPoints([]);
  };

  const onDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!photo) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    if (e.button !== 0 || space.current) {
      drag.current = { mode: 'pan', x: e.clientX, y: e.clientY };
      return;
    }
    const p = at(e);
    const s = useLabel.getState();
    if (tool === 'brush' || tool === 'eraser') {
      drag.current = { mode: 'paint', x: e.clientX, y: e.clientY };
      s.strokeStart(p);
    } else if (tool === 'fill') {
      void s.ensureSuperpixels().then((sp) => {
        const value = useLabel.getState().activeClass;
        if (sp) useLabel.getState().edit((mask, w, h) => fillRegion(mask, w, h, sp.regions, Math.floor(p.x), Math.floor(p.y), value));
      });
    } else if (tool === 'polygon') {
      if (e.detail >= 2) closePolygon(); // a double click closes (its first click added the last point)
      else setPoints((pts) => [...pts, p.x, p.y]);
    } else if (tool === 'similar') {
      onSimilar(p.x, p.y);
    }
  };

  const onMove = (e: PointerEvent<HTMLCanvasElement>) => {
    if (!photo) return;
    const p = at(e);
    setHover(p);
    const d = drag.current;
    if (!d) return;
    if (d.mode === 'paint') {
      useLabel.getState().strokeTo(p);
    } else {
      const r = ref.current!.getBoundingClientRect();
      onView((v) => pan(v, (e.clientX - d.x) / r.width, (e.clientY - d.y) / r.height));
      drag.current = { ...d, x: e.clientX, y: e.clientY };
    }
  };

  const onUp = () => {
    if (drag.current?.mode === 'paint') useLabel.getState().strokeEnd();
    drag.current = null;
  };

  return (
    <canvas
      ref={ref} width={size.width} height={size.height} style={css} data-testid="label-canvas" className={`label-canvas tool-${tool}`}
      tabIndex={0} role="img"
      aria-label={photo ? `Photo ${photo.width}×${photo.height} with its labels; ${tool} tool. Press ? for the keyboard shortcuts.` : 'No photo yet'}
      aria-describedby="label-help-summary"
      data-zoom={view.zoom}
      onPointerDown={onDown} onPointerMove={onMove} onPointerUp={onUp} onPointerCancel={onUp}
      onPointerLeave={() => setHover(undefined)}
      onContextMenu={(e) => e.preventDefault()}
      onKeyDown={(e) => {
        if (e.key === ' ') { space.current = true; e.preventDefault(); }
        if (tool === 'polygon' && e.key === 'Enter') { e.preventDefault(); closePolygon(); }
        if (tool === 'polygon' && e.key === 'Escape' && points.length) { e.preventDefault(); e.stopPropagation(); setPoints([]); } // the dialog stays open
        if (tool === 'polygon' && e.key === 'Backspace') setPoints((pts) => pts.slice(0, -2));
      }}
      onKeyUp={(e) => { if (e.key === ' ') space.current = false; }}
    />
  );
}

/** A pointer's position as fractions of the canvas's width and height. */
function toCanvas(canvas: HTMLCanvasElement, e: { clientX: number; clientY: number }): [number, number] {
  const r = canvas.getBoundingClientRect();
  return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
}

/** The room the canvas's parent (the stage) offers, in CSS pixels, followed as the window resizes. */
function useStageSize(canvas: RefObject<HTMLCanvasElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 640, height: 480 });
  useEffect(() => {
    const stage = canvas.current?.parentElement;
    if (!stage) return;
    // a stage sized by its content (phones) offers its max-height; otherwise its own height
    const measure = () => {
      const max = parseFloat(getComputedStyle(stage).maxHeight);
      setSize({ width: Math.max(64, stage.clientWidth), height: Math.max(64, Number.isFinite(max) ? max : stage.clientHeight) });
    };
    const observer = new ResizeObserver(measure);
    observer.observe(stage);
    measure();
    return () => observer.disconnect();
  }, [canvas]);
  return size;
}
