/**
 * @file Zip archives as a FileSource: only the central directory is read up front; each entry
 * is read and inflated (fflate) when asked for, and checked against its CRC-32. Works on bytes
 * in memory or on any random-access reader (the CLI reads multi-GB zips through a file handle),
 * with zip64 for archives or entries over 4 GiB. Stored and deflated entries; no encryption.
 * Inflation is bounded: an entry's declared size must be under a limit, and it is inflated in
 * small pieces with a running count, so an entry that inflates past its declared size (a zip
 * bomb with a lying header) is refused after at most one piece too many, never inflated whole.
 */
import { Inflate } from 'fflate';
import { DatasetError } from './errors';
import type { FileSource } from './source';

/** Random access to a byte range of something of known size. */
export interface ByteReader {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

interface ZipEntry {
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

const EOCD = 0x06054b50, EOCD64 = 0x06064b50, EOCD64_LOCATOR = 0x07064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;
/** The end-of-directory record (22 bytes + a comment of up to 65535) and the zip64 records before it. */
const TAIL_BYTES = 22 + 65535 + 20 + 56;

/** Default limit on one entry's uncompressed size. */
export const DEFAULT_MAX_ENTRY_BYTES = 512 * 2 ** 20;
/** Compressed bytes per inflate piece: deflate expands at most ~1032×, so one piece yields ≤ ~4 MB. */
const PIECE = 4 * 1024;

export interface ZipLimits {
  /** Largest uncompressed entry accepted, in bytes; default `DEFAULT_MAX_ENTRY_BYTES`. */
  maxEntryBytes?: number;
}

/** Relative, '/'-separated: how every FileSource names its files. */
export const normalizePath = (p: string) => p.replace(/\\/g, '/').replace(/^\.?\//, '');

const viewOf = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const u64 = (v: DataView, at: number) => v.getUint32(at, true) + v.getUint32(at + 4, true) * 2 ** 32;

/** Where the central directory is, from the archive's last `tail` bytes (starting at `tailStart`). */
function locateDirectory(name: string, tail: Uint8Array, tailStart: number): { offset: number; size: number; count: number } {
  const v = viewOf(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (v.getUint32(i, true) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw new DatasetError(`${name}: not a zip file, or a truncated one (no end-of-directory record).`);
  let count = v.getUint16(eocd + 10, true), size = v.getUint32(eocd + 12, true), offset = v.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && v.getUint32(locator, true) === EOCD64_LOCATOR) {
    const at = u64(v, locator + 8) - tailStart;
    if (at < 0 || at + 56 > tail.length || v.getUint32(at, true) !== EOCD64) throw new DatasetError(`${name}: damaged zip64 end-of-directory record.`);
    count = u64(v, at + 32); size = u64(v, at + 40); offset = u64(v, at + 48);
  }
  return { offset, size, count };
}

/** The file entries of a central directory (folders and macOS `__MACOSX/` metadata skipped). */
function parseDirectory(name: string, dir: Uint8Array, count: number): Map<string, ZipEntry> {
  const v = viewOf(dir);
  const decoder = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > dir.length || v.getUint32(at, true) !== CENTRAL) throw new DatasetError(`${name}: damaged zip (bad central directory).`);
    const nameLen = v.getUint16(at + 28, true), extraLen = v.getUint16(at + 30, true);
    const path = normalizePath(decoder.decode(dir.subarray(at + 46, at + 46 + nameLen)));
    const e: ZipEntry = {
      method: v.getUint16(at + 10, true),
      crc: v.getUint32(at + 16, true),
      compressedSize: v.getUint32(at + 20, true),
      size: v.getUint32(at + 24, true),
      localHeader: v.getUint32(at + 42, true),
    };
    readZip64Extra(v, at + 46 + nameLen, extraLen, e);
    if (!path.endsWith('/') && !path.startsWith('__MACOSX/')) entries.set(path, e);
    at += 46 + nameLen + extraLen + v.getUint16(at + 32, true);
  }
  return entries;
}

/** Zip64 extra field (id 1): 64-bit values for exactly those fields stored as 0xFFFFFFFF. */
function readZip64Extra(v: DataView, start: number, length: number, e: ZipEntry): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = v.getUint16(at, true), len = v.getUint16(at + 2, true);
    if (id === 1) {
      let p = at + 4;
      if (e.size === MAX32) { e.size = u64(v, p); p += 8; }
      if (e.compressedSize === MAX32) { e.compressedSize = u64(v, p); p += 8; }
      if (e.localHeader === MAX32) e.localHeader = u64(v, p);
      return;
    }
    at += 4 + len;
  }
}

