/** @file Class names, palettes and label maps of the standard benchmarks. */

export type RGB = [number, number, number];

/** The Pascal VOC colour map (bit-interleaved), also our default palette for any dataset. */
export function vocPalette(n = 256): RGB[] {
  return Array.from({ length: n }, (_, i) => {
    let r = 0, g = 0, b = 0, c = i;
    for (let j = 0; j < 8; j++) {
      r |= ((c >> 0) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    return [r, g, b];
  });
}

export const VOC_CLASSES = [
  'background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow', 'diningtable',
  'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
];

export const ADE20K_CLASSES = [
  'wall', 'building', 'sky', 'floor', 'tree', 'ceiling', 'road', 'bed', 'windowpane', 'grass', 'cabinet', 'sidewalk',
  'person', 'earth', 'door', 'table', 'mountain', 'plant', 'curtain', 'chair', 'car', 'water', 'painting', 'sofa',
  'shelf', 'house', 'sea', 'mirror', 'rug', 'field', 'armchair', 'seat', 'fence', 'desk', 'rock', 'wardrobe', 'lamp',
  'bathtub', 'railing', 'cushion', 'base', 'box', 'column', 'signboard', 'chest of drawers', 'counter', 'sand', 'sink',
  'skyscraper', 'fireplace', 'refrigerator', 'grandstand', 'path', 'stairs', 'runway', 'case', 'pool table', 'pillow',
  'screen door', 'stairway', 'river', 'bridge', 'bookcase', 'blind', 'coffee table', 'toilet', 'flower', 'book', 'hill',
  'bench', 'countertop', 'stove', 'palm', 'kitchen island', 'computer', 'swivel chair', 'boat', 'bar', 'arcade machine',
  'hovel', 'bus', 'towel', 'light', 'truck', 'tower', 'chandelier', 'awning', 'streetlight', 'booth',
  'television receiver', 'airplane', 'dirt track', 'apparel', 'pole', 'land', 'bannister', 'escalator', 'ottoman',
  'bottle', 'buffet', 'poster', 'stage', 'van', 'ship', 'fountain', 'conveyer belt', 'canopy', 'washer', 'plaything',
  'swimming pool', 'stool', 'barrel', 'basket', 'waterfall', 'tent', 'bag', 'minibike', 'cradle', 'oven', 'ball', 'food',
  'step', 'tank', 'trade name', 'microwave', 'pot', 'animal', 'bicycle', 'lake', 'dishwasher', 'screen', 'blanket',
  'sculpture', 'hood', 'sconce', 'vase', 'traffic light', 'tray', 'ashcan', 'fan', 'pier', 'crt screen', 'plate',
  'monitor', 'bulletin board', 'shower', 'radiator', 'glass', 'clock', 'flag',
];

/** Cityscapes labelIds → the 19 train ids, with colours from the official palette. */
export const CITYSCAPES_CLASSES: [string, number, RGB][] = [
  ['road', 7, [128, 64, 128]], ['sidewalk', 8, [244, 35, 232]], ['building', 11, [70, 70, 70]], ['wall', 12, [102, 102, 156]],
  ['fence', 13, [190, 153, 153]], ['pole', 17, [153, 153, 153]], ['traffic light', 19, [250, 170, 30]],
  ['traffic sign', 20, [220, 220, 0]], ['vegetation', 21, [107, 142, 35]], ['terrain', 22, [152, 251, 152]],
  ['sky', 23, [70, 130, 180]], ['person', 24, [220, 20, 60]], ['rider', 25, [255, 0, 0]], ['car', 26, [0, 0, 142]],
  ['truck', 27, [0, 0, 70]], ['bus', 28, [0, 60, 100]], ['train', 31, [0, 80, 100]], ['motorcycle', 32, [0, 0, 230]],
  ['bicycle', 33, [119, 11, 32]],
];

/**
 * A 256-entry lookup from stored mask values to class ids (255 = ignore). Stored values that the
 * format never uses map to `INVALID_LABEL`, so a corrupt mask is refused, not silently ignored.
 */
export type LabelMap = Uint16Array;
export const INVALID_LABEL = 256;

export const identityLabels = (): LabelMap => Uint16Array.from({ length: 256 }, (_, i) => i);
/** ADE20K: 0 = "other" → ignore; 1…150 → 0…149. */
export const adeLabels = (): LabelMap =>
  Uint16Array.from({ length: 256 }, (_, i) => (i === 0 || i === 255 ? 255 : i > 150 ? INVALID_LABEL : i - 1));
/** Cityscapes: labelIds 0…33 → the 19 train ids or ignore. */
export function cityscapesLabels(): LabelMap {
  const m = new Uint16Array(256).fill(INVALID_LABEL);
  m.fill(255, 0, 34);
  m[255] = 255;
  CITYSCAPES_CLASSES.forEach(([, id], train) => (m[id] = train));
  return m;
}
