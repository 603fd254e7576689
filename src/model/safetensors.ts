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
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch {
    return fail('not a safetensors file (the header is not JSON)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('not a safetensors file (the header is not an object)');
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__') as [string, { dtype: string; shape: number[]; data_offsets: [number, number] }][];
  const tensors = new Map<string, HostTensor>();
  let done = 0;
  for (const [name, info] of entries) {
    const { dtype, shape, data_offsets: offsets } = info;
    if (!(dtype in DTYPE_BYTES)) fail(`tensor "${name}" has dtype ${dtype}; only F32, F16, BF16 and F64 are supported`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(`tensor "${name}" has an invalid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2) fail(`tensor "${name}" has invalid data_offsets`);
    const [begin, end] = offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(begin >= 0 && end >= begin && end <= dataLen)) fail(`tensor "${name}" lies outside the file (truncated download?)`);
    if (end - begin !== count * DTYPE_BYTES[dtype]) fail(`tensor "${name}" has ${end - begin} bytes, but ${dtype} [${shape}] needs ${count * DTYPE_BYTES[dtype]}`);
    tensors.set(name, { shape, data: toFloat32(bytes, dataStart + begin, count, dtype) });
    done += end - begin;
    onProgress?.(done, dataLen);
  }
  return { tensors, metadata };
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
