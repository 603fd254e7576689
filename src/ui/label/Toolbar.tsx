/** @file The tools (brush, eraser, superpixel fill, polygon, similar patches), brush size, opacity, outline, zoom, undo/redo and "fill the rest". */
import { fullBox } from '../../label/box';
import { fillBackground } from '../../label/workspace';
import type { Tool } from './store';
import { useLabel } from './useLabel';
import { ZOOM_STEP } from './view';

const TOOLS: { tool: Tool; label: string; key: string }[] = [
  { tool: 'brush', label: 'Brush', key: 'B' },
  { tool: 'eraser', label: 'Eraser', key: 'E' },
  { tool: 'fill', label: 'Fill superpixel', key: 'F' },
  { tool: 'polygon', label: 'Polygon', key: 'P' },
  { tool: 'similar', label: 'Similar patches', key: 'S' },
];

export function Toolbar({ onZoom }: { onZoom: (factor: number | 'reset') => void }) {
  const tool = useLabel((s) => s.tool);
  const brushSize = useLabel((s) => s.brushSize);
  const opacity = useLabel((s) => s.opacity);
  const outline = useLabel((s) => s.outline);
  // the undo/redo availability itself, not every edit's revision: a brush drag does not re-render the toolbar per pointer move
  const canUndo = useLabel((s) => s.canUndo());
  const canRedo = useLabel((s) => s.canRedo());
  const background = useLabel((s) => s.ws.classes[0]?.name);
  const s = useLabel.getState();
  return (
    <div className="label-toolbar" role="toolbar" aria-label="Labelling tools">
      <span role="group" aria-label="Tool" className="label-tools">
        {TOOLS.map((t) => (
          <button key={t.tool} type="button" className="secondary" data-testid={`label-tool-${t.tool}`} aria-pressed={tool === t.tool}
            aria-keyshortcuts={t.key} title={`${t.label} (${t.key})`} onClick={() => s.setTool(t.tool)}>{t.label}</button>
        ))}
      </span>
      <label>Brush size <input type="range" data-testid="label-brush-size" min={1} max={200} value={brushSize}
        onChange={(e) => s.setBrushSize(e.target.valueAsNumber)} aria-valuetext={`radius ${brushSize} pixels`} /></label>
      <label>Opacity <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => s.setOpacity(e.target.valueAsNumber)}
        aria-valuetext={opacity === 0 ? 'photo only' : `${Math.round(opacity * 100)}% mask`} /></label>
      <label className="check"><input type="checkbox" checked={outline} onChange={(e) => void s.setOutline(e.target.checked)} /> Superpixel outline</label>
      <span role="group" aria-label="Zoom">
        <button type="button" className="secondary" aria-label="Zoom in" onClick={() => onZoom(ZOOM_STEP)}>+</button>
        <button type="button" className="secondary" aria-label="Zoom out" onClick={() => onZoom(1 / ZOOM_STEP)}>−</button>
        <button type="button" className="secondary" onClick={() => onZoom('reset')}>Fit</button>
      </span>
      <span role="group" aria-label="History">
        <button type="button" className="secondary" data-testid="label-undo" disabled={!canUndo} aria-keyshortcuts="Control+Z" onClick={() => s.undo()}>Undo</button>
        <button type="button" className="secondary" data-testid="label-redo" disabled={!canRedo} aria-keyshortcuts="Control+Shift+Z" onClick={() => s.redo()}>Redo</button>
      </span>
      <button type="button" className="secondary" data-testid="label-fill-background" title="Every unlabelled pixel of this image becomes class 0"
        onClick={() => s.edit((mask, w, h) => (fillBackground(mask) ? fullBox(w, h) : { x0: 0, y0: 0, x1: 0, y1: 0 }))}>
        Fill the rest with {background || 'class 0'}
      </button>
    </div>
  );
}
