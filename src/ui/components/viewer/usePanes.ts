/**
 * @file The viewer's panes as data: image, ground truth, this run and each compared run (named,
 * with their mIoU; each run's mask or its error map), and the disagreement map of the shown
 * predictions. Pixels are painted by the pure functions of src/ui/viewer/composite.
 */
import { useMemo, useRef } from 'react';
import type { Prediction } from '../../../worker/api';
import { useLab } from '../../lab';
import { isActive } from '../../store/slices';
import { backgroundIndex, disagreement, paintDisagreement, paintErrors, paintImage, paintMask, IGNORE, type Rgb } from '../../viewer/composite';
import { compareCapacity, formatMIoU, hasPrediction, ownPane, runNamer, thisRunOf } from '../../viewer/panes';
import type { Picture } from './Pane';

export type Show = 'predictions' | 'errors';

export interface PaneSpec {
  key: string;
  /** Who drew it ("Ground truth", "This run: demo ViT · demo"). */
  name: string;
  /** A run's mIoU ("mIoU 45.2 %"). */
  detail?: string;
  picture?: Picture;
  placeholder?: string;
  /** What the pixel under the pointer is, for the caption. */
  describe?: (pixel: number) => string;
  /** A run's prediction pane (this run or a compared one). */
  prediction?: boolean;
}

export function usePanes(show: Show, overlay: number) {
  const pred = useLab((s) => s.prediction);
  const comparisons = useLab((s) => s.comparisons);
  const compareRunIds = useLab((s) => s.compareRunIds);
  const runs = useLab((s) => s.runs);
  const runId = useLab((s) => s.runId);
  const active = useLab((s) => isActive(s.runState));
  const lastEval = useLab((s) => s.evals.at(-1)?.mIoU);
  const classes = useLab((s) => s.dataset?.classes);
  const colors = useMemo(() => (classes ?? []).map((c) => c.color as Rgb), [classes]);
  const background = useMemo(() => backgroundIndex((classes ?? []).map((c) => c.name)), [classes]);
  const pictures = useRef(new Map<string, { inputs: unknown[]; picture: Picture }>());

  return useMemo(() => {
    // a pane's picture is repainted only when what it shows changes, not when the runs are listed again
    // or a run is renamed; the same picture object also keeps the pane's offscreen canvas
    const used = new Set<string>();
    const painted = (key: string, inputs: unknown[], paint: () => Uint8ClampedArray): Picture => {
      used.add(key);
      const had = pictures.current.get(key);
      if (had && had.inputs.length === inputs.length && had.inputs.every((x, i) => Object.is(x, inputs[i]))) return had.picture;
      const picture = of(paint());
      pictures.current.set(key, { inputs, picture });
      return picture;
    };
    const className = (k: number) => (k === IGNORE ? 'ignore' : classes?.[k]?.name ?? `class ${k}`);
    const predicted = hasPrediction(pred);
    const own = ownPane({ prediction: pred, runs, runId, active }, compareRunIds);
    const cap = compareCapacity(own);
    // a compared run's prediction is shown only for the image on screen (a reply for the previous one is stale)
    const compared = compareRunIds.slice(0, cap).map((id) => ({ id, run: runs.find((r) => r.id === id), p: comparisons[id]?.index === pred?.index ? comparisons[id] : undefined }));
    const nameOf = runNamer(runs);
    const hidden = compareRunIds.slice(cap).map(nameOf);
    if (!pred) return { panes: [] as PaneSpec[], hidden, share: undefined, predicted };
    const of = (rgba: Uint8ClampedArray): Picture => ({ width: pred.width, height: pred.height, rgba });
    const runPane = (key: string, name: string, mIoU: number | undefined, p: Prediction | undefined, placeholder: string): PaneSpec => ({
      key, name, detail: `mIoU ${formatMIoU(mIoU)}`, prediction: true, placeholder,
      picture: p && painted(key, [pred, p.prediction, show, background, colors, overlay],
        () => (show === 'errors' ? paintErrors(pred.image, pred.label, p.prediction, background, overlay) : paintMask(pred.image, p.prediction, colors, overlay))),
      describe: p && ((i) => className(p.prediction[i])),
    });

    const panes: PaneSpec[] = [
      { key: 'image', name: 'Image', picture: painted('image', [pred], () => paintImage(pred.image)) },
      { key: 'label', name: 'Ground truth', picture: painted('label', [pred, colors, overlay], () => paintMask(pred.image, pred.label, colors, overlay)), describe: (i) => className(pred.label[i]) },
    ];
    const mine = thisRunOf(runs, runId, active);
    // before any run this pane says what to do; once runs are compared it appears only with a prediction of its own
    if (own || !compareRunIds.length) {
      panes.push(runPane('this-run', mine ? `This run: ${nameOf(mine.id)}` : 'This run', lastEval ?? mine?.mIoU, predicted ? pred : undefined, 'No prediction yet: press Start'));
    }
    for (const c of compared) panes.push(runPane(`run-${c.id}`, nameOf(c.id), c.run?.mIoU, c.p, 'predicting…'));
    if (!compareRunIds.length) {
      panes.push({ key: 'compare-hint', name: 'Other runs', placeholder: 'Choose runs to compare: press Compare on saved runs (up to 6 predictions in all), or import a trained model under Saved runs' });
    }

    const shown = [...(own ? [pred.prediction] : []), ...compared.flatMap((c) => (c.p ? [c.p.prediction] : []))];
    let share: number | undefined;
    if (shown.length >= 2) {
      const d = disagreement(shown);
      share = d.share;
      panes.push({
        key: 'disagreement', name: 'Disagreement', detail: `${(100 * d.share).toFixed(1)} % of pixels`,
        picture: painted('disagreement', [pred, ...shown, overlay], () => paintDisagreement(pred.image, d.map, overlay)),
        describe: (i) => {
          const named = [...new Set(shown.map((p) => p[i]).filter((k) => k !== IGNORE))].map(className);
          return d.map[i] === 1 ? `differ: ${named.join(' / ')}` : d.map[i] === 0 ? `all say ${named[0]}` : '';
        },
      });
    }
    for (const key of [...pictures.current.keys()]) if (!used.has(key)) pictures.current.delete(key);
    return { panes, hidden, share, predicted };
  }, [pred, comparisons, compareRunIds, runs, runId, active, lastEval, classes, colors, background, show, overlay]);
}
