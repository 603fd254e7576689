/**
 * @file The workspace's images: add them (files, a folder; dropping and the camera live in the
 * shell), the list with each image's split (auto by seed, or the user's), previous / next and
 * the progress "N of M labelled".
 */
import { chooseSplit, type LabelImage } from '../../label/workspace';
import { bytesOf } from '../components/DropZone';
import { pickedFiles } from '../drop';
import { useLabel } from './useLabel';

/** The photos a picked or dropped set holds (a folder brings other files too: they are skipped, not refused). */
export const PHOTO = /\.(png|jpe?g)$/i;

export async function addPicked(files: Iterable<File>): Promise<void> {
  const picked = pickedFiles(files);
  const photos = picked.filter((f) => !f.path.includes('/') || PHOTO.test(f.path));
  await useLabel.getState().addPhotos(await Promise.all(photos.map(async (f) => ({ name: f.file.name, bytes: await bytesOf(f.file) }))));
}

export function Progress() {
  const labelled = useLabel((s) => s.labelled.size);
  const total = useLabel((s) => s.ws.images.length);
  return <p className="label-progress" data-testid="label-progress" aria-live="polite">{labelled} of {total} labelled</p>;
}

export function ImagePanel() {
  const images = useLabel((s) => s.ws.images);
  const seed = useLabel((s) => s.ws.seed);
  const current = useLabel((s) => s.current);
  const labelled = useLabel((s) => s.labelled);
  const s = useLabel.getState();
  const split = chooseSplit(images, seed);
  const splitText = (im: LabelImage) => (im.split === 'auto' ? `auto (${split.get(im.id)})` : im.split);
  return (
    <fieldset className="label-images">
      <legend>Images</legend>
      <label className="drop">Add photos (PNG or JPEG) — or drop them anywhere here
        <input type="file" data-testid="label-images" multiple accept="image/png,image/jpeg,.png,.jpg,.jpeg" onChange={(e) => {
          const input = e.currentTarget;
          if (input.files) void addPicked(input.files).finally(() => (input.value = ''));
        }} />
      </label>
      <label className="drop">…or a folder of photos
        <input type="file" {...{ webkitdirectory: '' }} multiple onChange={(e) => {
          const input = e.currentTarget;
          if (input.files) void addPicked(input.files).finally(() => (input.value = ''));
        }} />
      </label>
      <div className="label-nav">
        <button type="button" className="secondary" data-testid="label-prev" disabled={current <= 0} aria-keyshortcuts="PageUp" onClick={() => void s.select(current - 1)}>Previous</button>
        <span>{images.length ? `${current + 1} / ${images.length}` : 'no images yet'}</span>
        <button type="button" className="secondary" data-testid="label-next" disabled={current >= images.length - 1} aria-keyshortcuts="PageDown" onClick={() => void s.select(current + 1)}>Next</button>
      </div>
      <ol className="label-image-list">
        {images.map((im, i) => (
          <li key={im.id} className={i === current ? 'current' : undefined}>
            <button type="button" className="link" aria-current={i === current ? 'true' : undefined} onClick={() => void s.select(i)}>
              {labelled.has(im.id) ? '✓ ' : ''}{im.name}
            </button>
            <button type="button" className="secondary icon" aria-label={`Remove ${im.name} from the workspace`}
              onClick={() => confirm(`Remove ${im.name} and its labels from the workspace?`) && void s.removeImage(i)}>×</button>
            <select value={im.split} aria-label={`Split of ${im.name}`} title={splitText(im)} onChange={(e) => s.setSplit(i, e.target.value as LabelImage['split'])}>
              <option value="auto">{`auto (${split.get(im.id)})`}</option>
              <option value="train">train</option>
              <option value="val">val</option>
            </select>
          </li>
        ))}
      </ol>
    </fieldset>
  );
}
