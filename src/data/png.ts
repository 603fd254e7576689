/**
 * @file Image and mask decoding (fast-png; JPEG as PIL decodes it, ./jpeg). Images become RGB;
 * masks become class-id bytes — palette PNGs by their indices, never their colours. Every decode
 * is bounded: the size in the file's header is checked against a pixel limit before anything is
 * allocated (a 100 KB PNG can declare 30000×30000 pixels and cost gigabytes).
 */
import { decode as decodePngRaw, encode as encodePngRaw } from 'fast-png';
import { DatasetError } from './errors';
import { decodeJpegRgb, readJpegFrame } from './jpeg';

export interface RgbImage {
  width: number;
  height: number;
  /** RGB, HWC, 8 bits. */
  data: Uint8Array;
}

export interface Mask {
  width: number;
  height: number;
  /** One byte per pixel: a class id or 255. */
  data: Uint8Array;
}

/** Default pixel limit per image or mask (width × height): 64 megapixels. */
export const DEFAULT_MAX_PIXELS = 64_000_000;

export interface DecodeLimits {
  /** Largest width × height accepted; default `DEFAULT_MAX_PIXELS`. */
  maxPixels?: number;
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Width and height from the PNG's IHDR chunk (always the first, at byte 16), before any inflation. */
function pngSize(bytes: Uint8Array): [number, number] | undefined {
  if (bytes.length < 24) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

/** Refuses an image whose header declares more pixels than the limit, naming the file and the limit. */
function checkPixels(size: [number, number] | undefined, file: string, limits: DecodeLimits): void {
  const max = limits.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (!size) return; // no readable header: the decoder reports the damage
  const [w, h] = size;
  if (w * h > max) {
    throw new DatasetError(`${file}: ${w}×${h} pixels (${mp(w * h)} MP) is over the limit of ${mp(max)} MP per image; refused before decoding (the CLI raises the limit with --max-pixels).`);
  }
}
const mp = (n: number) => String(Number((n / 1e6).toPrecision(3)));

function png(bytes: Uint8Array, file: string, limits: DecodeLimits) {
  checkPixels(pngSize(bytes), file, limits);
  try {
    const img = decodePngRaw(bytes);
    if (img.width === 0 || img.height === 0) throw new Error('zero-sized image');
    return img;
  } catch (e) {
    throw new DatasetError(`${file}: unreadable PNG, the file is truncated or damaged (${(e as Error).message}).`);
  }
}

/** 8-bit samples, whatever the PNG's bit depth (1/2/4-bit indices are unpacked, 16-bit is scaled). */
function samples(img: ReturnType<typeof decodePngRaw>): Uint8Array {
  const n = img.width * img.height * img.channels;
  if (img.depth === 8) return img.data as Uint8Array;
  if (img.depth === 16) return Uint8Array.from(img.data as Uint16Array, (v) => v >> 8);
  const out = new Uint8Array(n);
  const perByte = 8 / img.depth;
  const rowBytes = Math.ceil((img.width * img.channels) / perByte);
  const mask = (1 << img.depth) - 1;
  const src = img.data as Uint8Array;
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width * img.channels; x++) {
    const byte = src[y * rowBytes + Math.floor(x / perByte)];
    out[y * img.width * img.channels + x] = (byte >> (8 - img.depth * (1 + (x % perByte)))) & mask;
  }
  return out;
}

export function decodeImage(bytes: Uint8Array, file: string, limits: DecodeLimits = {}): RgbImage {
  if (isJpeg(bytes)) {
    const frame = readJpegFrame(bytes);
    checkPixels(frame && [frame.width, frame.height], file, limits);
    try {
      const j = decodeJpegRgb(bytes, limits.maxPixels ?? DEFAULT_MAX_PIXELS); // as PIL decodes it (./jpeg)
      if (!j.width || !j.height) throw new Error('zero-sized image');
      return j;
    } catch (e) {
      throw new DatasetError(`${file}: unreadable JPEG, the file is truncated or damaged (${(e as Error).message}).`);
    }
  }
  if (!isPng(bytes)) throw new DatasetError(`${file}: not an image (expected a PNG or JPEG file).`);
  const img = png(bytes, file, limits);
  const s = samples(img);
  const n = img.width * img.height;
  // gray at 1/2/4 bits: samples are 0…2^depth − 1; scale them to 0…255 (palette indices stay indices)
  if (!img.palette && img.depth < 8) {
    const scale = 255 / ((1 << img.depth) - 1);
    for (let i = 0; i < s.length; i++) s[i] = s[i] * scale;
  }
  const rgb = new Uint8Array(n * 3);
  if (img.palette) {
    for (let i = 0; i < n; i++) {
      const c = img.palette[s[i]] ?? [0, 0, 0];
      rgb[i * 3] = c[0]; rgb[i * 3 + 1] = c[1]; rgb[i * 3 + 2] = c[2];
    }
    return { width: img.width, height: img.height, data: rgb };
  }
  const ch = img.channels;
  for (let i = 0; i < n; i++) {
    if (ch <= 2) rgb.fill(s[i * ch], i * 3, i * 3 + 3); // gray (+ alpha)
    else { rgb[i * 3] = s[i * ch]; rgb[i * 3 + 1] = s[i * ch + 1]; rgb[i * 3 + 2] = s[i * ch + 2]; }
  }
  return { width: img.width, height: img.height, data: rgb };
}

/** Masks: 8-bit gray or palette PNG; the stored value (or palette index) is the class id. */
export function decodeMask(bytes: Uint8Array, file: string, limits: DecodeLimits = {}): Mask {
  if (!isPng(bytes)) throw new DatasetError(`${file}: a mask must be a PNG (single-channel or palette), but this is ${isJpeg(bytes) ? 'a JPEG' : 'not an image'}.`);
  const img = png(bytes, file, limits);
  if (img.channels !== 1 && !img.palette) {
    throw new DatasetError(`${file}: the mask has ${img.channels} channels; expected a single-channel or palette PNG of class ids.`);
  }
  if (img.depth === 16) throw new DatasetError(`${file}: 16-bit masks are not supported; save class ids as 8-bit.`);
  return { width: img.width, height: img.height, data: Uint8Array.from(samples(img)) };
}

/** An 8-bit PNG; with `palette` (channels 1) the data are palette indices, as in VOC masks. */
export function encodePng(width: number, height: number, channels: 1 | 3 | 4, data: Uint8Array, palette?: [number, number, number][]): Uint8Array {
  return encodePngRaw({ width, height, data, depth: 8, channels, ...(palette ? { palette } : {}) });
}
