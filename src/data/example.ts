/**
 * @file The example dataset the dataset zone offers for download: a small zip of the synthetic
 * demo in the generic layout (what a user's own dataset should look like), with a README that
 * says so. Built on demand (fflate), so the app ships no archive.
 */
import { zipSync } from 'fflate';
import { makeDemoFiles } from './synthetic';

export const EXAMPLE_NAME = 'vfm-lab-example';

const README = `VFM Lab example dataset (the synthetic demo: one shape per image on grey).

train/images/0000.png   an RGB image (PNG or JPEG)
train/masks/0000.png    its mask: same name, one byte per pixel, the value is the class id (255 = ignore)
val/...                 the same for validation (optional: without it, a fifth of train is held out)
classes.json            class names and display colours, in id order (or classes.txt, one name per line)

Drop this zip (or a folder laid out like it) on the dataset zone. COCO JSON exports (Roboflow,
CVAT), Pascal VOC, ADE20K and Cityscapes are read as they come.
`;

/** The example as zip bytes: 8 train and 4 val images of 64×64 px, 5 classes, all in one folder. */
export function exampleDatasetZip(): Uint8Array {
  const files = makeDemoFiles(1, { train: 8, val: 4, size: 64 });
  const entries: Record<string, Uint8Array> = { [`${EXAMPLE_NAME}/README.txt`]: new TextEncoder().encode(README) };
  for (const f of files) entries[`${EXAMPLE_NAME}/${f.path}`] = f.bytes;
  // a fixed time stamp: the same bytes at every download
  return zipSync(entries, { mtime: new Date(Date.UTC(2024, 0, 1)) });
}
