/**
 * @file The labelling workspace (issue 21): a full-window dialog opened from step 2 "Data". Photos
 * come from files, a folder, a drop anywhere on it or the camera; the side panel holds the images,
 * the classes, the model's help and the dataset actions; the canvas and its tools fill the rest.
 * Shortcuts (./shortcuts) work anywhere in it except while typing in a field.
 */
import { useCallback, useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { Errors } from '../components/Errors';
import { droppedFolderEntries, walkEntries } from '../drop';
import { useLab } from '../lab';
import { Camera } from './Camera';
import { ClassList } from './ClassList';
import { DatasetActions } from './DatasetActions';
import { Help, HELP_ID } from './Help';
import { ImagePanel, PHOTO, Progress, addPicked } from './ImagePanel';
import { LabelCanvas } from './LabelCanvas';
import { endLabelWorker } from './label-worker';
import { ModelPanel, useSimilar } from './ModelPanel';
import { commandFor } from './shortcuts';
import { Toolbar } from './Toolbar';
import { useLabel } from './useLabel';
import { IDENTITY, clampView, zoomAt, type View } from './view';
import './label.css';

/** Typing in these keeps its keys (a class name may contain "b"; Ctrl+Z there undoes the typing). */
const typing = (t: EventTarget) => t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLInputElement && !['range', 'checkbox', 'button'].includes(t.type));

export function LabelWorkspace() {
  const open = useLabel((s) => s.open);
  const ready = useLabel((s) => s.ready);
  const busy = useLabel((s) => s.busy);
  const saving = useLabel((s) => s.saving);
  const unsaved = useLabel((s) => s.unsaved);
  const photo = useLabel((s) => s.photo);
  const report = useLab((s) => s.reportError);
  const dialog = useRef<HTMLDialogElement>(null);
  const [view, setView] = useState<View>(IDENTITY);
  const [camera, setCamera] = useState(false);
  const similar = useSimilar();

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      void useLabel.getState().load();
    }
    if (!open && d.open) d.close();
  }, [open]);
  useEffect(() => setView(IDENTITY), [photo?.id]);

  const close = () => {
    setCamera(false);
    useLabel.getState().setOpen(false);
    // the worker holds the saves in flight: it ends once they are written
    void useLabel.getState().saved().then(() => !useLabel.getState().open && endLabelWorker());
  };

  const zoom = useCallback((factor: number | 'reset') => setView((v) => (factor === 'reset' ? IDENTITY : zoomAt(v, 0.5, 0.5, factor))), []);
  const onView = useCallback((f: (v: View) => View) => setView((v) => clampView(f(v))), []);

  const onKey = (e: KeyboardEvent) => {
    if (typing(e.target)) return;
    const c = commandFor(e);
    if (!c) return;
    e.preventDefault();
    const s = useLabel.getState();
    switch (c.kind) {
      case 'tool': return s.setTool(c.tool);
      case 'class': return c.index < s.ws.classes.length && s.setActiveClass(c.index);
      case 'undo': return s.undo();
      case 'redo': return s.redo();
      case 'brush': return s.setBrushSize(Math.max(1, Math.min(200, Math.round(s.brushSize * c.factor) + (c.factor > 1 ? 1 : 0))));
      case 'outline': return void s.setOutline(!s.outline);
      case 'image': return void s.select(s.current + c.step);
      case 'zoom': return zoom(c.factor);
      case 'zoom-reset': return zoom('reset');
      case 'help': return document.getElementById(HELP_ID)?.togglePopover();
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const folder = droppedFolderEntries(e.dataTransfer); // read now: the items are gone after this handler
    if (!folder) return void addPicked(e.dataTransfer.files);
    walkEntries(folder).then((files) => addPicked(files.filter((f) => PHOTO.test(f.path)).map((f) => f.file)), report);
  };

  return (
    <dialog ref={dialog} className="label-workspace" aria-labelledby="label-title" onKeyDown={onKey}
      onCancel={(e) => { e.preventDefault(); close(); }} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      {open && (
        <>
          <header className="label-header">
            <h2 id="label-title">Label your own images</h2>
            <Progress />
            <span className="label-status" role="status" data-testid="label-status">
              {busy ?? (saving ? 'saving…' : unsaved.length ? `not saved: ${unsaved.join(', ')} (export to keep)` : ready ? 'all changes saved in this browser' : 'opening…')}
            </span>
            <Help />
            <button type="button" className="secondary" data-testid="label-close" onClick={close}>Close</button>
          </header>
          <Errors />
          <div className="label-body">
            <div className="label-side">
              <ImagePanel />
              <button type="button" className="secondary" data-testid="label-camera" aria-expanded={camera} onClick={() => setCamera((c) => !c)}>
                {camera ? 'Hide the camera' : 'Take photos with the camera'}
              </button>
              {camera && <Camera onClose={() => setCamera(false)} />}
              <ClassList />
              <ModelPanel similar={similar} />
              <DatasetActions onUsed={close} />
            </div>
            <div className="label-main">
              <Toolbar onZoom={zoom} />
              <div className="label-stage">
                {photo ? (
                  <LabelCanvas view={view} onView={onView} onSimilar={similar.pick} />
                ) : (
                  <p className="label-empty">{busy ?? 'Add photos to start: pick files or a folder, drop them here, or use the camera.'}</p>
                )}
              </div>
            </div>
          </div>
        </>
      )}
    </dialog>
  );
}
