/**
 * @file Every validation image, a page of thumbnails at a time: a listbox (one Tab stop; arrows,
 * PageUp/PageDown, Home/End move the selection, across pages) with previous/next page buttons.
 */
import { useEffect, useRef } from 'react';
import type { Thumbnail } from '../../../worker/api';
import { useLab } from '../../lab';
import { PAGE_SIZE, indexForKey, pageStart } from '../../viewer/listnav';

function Thumb({ t }: { t: Thumbnail }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const img = new ImageData(t.width, t.height);
    for (let i = 0; i < t.width * t.height; i++) img.data.set([t.data[i * 3], t.data[i * 3 + 1], t.data[i * 3 + 2], 255], i * 4);
    ref.current?.getContext('2d')?.putImageData(img, 0, 0);
  }, [t]);
  return <canvas ref={ref} width={t.width} height={t.height} className="thumb" aria-hidden="true" />;
}

export function ThumbnailList() {
  const count = useLab((s) => s.dataset?.valCount ?? 0);
  const index = useLab((s) => s.viewIndex);
  const thumbnails = useLab((s) => s.thumbnails);
  const from = useLab((s) => s.thumbnailsFrom);
  const { selectImage, showThumbnails } = useLab.getState();
  const start = pageStart(index);
  const end = Math.min(count, start + PAGE_SIZE);
  // the page follows the selection (keys cross page boundaries)
  useEffect(() => {
    if (count > 0 && start !== from) void showThumbnails(start);
  }, [start, from, count, showThumbnails]);
  if (count === 0) return null;
  const optionId = (i: number) => `val-image-${i}`;
  const go = (i: number) => { if (i !== index) void selectImage(i); };
  return (
    <div className="thumbs-wrap">
      <div className="thumbs-pager">
        <button type="button" disabled={start === 0} onClick={() => go(Math.max(0, start - PAGE_SIZE))} aria-label="Previous page of validation images">‹</button>
        <span data-testid="thumbs-range">images {start + 1}–{end} of {count}</span>
        <button type="button" disabled={end >= count} onClick={() => go(end)} aria-label="Next page of validation images">›</button>
      </div>
      <div
        className="thumbs" role="listbox" aria-label="Validation images" tabIndex={0}
        aria-activedescendant={optionId(index)}
        onKeyDown={(e) => {
          const i = indexForKey(e.key, index, count);
          if (i === undefined) return;
          e.preventDefault(); // arrows and Home/End move the selection, not the page
          go(i);
        }}
      >
        {Array.from({ length: end - start }, (_, k) => {
          const i = start + k;
          const t = from === start ? thumbnails[k] : undefined;
          return (
            <div role="option" id={optionId(i)} key={i} aria-selected={i === index} aria-label={`validation image ${i + 1} of ${count}`}
              className={i === index ? 'thumb-option selected' : 'thumb-option'} onClick={() => go(i)}>
              {t ? <Thumb t={t} /> : <span className="thumb-number">{i + 1}</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