/** Inflates into a buffer of the declared size, refusing output beyond it as it is produced. */
function inflateBounded(raw: Uint8Array, size: number, what: string): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  const inflate = new Inflate((piece) => {
    if (at + piece.length > size) throw new DatasetError(`${what} inflates to more than its declared ${size} bytes (damaged zip, or a zip bomb); refused.`);
    out.set(piece, at);
    at += piece.length;
  });
  if (raw.length === 0) inflate.push(raw, true);
  for (let i = 0; i < raw.length; i += PIECE) inflate.push(raw.subarray(i, i + PIECE), i + PIECE >= raw.length);
  return at === size ? out : out.subarray(0, at);
}

function source(name: string, entries: Map<string, ZipEntry>, reader: ByteReader, limits: ZipLimits): FileSource {
  const maxEntry = limits.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  return {
    name,
    list: async () => [...entries.keys()].sort(),
    read: async (path) => {
      const e = entries.get(path);
      if (!e) throw new DatasetError(`${name}: missing file ${path}`);
      if (e.method !== 0 && e.method !== 8) throw new DatasetError(`${name}: ${path} uses zip compression method ${e.method}; only stored and deflate are supported.`);
      if (Math.max(e.size, e.compressedSize) > maxEntry) {
        throw new DatasetError(`${name}: ${path} declares ${Math.max(e.size, e.compressedSize)} bytes, over the limit of ${maxEntry} bytes per entry; refused before inflating.`);
      }
      const header = await reader.read(e.localHeader, 30);
      const hv = viewOf(header);
      if (header.length < 30 || hv.getUint32(0, true) !== LOCAL) throw new DatasetError(`${name}: ${path} is damaged (bad local header).`);
      const start = e.localHeader + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
      if (start + e.compressedSize > reader.size) throw new DatasetError(`${name}: ${path} is truncated.`);
      const raw = await reader.read(start, e.compressedSize);
      let data: Uint8Array;
      try {
        data = e.method === 0 ? raw : inflateBounded(raw, e.size, `${name}: ${path}`);
      } catch (err) {
        if (err instanceof DatasetError) throw err;
        throw new DatasetError(`${name}: ${path} could not be decompressed (damaged zip).`);
      }
      // the checksum catches damage that still inflates (and stored entries, which never fail to)
      if (data.length !== e.size || crc32(data) !== e.crc) throw new DatasetError(`${name}: ${path} is damaged (checksum mismatch).`);
      return data;
    },
  };
}

/** A zip archive held in memory; throws a DatasetError at once if it is not a readable zip. */
export function zipSource(name: string, bytes: Uint8Array, limits: ZipLimits = {}): FileSource {
  const dir = locateDirectory(name, bytes, 0);
  if (dir.offset + dir.size > bytes.length) throw new DatasetError(`${name}: damaged or truncated zip (central directory out of bounds).`);
  const entries = parseDirectory(name, bytes.subarray(dir.offset, dir.offset + dir.size), dir.count);
  return source(name, entries, { size: bytes.length, read: async (o, n) => bytes.subarray(o, o + n) }, limits);
}

/** A zip archive behind a random-access reader: reads the tail and the directory now, entries on demand. */
export async function zipSourceFromReader(name: string, reader: ByteReader, limits: ZipLimits = {}): Promise<FileSource> {
  const tailStart = Math.max(0, reader.size - TAIL_BYTES);
  const dir = locateDirectory(name, await reader.read(tailStart, reader.size - tailStart), tailStart);
  if (dir.offset + dir.size > reader.size) throw new DatasetError(`${name}: damaged or truncated zip (central directory out of bounds).`);
  const entries = parseDirectory(name, await reader.read(dir.offset, dir.size), dir.count);
  return source(name, entries, reader, limits);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE), as stored in zip headers. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
