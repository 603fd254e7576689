/**
 * @file GTA5 (Richter et al., "Playing for Data"), the paper's domain-shift source, laid out as the
 * benchmark reads it (datasets/gta5.py, urban_scenes.py): `images/*.png` with `labels/*.png` of
 * the same name, labels in Cityscapes' labelIds, mapped to the 19 train ids (datasets/mappings.py;
 * every other id is ignored, as the benchmark skips ids outside the mapping). The benchmark trains
 * on GTA5 and evaluates on Cityscapes val: with `leftImg8bit/val/` and `gtFine/val/` beside
 * `images/` and `labels/`, that is the val split; GTA5 alone holds out a seeded fifth, and the
 * paper's number is then a cross-dataset evaluation on a Cityscapes folder (same 19 classes).
 * Some GTA5 label maps differ in size from their image; the benchmark resizes the label map to
 * the image with nearest neighbour (datasets/dataset.py, torchvision `F.resize(…, NEAREST)`), and
 * so do we, for this format only (elsewhere a size mismatch is an error naming the files).
 */
import { CITYSCAPES_CLASSES, type LabelMap } from './classes';
import type { Mask } from './image';

/** Cityscapes labelIds → train ids; any other value (including 255) → 255. */
export function gta5Labels(): LabelMap {
  const m = new Uint16Array(256).fill(255);
  CITYSCAPES_CLASSES.forEach(([, id], train) => (m[id] = train));
  return m;
}

/** What the dataset panel and `train`'s log say about GTA5. */
export function gta5Note(withCityscapesVal: boolean, heldOut: number): string {
  const val = withCityscapesVal
    ? 'validation is Cityscapes val (leftImg8bit/val, gtFine/val beside it), as the benchmark evaluates GTA5 runs'
    : `no Cityscapes val beside it, so ${heldOut} GTA5 image(s) are held out for validation; the paper's number is a cross-dataset evaluation on Cityscapes val`;
  return `GTA5: labels are Cityscapes labelIds mapped to the 19 train classes (other ids ignored); a label map whose size differs from its image is resized to it with nearest neighbour, as the benchmark does; ${val}.`;
}

/**
 * The label map resized to `width`×`height` as PyTorch's `interpolate(mode='nearest')` (which
 * torchvision's NEAREST resize of a mask calls): source index ⌊dst · (in/out)⌋ in float32,
 * clamped to the last row or column.
 */
export function resizeMaskNearest(mask: Mask, width: number, height: number): Mask {
  const src = (out: number, n: number) => {
    const scale = Math.fround(n / out);
    return Array.from({ length: out }, (_, i) => (out === n ? i : Math.min(n - 1, Math.floor(Math.fround(i * scale)))));
  };
  const xs = src(width, mask.width), ys = src(height, mask.height);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = mask.data[ys[y] * mask.width + xs[x]];
  return { width, height, data };
}
