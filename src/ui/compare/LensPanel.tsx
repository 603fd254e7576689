/**
 * @file One backbone in the feature lens: the crop the model saw with its patch features'
 * colours laid over it — PCA as RGB, or, while a probe patch is set (hover, or arrow keys on the
 * focused panel), the cosine similarity of every patch to the probe patch, outlined.
 */
import { useEffect, useMemo, useRef } from 'react';
import { cosineSimilarity, patchNorms } from '../../compare/features';
import type { LensResult } from '../../worker/api';
import { moveProbe, paintPatches, probePatch, similarityColours, type Probe } from './lens-paint';

export type PanelState = { status: 'computing' } | { status: 'ready'; lens: LensResult } | { status: 'error'; message: string };

interface Props {
  title: string;
  stage: LensResult['stage'];
  state?: PanelState;
  blend: number;
  probe?: Probe;
  setProbe(p: Probe | undefined): void;
}

const percent = (x: number) => `${(100 * x).toFixed(0)} %`;

export function LensPanel({ title, stage, state, blend, probe, setProbe }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const lens = state?.status === 'ready' ? state.lens : undefined;
  const n = lens ? lens.grid * lens.grid : 0;
  const patch = lens && probe ? probePatch(probe, lens.grid) : undefined;
  // N·D multiply-adds for one patch: cheap on the page, and the features are here already (no worker round trip per pointer move)
  // the norms once per feature map; a pointer move then costs one dot product per patch
  const norms = useMemo(() => lens && patchNorms(lens.features, n, lens.dim), [lens, n]);
  const similarity = useMemo(() => (lens && norms && patch !== undefined ? cosineSimilarity(lens.features, n, lens.dim, patch, norms) : undefined), [lens, norms, n, patch]);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !lens) return;
    const colours = similarity ? similarityColours(similarity) : lens.rgb;
    ctx.putImageData(new ImageData(paintPatches(lens.image, lens.crop, colours, lens.grid, blend), lens.crop, lens.crop), 0, 0);
  }, [lens, similarity, blend]);

  const where = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    setProbe({ fx: (e.clientX - r.left) / r.width, fy: (e.clientY - r.top) / r.height });
  };
  const side = lens ? 100 / lens.grid : 0;
  const probed = similarity && patch !== undefined ? similarity[patch] : undefined;
  return (
    <figure className="lens-panel" data-testid="lens-panel">
      <figcaption><strong>{title}</strong> · {stage}</figcaption>
      <div className="lens-canvas-wrap">
        {state?.status === 'error' && <p className="lens-placeholder" role="alert">{state.message}</p>}
        {(!state || state.status === 'computing') && <p className="lens-placeholder" aria-busy="true">Computing patch features…</p>}
        {lens && (
          <>
            <canvas ref={canvas} width={lens.crop} height={lens.crop} tabIndex={0} role="img" data-testid="lens-canvas"
              data-mode={similarity ? 'similarity' : 'pca'} data-grid={lens.grid}
              {...(probed !== undefined ? { 'data-probe-similarity': probed.toFixed(4) } : {})}
              aria-label={`${title}, ${stage}: ${similarity ? `cosine similarity to patch ${patch! % lens.grid + 1}, ${Math.floor(patch! / lens.grid) + 1} (${probed!.toFixed(2)} there)` : 'PCA of the patch features as RGB'}. Arrow keys move the probe patch; Escape shows the PCA again.`}
              onPointerMove={where} onPointerDown={where} onPointerLeave={() => setProbe(undefined)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') return setProbe(undefined);
                const next = moveProbe(probe, e.key, lens.grid);
                if (!next) return;
                e.preventDefault(); // the arrows move the probe, not the page
                setProbe(next);
              }} />
            {patch !== undefined && (
              <span className="lens-probe" aria-hidden="true"
                style={{ left: `${(patch % lens.grid) * side}%`, top: `${Math.floor(patch / lens.grid) * side}%`, width: `${side}%`, height: `${side}%` }} />
            )}
          </>
        )}
      </div>
      {lens && (
        <small className="lens-caption">
          {lens.grid}×{lens.grid} patches of {lens.dim} features · PCA variance {lens.explained.map(percent).join(' / ')}
        </small>
      )}
    </figure>
  );
}
