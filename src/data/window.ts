/**
 * @file Sliding-window geometry for evaluation (the model part lives in src/train), two layouts
 * (a recipe rule, src/train/recipe.ts): the demo's `grid-2/3` resizes the image so its short side
 * equals the crop S and covers it with S×S windows at stride ⌈2S/3⌉ (the last one flush with the
 * edge); the benchmark's `long-side` is `longSideWindowPlan`. The model runs per window and the
 * logits are averaged where windows overlap. Pure functions over typed arrays; no model here.
 */

export interface WindowOffset {
  top: number;
  left: number;
}

export interface WindowPlan {
  crop: number;
  /** The image size after resizing its short side to `crop` (both sides ≥ crop). */
  height: number;
  width: number;
  /** Top-left corners of the crop×crop windows, row-major; together they cover every pixel. */
  windows: WindowOffset[];
}

export const defaultStride = (crop: number) => Math.ceil((crop * 2) / 3);

/** The size after resizing so that the short side equals `crop`, keeping the aspect ratio. */
export function shortSideSize(height: number, width: number, crop: number): { height: number; width: number } {
  const k = crop / Math.min(height, width);
  return { height: Math.max(crop, Math.round(height * k)), width: Math.max(crop, Math.round(width * k)) };
}

/** Window starts along one axis of `size` ≥ crop: every `stride`, then one flush with the end. */
function starts(size: number, crop: number, stride: number): number[] {
  if (size <= crop) return [0];
  const out: number[] = [];
  for (let s = 0; s + crop < size; s += stride) out.push(s);
  out.push(size - crop);
  return out;
}

/** The evaluation plan for an H×W image at crop S: the resized size and the window offsets. */
export function slidingWindowPlan(height: number, width: number, crop: number, stride = defaultStride(crop)): WindowPlan {
  if (!(crop > 0 && stride > 0 && height > 0 && width > 0)) throw new RangeError(`bad window geometry: ${height}×${width}, crop ${crop}, stride ${stride}`);
  const size = shortSideSize(height, width, crop);
  const rows = starts(size.height, crop, stride), cols = starts(size.width, crop, stride);
  return { crop, ...size, windows: rows.flatMap((top) => cols.map((left) => ({ top, left }))) };
}

/** Python's round(): halves go to the even neighbour (the benchmark's sizes are Python-rounded). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x), d = x - f;
  return d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
}

/**
 * The benchmark's layout (training/lightning_module.py, `scale_img_size_semantic` and
 * `window_imgs_semantic`): the image is resized by max(S/H, S/W) (sizes Python-rounded), so its
 * short side is S; n = ⌈L/S⌉ windows run along the long side L, their starts
 * int(j·(S − overlap/(n − 1))) with overlap = n·S − L spread evenly; no stride parameter.
 */
export function longSideWindowPlan(height: number, width: number, crop: number): WindowPlan {
  if (!(crop > 0 && height > 0 && width > 0)) throw new RangeError(`bad window geometry: ${height}×${width}, crop ${crop}`);
  const k = Math.max(crop / height, crop / width);
  const h = roundHalfEven(height * k), w = roundHalfEven(width * k);
  const long = Math.max(h, w);
  const n = Math.ceil(long / crop);
  const overlap = n * crop - long;
  const perWindow = overlap > 0 ? overlap / (n - 1) : 0;
  const starts = Array.from({ length: n }, (_, j) => Math.trunc(j * (crop - perWindow)));
  // the benchmark crops rows when the resized image is taller than wide, else columns
  return { crop, height: h, width: w, windows: starts.map((s) => (h > w ? { top: s, left: 0 } : { top: 0, left: s })) };
}

/**
 * Copies the window at `win` of a CHW image [channels, height, width] into `out` at `offset`
 * as [channels, crop, crop] (the layout of one batch slot).
 */
export function extractWindow(
  chw: Float32Array, channels: number, height: number, width: number, win: WindowOffset, crop: number, out: Float32Array, offset = 0,
): void {
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < crop; y++) {
      const src = (c * height + win.top + y) * width + win.left;
      out.set(chw.subarray(src, src + crop), offset + (c * crop + y) * crop);
    }
  }
}

/**
 * Sums per-window logits [C, S, S] into a full [C, H, W] map with a per-pixel count, so
 * overlapping windows are averaged (what mmseg's slide inference does).
 */
export class LogitAccumulator {
  readonly sum: Float32Array;
  readonly count: Uint16Array;

  constructor(readonly classes: number, readonly height: number, readonly width: number, readonly crop: number) {
    this.sum = new Float32Array(classes * height * width);
    this.count = new Uint16Array(height * width);
  }

  /** Adds one window's logits, read from `logits` at `offset` (e.g. slot i of a batch output). */
  add(win: WindowOffset, logits: Float32Array, offset = 0): void {
    const { crop, width, height } = this;
    if (win.top < 0 || win.left < 0 || win.top + crop > height || win.left + crop > width) {
      throw new RangeError(`window at (${win.top}, ${win.left}) of size ${crop} does not fit in ${height}×${width}`);
    }
    for (let c = 0; c < this.classes; c++) {
      for (let y = 0; y < crop; y++) {
        const dst = (c * height + win.top + y) * width + win.left;
        const src = offset + (c * crop + y) * crop;
        for (let x = 0; x < crop; x++) this.sum[dst + x] += logits[src + x];
      }
    }
    for (let y = 0; y < crop; y++) {
      const row = (win.top + y) * width + win.left;
      for (let x = 0; x < crop; x++) this.count[row + x]++;
    }
  }

  /** The averaged logits [C, H, W]; throws if some pixel was covered by no window. */
  average(): Float32Array {
    const plane = this.height * this.width;
    const out = new Float32Array(this.sum.length);
    for (let p = 0; p < plane; p++) {
      const n = this.count[p];
      if (n === 0) throw new Error(`pixel (${Math.floor(p / this.width)}, ${p % this.width}) was covered by no window`);
      for (let c = 0; c < this.classes; c++) out[c * plane + p] = this.sum[c * plane + p] / n;
    }
    return out;
  }
}
