/**
 * @file The model's help. *Propose*: the current run's prediction for this image, as an editable
 * mask to correct and accept. *Label next*: the unlabelled images ordered by the run's mean pixel
 * entropy (least sure first), and the first one opened. *Similar patches*: a click selects every
 * patch whose encoder feature (the feature lens's output) is at least `threshold` cosine-similar to
 * the clicked one, snapped to superpixels and painted with the active class; sliding the threshold
 * redoes the last selection.
 */
import { useRef, useState } from 'react';
import { orderByEntropy } from '../../label/entropy';
import { similarPatches } from '../../label/similar';
import { useLab } from '../lab';
import { trainer } from '../worker-client';
import type { PhotoFeatures, PhotoPixels } from '../../worker/api';
import { labelWorker } from './label-worker';
import { LABEL_MAX_PIXELS } from './store';
import { useBusy } from './useBusy';
import { useLabel } from './useLabel';
import { paintSelected } from './paint';

const rgbOf = (p: { width: number; height: number; rgba: Uint8ClampedArray }): PhotoPixels => {
  const n = p.width * p.height, rgb = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) { rgb[3 * i] = p.rgba[4 * i]; rgb[3 * i + 1] = p.rgba[4 * i + 1]; rgb[3 * i + 2] = p.rgba[4 * i + 2]; }
  return { width: p.width, height: p.height, rgb };
};

/** The run must predict this workspace's classes, else its ids would mean other things. */
function checkClasses(classes: number) {
  const mine = useLabel.getState().ws.classes.length;
  if (classes !== mine) throw new Error(`the run predicts ${classes} classes; this workspace has ${mine}: train on the labelled images first (Use for training, then Start)`);
}

export function useSimilar() {
  const [threshold, setThresholdState] = useState(0.6);
  const [note, setNote] = useState<string>();
  const features = useRef<{ id: string; f: PhotoFeatures }>(undefined);
  const last = useRef<{ id: string; x: number; y: number; revision: number }>(undefined);
  const report = useLab((s) => s.reportError);

  const apply = async (x: number, y: number, t: number) => {
    const s = useLabel.getState(), photo = s.photo;
    if (!photo) return;
    if (features.current?.id !== photo.id) {
      setNote('computing the patch features…');
      features.current = { id: photo.id, f: await trainer().photoFeatures(rgbOf(photo), useLab.getState().config.crop) };
    }
    const sp = await s.ensureSuperpixels();
    const f = features.current.f;
    if (!sp || useLabel.getState().photo?.id !== photo.id) return;
    const gx = Math.min(f.grid - 1, Math.floor((x / photo.width) * f.grid)), gy = Math.min(f.grid - 1, Math.floor((y / photo.height) * f.grid));
    const patches = similarPatches(f.features, f.dim, gy * f.grid + gx, t);
    const pixels = await labelWorker().snap(patches, f.grid, sp.regions, photo.width, photo.height);
    if (useLabel.getState().photo?.id !== photo.id) return;
    const value = useLabel.getState().activeClass;
    useLabel.getState().edit((mask, w) => paintSelected(mask, w, pixels, value));
    last.current = { id: photo.id, x, y, revision: useLabel.getState().revision };
    setNote(`${patches.reduce((a, b) => a + b, 0)} of ${patches.length} patches at cosine ≥ ${t.toFixed(2)} (${f.label})`);
  };

  return {
    threshold, note,
    pick: (x: number, y: number) => void apply(x, y, threshold).catch((e) => { setNote(undefined); report(e); }),
    setThreshold: (t: number) => {
      setThresholdState(t);
      const l = last.current, s = useLabel.getState();
      // the last selection is redone at the new threshold when nothing was edited since
      if (l && s.photo?.id === l.id && s.revision === l.revision) {
        s.undo();
        void apply(l.x, l.y, t).catch(report);
      }
    },
  };
}

export function ModelPanel({ similar }: { similar: ReturnType<typeof useSimilar> }) {
  const proposed = useLabel((s) => !!s.photo && s.proposed.has(s.photo.id));
  const hasPhoto = useLabel((s) => !!s.photo);
  const { busy, setBusy, run } = useBusy();
  const [order, setOrder] = useState<{ name: string; entropy: number }[]>();

  const propose = run('predicting…', async () => {
    const photo = useLabel.getState().photo;
    if (!photo) return;
    const p = await trainer().proposeFor(rgbOf(photo));
    checkClasses(p.classes);
    if (useLabel.getState().photo?.id === photo.id) useLabel.getState().propose(p.prediction);
  });

  const labelNext = run('ranking the unlabelled images…', async () => {
    const { ws, labelled, readBytes } = useLabel.getState();
    const scored = [];
    for (const image of ws.images.filter((im) => !labelled.has(im.id))) {
      setBusy(`ranking: ${image.name}…`);
      const photo = await labelWorker().decode(await readBytes(image), image.name, LABEL_MAX_PIXELS);
      const p = await trainer().proposeFor(rgbOf(photo));
      checkClasses(p.classes);
      scored.push({ id: image.id, name: image.name, entropy: p.entropy });
    }
    const ranked = orderByEntropy(scored);
    setOrder(ranked);
    const first = ranked[0] && useLabel.getState().ws.images.findIndex((im) => im.id === ranked[0].id);
    if (first !== undefined && first >= 0) await useLabel.getState().select(first);
  });

  return (
    <fieldset className="label-model">
      <legend>The model's help</legend>
      <button type="button" className="secondary" data-testid="label-propose" disabled={!hasPhoto || !!busy} onClick={propose}>Propose a mask</button>
      <button type="button" className="secondary" data-testid="label-accept" disabled={!proposed} onClick={() => useLabel.getState().acceptProposal()}>Accept the proposal</button>
      <button type="button" className="secondary" data-testid="label-next-uncertain" disabled={!!busy} onClick={labelNext}>Label next (least sure first)</button>
      {proposed && <p className="label-note">A proposal: correct it with the tools, then accept it.</p>}
      {order && (
        <ol className="label-order" aria-label="Unlabelled images, least sure first">
          {order.map((o) => <li key={o.name}>{o.name} <small>{o.entropy.toFixed(3)} nats</small></li>)}
        </ol>
      )}
      <label>Similarity threshold <input type="range" min={0} max={1} step={0.01} value={similar.threshold} onChange={(e) => similar.setThreshold(e.target.valueAsNumber)}
        aria-valuetext={`cosine ${similar.threshold.toFixed(2)}`} /> {similar.threshold.toFixed(2)}</label>
      {similar.note && <p className="label-note" role="status">{similar.note}</p>}
      {busy && <p role="status">{busy}</p>}
    </fieldset>
  );
}
