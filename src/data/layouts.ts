/**
 * @file The dataset layouts we accept, said once: the dataset zone lists them before a drop, and
 * a layout we do not recognise is refused with them and with a summary of what was found.
 */

export interface LayoutHelp {
  name: string;
  /** The files that identify it (paths as in the dataset, '…' for many). */
  files: string;
  detail: string;
}

export const ACCEPTED_LAYOUTS: LayoutHelp[] = [
  {
    name: 'Images + masks',
    files: 'train/images/*.png|jpg + train/masks/*.png (val/… optional), or images/ + masks/',
    detail: 'a mask is a PNG with its image’s name whose pixel values are class ids (palette PNGs by index), 255 = ignore; class names in an optional classes.txt (one per line) or classes.json',
  },
  {
    name: 'COCO segmentation JSON (Roboflow, CVAT)',
    files: 'train/_annotations.coco.json + its images (valid/, test/), annotations/instances_*.json, or a JSON with images, annotations, categories',
    detail: 'polygons or RLE (plain or compressed); without a "background" category, unannotated pixels are ignored',
  },
  { name: 'Pascal VOC', files: 'JPEGImages/ + SegmentationClass/ + ImageSets/Segmentation/{train,val}.txt', detail: '21 classes' },
  { name: 'ADE20K', files: 'images/training/ + annotations/training/ (and …/validation/)', detail: '150 classes, label 0 ignored' },
  {
    name: 'GTA5', files: 'images/00001.png … + labels/00001.png … (optionally leftImg8bit/val/ + gtFine/val/ of Cityscapes beside them)',
    detail: '19 Cityscapes classes from labelIds; Cityscapes val beside it is the val split (the benchmark\'s shift), else a seeded fifth is held out; label maps of another size are resized (nearest)',
  },
  { name: 'Cityscapes', files: 'leftImg8bit/{train,val}/ + gtFine/{train,val}/ (*_gtFine_labelIds.png)', detail: '19 train classes' },
];

/** "photos/ (12 .jpg), labels/ (12 .png), notes.txt": the folders (two levels) and loose files found, for an error message. */
export function describeFiles(paths: string[], limit = 8): string {
  const groups = new Map<string, Map<string, number>>();
  for (const p of paths) {
    const parts = p.split('/');
    const key = parts.length > 1 ? `${parts.slice(0, Math.min(2, parts.length - 1)).join('/')}/` : p;
    const ext = parts.length > 1 ? (/\.[^./]+$/.exec(p)?.[0].toLowerCase() ?? 'no extension') : '';
    const g = groups.get(key) ?? new Map<string, number>();
    g.set(ext, (g.get(ext) ?? 0) + 1);
    groups.set(key, g);
  }
  const items = [...groups].map(([key, exts]) => (key.endsWith('/') ? `${key} (${[...exts].map(([e, n]) => `${n} ${e}`).join(', ')})` : key));
  return items.slice(0, limit).join(', ') + (items.length > limit ? `, and ${items.length - limit} more` : '');
}

export function unrecognisedLayout(name: string, paths: string[]): string {
  const expected = ACCEPTED_LAYOUTS.map((l) => `${l.name}: ${l.files}`).join('; ');
  // a JSON under another name is the likeliest near miss: an export renamed by hand
  const json = paths.find((p) => p.toLowerCase().endsWith('.json') && !/(^|\/)classes\.json$/i.test(p));
  const hint = json ? ` (${json} is not a COCO file: it needs "images", "annotations" and "categories" arrays)` : '';
  return `${name}: unrecognised layout. Found: ${describeFiles(paths)}${hint}. Expected one of — ${expected}.`;
}
