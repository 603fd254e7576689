/**
 * @file JPEG decoding as PIL decodes it (the benchmark opens images with PIL, which runs
 * libjpeg-turbo with its defaults: fancy upsampling, ISLOW IDCT). jpeg-js parses the file and runs
 * the IDCT; its own chroma upsampling (pixel replication) and float colour conversion differ from
 * libjpeg-turbo by up to ~90 levels at colour edges, so we take its component planes unconverted
 * and redo those two stages as libjpeg-turbo 2.1 does (jdsample.c, jdcolor.c). What remains is the
 * IDCT's fixed-point rounding (jpeg-js: poppler's 12-bit LLM; libjpeg: jidctint.c), under half a
 * level on average (src/data/jpeg.test.ts against PIL's decodes). Pure TypeScript: the same decoder
 * in Node and the browser. EXIF orientation is not applied, as PIL's `Image.open` does not apply it.
 */
import jpeg from 'jpeg-js';

/** What the headers before the scan say: size, each component's sampling, the colour space markers. */
export interface JpegFrame {
  width: number;
  height: number;
  components: { id: number; h: number; v: number }[];
  jfif: boolean;
  /** APP14 "Adobe" transform flag (0: RGB, 1: YCbCr), undefined without the marker. */
  adobeTransform?: number;
  /** EXIF orientation tag (1…8), undefined without one. */
  orientation?: number;
}

/** Walks the segments up to the first scan. Undefined when there is no readable frame header. */
export function readJpegFrame(bytes: Uint8Array): JpegFrame | undefined {
  let at = 2, frame: Omit<JpegFrame, 'jfif' | 'adobeTransform' | 'orientation'> | undefined;
  let jfif = false, adobeTransform: number | undefined, orientation: number | undefined;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) break;
    const marker = bytes[at + 1];
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const body = bytes.subarray(at + 4, at + 2 + length);
    const tag = String.fromCharCode(...body.subarray(0, 5));
    if (marker === 0xe0 && tag === 'JFIF\0') jfif = true;
    if (marker === 0xee && tag === 'Adobe' && body.length >= 12) adobeTransform = body[11];
    if (marker === 0xe1 && tag === 'Exif\0') orientation = exifOrientation(body.subarray(6));
    // SOF0…SOF15 except DHT (c4), JPG (c8), DAC (cc)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc && body.length >= 6) {
      const n = body[5];
      const components = Array.from({ length: n }, (_, i) => ({ id: body[6 + 3 * i], h: body[7 + 3 * i] >> 4, v: body[7 + 3 * i] & 15 }));
      frame = { height: (body[1] << 8) | body[2], width: (body[3] << 8) | body[4], components };
    }
    at += 2 + length;
  }
  return frame && { ...frame, jfif, adobeTransform, orientation };
}

/** The orientation tag (0x0112) of IFD0 in a TIFF block (EXIF's APP1 after "Exif\0\0"). */
function exifOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined;
  const little = tiff[0] === 0x49; // "II" little-endian, "MM" big-endian
  const v = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = v.getUint32(4, little);
  if (ifd + 2 > tiff.length) return undefined;
  const count = v.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) return undefined;
    if (v.getUint16(entry, little) === 0x0112) return v.getUint16(entry + 8, little);
  }
  return undefined;
}

/**
 * A mask that fits the image only turned a quarter: with an EXIF orientation of 5…8 in the image,
 * the mask was most likely drawn on the image as viewers show it (rotated). We read the pixels as
 * stored, as PIL's `Image.open` (and so the benchmark) does.
 */
export function exifRotationHint(bytes: Uint8Array, image: { width: number; height: number }, mask: { width: number; height: number }): string {
  const orientation = readJpegFrame(bytes)?.orientation;
  if (!(orientation && orientation >= 5 && orientation <= 8 && mask.width === image.height && mask.height === image.width)) return '';
  return ` The mask fits the image turned a quarter, and the image's EXIF orientation is ${orientation}: EXIF rotation is the likely cause (viewers show the image rotated; VFM Lab, like PIL and the benchmark, ignores EXIF orientation). Rotate the mask to the stored pixels, or save the image with the rotation applied.`;
}

/** libjpeg's colour space rule for three components (jdapimin.c default_decompress_parms). */
function isYCbCr(f: JpegFrame): boolean {
  if (f.jfif) return true;
  if (f.adobeTransform !== undefined) return f.adobeTransform !== 0;
  const [a, b, c] = f.components.map((k) => k.id);
  return !(a === 82 && b === 71 && c === 66); // component ids 'R', 'G', 'B'
}

/**
 * Decodes to RGB (HWC). `maxPixels` bounds jpeg-js's allocations as a second fence behind the
 * caller's header check. Throws jpeg-js's error on a damaged file (the caller names the file).
 */
