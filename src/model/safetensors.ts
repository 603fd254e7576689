/**
 * @file Reading and writing `.safetensors`: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets}, "__metadata__"?}`, then the raw data. Tensors come back
 * as float32 (F16, BF16 and F64 are converted). Every problem is a `CheckpointError` that names
 * the file.
 */

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

export interface SafetensorsFile {
  tensors: Map<string, HostTensor>;
  metadata: Record<string, string>;
}

export function readSafetensors(bytes: Uint8Array, fileName: string, onProgress?: (done: number, total: number) => void): Map<string, HostTensor> {
  return readSafetensorsWithMetadata(bytes, fileName, onProgress).tensors;
}

export function readSafetensorsWithMetadata(bytes: Uint8Array, fileName: string, onProgress?: (done: number, total: number) => void): SafetensorsFile {
  const fail = (why: string): never => {
    throw new CheckpointError(`${fileName}: ${why}`);
  };
  if (bytes.length < 8) fail('not a safetensors file (too short)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen <= 1 || 8 + headerLen > bytes.length) fail('not a safetensors file (bad header length)');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    return fail('not a safetensors file (the header is not JSON)');
  }
  if (!isRecord(header)) return fail('not a safetensors file (the header is not an object)');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata = checkMetadata(header.__metadata__, fail);
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__').map(([name, info]) => checkEntry(name, info, dataLen, fail));
  checkRanges(entries, fail);
  const tensors = new Map<string, HostTensor>();
  let done = 0;
  for (const { name, dtype, shape, begin, end } of entries) {
    tensors.set(name, { shape, data: toFloat32(bytes, dataStart + begin, (end - begin) / DTYPE_BYTES[dtype], dtype) });
    done += end - begin;
    onProgress?.(done, dataLen);
  }
  return { tensors, metadata };
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** `__metadata__` is optional and, by the format's definition, a map of strings to strings. */
function checkMetadata(m: unknown, fail: (why: string) => never): Record<string, string> {
  if (m === undefined) return {};
  if (!isRecord(m)) return fail('__metadata__ is not an object of strings');
  for (const [k, v] of Object.entries(m)) if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
  return m as Record<string, string>;
}

/** One header entry, every field type-checked: an object, a known dtype, integer dims and offsets inside the data. */
function checkEntry(name: string, info: unknown, dataLen: number, fail: (why: string) => never): Entry {
  if (!isRecord(info)) return fail(`tensor "${name}" is not an object {dtype, shape, data_offsets}`);
  const { dtype, shape, data_offsets: offsets } = info;
  if (typeof dtype !== 'string') fail(`tensor "${name}" has no dtype string`);
  if (!((dtype as string) in DTYPE_BYTES)) fail(`tensor "${name}" has dtype ${String(dtype)}; only F32, F16, BF16 and F64 are supported`);
  if (!Array.isArray(shape) || !shape.every(isIndex)) return fail(`tensor "${name}" has an invalid shape (expected an array of non-negative integers)`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    return fail(`tensor "${name}" has invalid data_offsets (expected two non-negative integers)`);
  }
  const [begin, end] = offsets as [number, number];
  if (!(end >= begin && end <= dataLen)) fail(`tensor "${name}" lies outside the file (truncated download?)`);
  const count = shape.reduce((a: number, b: number) => a * b, 1);
  const need = count * DTYPE_BYTES[dtype as string];
  if (end - begin !== need) fail(`tensor "${name}" has ${end - begin} bytes, but ${String(dtype)} [${shape}] needs ${need}`);
  return { name, dtype: dtype as string, shape, begin, end };
}

/** Two tensors sharing bytes would alias one buffer (AdamW would update it twice): refuse overlaps and duplicates. */
function checkRanges(entries: Entry[], fail: (why: string) => never): void {
  const byStart = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < byStart.length; i++) {
    const [a, b] = [byStart[i - 1], byStart[i]];
    if (b.begin < a.end) fail(`tensors "${a.name}" [${a.begin}, ${a.end}) and "${b.name}" [${b.begin}, ${b.end}) overlap in the file`);
  }
}

function toFloat32(bytes: Uint8Array, offset: number, count: number, dtype: string): Float32Array {
  // F32 data at a 4-byte aligned address (the usual case: headers are padded to 8) is used in
  // place, so a checkpoint costs its file size once, not twice.
  if (dtype === 'F32' && (bytes.byteOffset + offset) % 4 === 0) return new Float32Array(bytes.buffer, bytes.byteOffset + offset, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * DTYPE_BYTES[dtype]);
  const out = new Float32Array(count);
  switch (dtype) {
    case 'F32':
      new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + count * 4));
      break;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'F16':
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case 'BF16': {
      // bfloat16 is the top half of a float32
      const u32 = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u32[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
  }
  return out;
}

/** IEEE 754 binary16 → number: sign, 5-bit exponent (bias 15), 10-bit fraction; subnormals, ±inf, NaN. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** F32 only; keys sorted; header padded with spaces to an 8-byte boundary. */
export function writeSafetensors(tensors: Map<string, HostTensor> | Record<string, HostTensor>, metadata?: Record<string, string>): Uint8Array {
  const map = tensors instanceof Map ? tensors : new Map(Object.entries(tensors));
  const names = [...map.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const n of names) {
    const t = map.get(n)!;
    const bytes = t.data.length * 4;
    header[n] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = new Uint8Array(json.length + ((8 - (json.length % 8)) % 8)).fill(0x20);
  headerBytes.set(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const n of names) {
    const t = map.get(n)!;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}
