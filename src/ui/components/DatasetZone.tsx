/**
 * @file What the dataset zone tells a newcomer: the layouts it accepts (before any drop), an
 * example dataset to download and copy, and after loading a preview of the classes found.
 */
import { useEffect, useState } from 'react';
import { ACCEPTED_LAYOUTS } from '../../data/layouts';
import { useLab } from '../lab';
import './dataset.css';

/** The ids of the accepted layouts' items: the drop inputs' description (space-separated, for aria-describedby). */
const layoutId = (i: number) => `accepted-layout-${i}`;
export const ACCEPTED_LAYOUTS_IDS = ACCEPTED_LAYOUTS.map((_, i) => layoutId(i)).join(' ');

/** Open while the embedded demo is loaded (a first visit); folded once the user's own dataset is in. */
export function AcceptedLayouts() {
  const demo = useLab((s) => !s.dataset || s.dataset.name === 'demo');
  return (
    <details className="layouts" open={demo} key={demo ? 'demo' : 'own'}>
      <summary id="accepted-layouts-title">What you can drop</summary>
      <ul aria-labelledby="accepted-layouts-title">
        {ACCEPTED_LAYOUTS.map((l, i) => (
          <li key={l.name} id={layoutId(i)}>
            <strong>{l.name}</strong> <code>{l.files}</code>
            <small>{l.detail}</small>
          </li>
        ))}
      </ul>
      <p className="layouts-how">A folder, or the same files in one <code>.zip</code> (a top folder around them is fine).</p>
    </details>
  );
}

/** A link to the example zip; built on first show (the synthetic demo, see src/data/example.ts); the link owns its object URL. */
export function ExampleDownload() {
  const [link, setLink] = useState<{ url: string; bytes: number; name: string }>();
  useEffect(() => {
    let url: string | undefined;
    let gone = false;
    void import('../../data/example').then(({ exampleDatasetZip, EXAMPLE_NAME }) => {
      if (gone) return;
      const zip = exampleDatasetZip();
      url = URL.createObjectURL(new Blob([zip as BlobPart], { type: 'application/zip' }));
      setLink({ url, bytes: zip.length, name: `${EXAMPLE_NAME}.zip` });
    });
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, []);
  return (
    <p className="example">
      {link ? (
        <a href={link.url} download={link.name} data-testid="example-download">
          Download an example dataset ({link.name}, {Math.round(link.bytes / 1024)} KB)
        </a>
      ) : (
        'preparing the example dataset…'
      )}{' '}
      — the demo's shapes in the images + masks layout, to copy for your own data.
    </p>
  );
}

const percent = (part: number, whole: number) => (whole ? `${((100 * part) / whole).toFixed(part / whole < 0.01 ? 2 : 1)} %` : '—');

/** The loaded dataset's classes with their legend colours, labelled pixels and images per split. */
export function ClassPreview() {
  const dataset = useLab((s) => s.dataset);
  if (!dataset?.imagesPerClass || !dataset.pixelsPerClass) return null;
  const { pixelsPerClass: pixels, imagesPerClass: images } = dataset;
  const total = pixels.reduce((a, b) => a + b, 0);
  return (
    <div className="class-preview" role="region" aria-label={`Classes in ${dataset.name}`} tabIndex={0} data-testid="class-preview">
      <table>
        <caption>
          {dataset.classes.length} classes · {dataset.trainCount} train / {dataset.valCount} val images
        </caption>
        <thead>
          <tr>
            <th scope="col">Class</th>
            <th scope="col" title="share of the labelled training pixels">Train pixels</th>
            <th scope="col" title="training images showing the class">Train imgs</th>
            <th scope="col" title="validation images showing the class">Val imgs</th>
          </tr>
        </thead>
        <tbody>
          {dataset.classes.map((c, i) => (
            <tr key={`${i}-${c.name}`} className={pixels[i] ? undefined : 'absent'}>
              <th scope="row">
                <span className="swatch" aria-hidden="true" style={{ background: `rgb(${c.color.join(',')})` }} />
                {c.name}
              </th>
              <td>{percent(pixels[i] ?? 0, total)}</td>
              <td>{images.train[i] ?? 0}</td>
              <td>{images.val[i] ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {dataset.note && <p className="dataset-note">Note: {dataset.note}.</p>}
    </div>
  );
}