export function decodeJpegRgb(bytes: Uint8Array, maxPixels: number): { width: number; height: number; data: Uint8Array } {
  const frame = readJpegFrame(bytes);
  const opts = { useTArray: true as const, formatAsRGBA: false, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.max(1024, Math.ceil((maxPixels * 8) / 2 ** 20)) };
  // one or four components (gray; CMYK/YCCK): jpeg-js's own conversion, nothing to upsample (gray) or no PIL parity claimed (CMYK)
  if (!frame || frame.components.length !== 3) {
    const j = jpeg.decode(bytes, opts);
    return { width: j.width, height: j.height, data: j.data as Uint8Array };
  }
  // the components unconverted, each replicated to full size: planes are recovered exactly from it
  const raw = jpeg.decode(bytes, { ...opts, colorTransform: false });
  const { width, height } = raw;
  const data = raw.data as Uint8Array;
  const maxH = Math.max(...frame.components.map((k) => k.h)), maxV = Math.max(...frame.components.map((k) => k.v));
  const planes = frame.components.map((k, c) => upsampled(data, c, width, height, maxH / k.h, maxV / k.v));
  const out = new Uint8Array(width * height * 3);
  if (isYCbCr(frame)) yccToRgb(planes[0], planes[1], planes[2], out);
  else for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = planes[c][p];
  return { width, height, data: out };
}

/**
 * Component `c` of the replicated HWC output at full size, upsampled as libjpeg-turbo does
 * (jdsample.c jinit_upsampler): h2v1, h1v2 and h2v2 with its "fancy" triangle filters; any other
 * integral factor by replication (`int_upsample`), which is what the replicated output already holds.
 */
function upsampled(hwc: Uint8Array, c: number, width: number, height: number, fx: number, fy: number): Uint8Array {
  const full = new Uint8Array(width * height);
  for (let p = 0; p < full.length; p++) full[p] = hwc[p * 3 + c];
  const w = Math.ceil(width / fx), h = Math.ceil(height / fy); // the component's downsampled size
  const fancyH = fx === 2 && w > 2;
  if (!((fx === 2 && fy === 1 && fancyH) || (fx === 1 && fy === 2) || (fx === 2 && fy === 2 && fancyH))) return full;
  const plane = new Int32Array(w * h); // sample (i, j) sits at full-size pixel (fx·i, fy·j) of the replication
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) plane[j * w + i] = full[fy * j * width + fx * i];
  const out = full; // every pixel is overwritten below
  const col = new Int32Array(w);
  for (let j = 0; j < h; j++) {
    for (let v = 0; v < fy; v++) { // output rows fy·j + v; with fy = 2, v = 0 leans on the row above, v = 1 on the row below
      const y = fy * j + v;
      if (y >= height) break;
      // vertical ¾ / ¼ sums ×4 (fy = 2); the row above the first and below the last repeat them (jdmainct.c context rows)
      const far = fy === 1 ? j : Math.min(h - 1, Math.max(0, v === 0 ? j - 1 : j + 1));
      for (let i = 0; i < w; i++) col[i] = fy === 1 ? plane[j * w + i] : 3 * plane[j * w + i] + plane[far * w + i];
      const row = y * width;
      if (fx === 1) { // h1v2_fancy_upsample
        const bias = v === 0 ? 1 : 2;
        for (let i = 0; i < w; i++) out[row + i] = (col[i] + bias) >> 2;
      } else if (fy === 1) { // h2v1_fancy_upsample: ¾ nearer + ¼ further, biased 1 and 2; edge columns copied
        for (let i = 0; i < w; i++) {
          const x = 2 * i;
          out[row + x] = i === 0 ? col[0] : (3 * col[i] + col[i - 1] + 1) >> 2;
          if (x + 1 < width) out[row + x + 1] = i === w - 1 ? col[i] : (3 * col[i] + col[i + 1] + 2) >> 2;
        }
      } else { // h2v2_fancy_upsample: the same ¾ / ¼ across, summed ×16, biased 8 and 7
        for (let i = 0; i < w; i++) {
          const x = 2 * i;
          out[row + x] = i === 0 ? (col[0] * 4 + 8) >> 4 : (3 * col[i] + col[i - 1] + 8) >> 4;
          if (x + 1 < width) out[row + x + 1] = i === w - 1 ? (col[i] * 4 + 7) >> 4 : (3 * col[i] + col[i + 1] + 7) >> 4;
        }
      }
    }
  }
  return out;
}

/** jdcolor.c build_ycc_rgb_table: 16-bit fixed point, FIX(x) = round(x·2^16). */
const SCALE = 16, HALF = 1 << (SCALE - 1);
const fix = (x: number) => Math.round(x * (1 << SCALE));
const CR_R = Int32Array.from({ length: 256 }, (_, i) => (fix(1.402) * (i - 128) + HALF) >> SCALE);
const CB_B = Int32Array.from({ length: 256 }, (_, i) => (fix(1.772) * (i - 128) + HALF) >> SCALE);
const CR_G = Int32Array.from({ length: 256 }, (_, i) => -fix(0.71414) * (i - 128));
const CB_G = Int32Array.from({ length: 256 }, (_, i) => -fix(0.34414) * (i - 128) + HALF);
const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/** jdcolor.c ycc_rgb_convert. */
function yccToRgb(y: Uint8Array, cb: Uint8Array, cr: Uint8Array, out: Uint8Array): void {
  for (let p = 0; p < y.length; p++) {
    out[p * 3] = clamp(y[p] + CR_R[cr[p]]);
    out[p * 3 + 1] = clamp(y[p] + ((CB_G[cb[p]] + CR_G[cr[p]]) >> SCALE));
    out[p * 3 + 2] = clamp(y[p] + CB_B[cb[p]]);
  }
}
