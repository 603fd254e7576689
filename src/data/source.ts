/**
 * @file Where dataset files come from: a folder (the CLI's node:fs source, the browser's folder
 * picker), a `.zip`, or memory (the synthetic demo). Paths are relative and '/'-separated.
 * Zip entries are inflated one at a time when read, never the whole archive up front.
 */
import { inflateSync } from 'fflate';
import { DatasetError } from './errors';

export interface FileSource {
  name: string;
  list(): Promise<string[]>;
  read(path: string): Promise<Uint8Array>;
}

export function memorySource(name: string, files: { path: string; bytes: Uint8Array }[]): FileSource {
  const byPath = new Map(files.map((f) => [normalizePath(f.path), f.bytes]));
  return {
    name,
    list: async () => [...byPath.keys()].sort(),
    read: async (path) => {
      const b = byPath.get(path);
      if (!b) throw new DatasetError(`${name}: missing file ${path}`);
      return b;
    },
  };
}

export const normalizePath = (p: string) => p.replace(/\\/g, '/').replace(/^\.?\//, '');

interface ZipEntry {
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/** A zip archive read from its central directory; stored and deflated entries (no zip64). */
export function zipSource(name: string, bytes: Uint8Array): FileSource {
  const entries = readCentralDirectory(name, bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    name,
    list: async () => [...entries.keys()].sort(),
    read: async (path) => {
      const e = entries.get(path);
      if (!e) throw new DatasetError(`${name}: missing file ${path}`);
      if (view.getUint32(e.localHeader, true) !== 0x04034b50) throw new DatasetError(`${name}: ${path} is damaged (bad local header)`);
      const start = e.localHeader + 30 + view.getUint16(e.localHeader + 26, true) + view.getUint16(e.localHeader + 28, true);
      if (start + e.compressedSize > bytes.length) throw new DatasetError(`${name}: ${path} is truncated`);
      const raw = bytes.subarray(start, start + e.compressedSize);
      if (e.method !== 0 && e.method !== 8) throw new DatasetError(`${name}: ${path} uses zip compression method ${e.method}; only stored and deflate are supported.`);
      let data: Uint8Array;
      try {
        data = e.method === 0 ? raw : inflateSync(raw, { out: new Uint8Array(e.size) });
      } catch {
        throw new DatasetError(`${name}: ${path} could not be decompressed (damaged zip).`);
      }
      // the checksum catches damage that still inflates (or stored entries, which never fail to)
      if (data.length !== e.size || crc32(data) !== e.crc) throw new DatasetError(`${name}: ${path} is damaged (checksum mismatch).`);
      return data;
    },
  };
}

function readCentralDirectory(name: string, bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DatasetError(`${name}: not a zip file (or a damaged one: no end-of-directory record)`);
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  if (count === 0xffff || at === 0xffffffff) throw new DatasetError(`${name}: zip64 archives are not supported; re-zip without zip64`);
  const decoder = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new DatasetError(`${name}: damaged zip (bad central directory)`);
    const nameLen = view.getUint16(at + 28, true);
    const path = normalizePath(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLen)));
    if (!path.endsWith('/') && !path.startsWith('__MACOSX/')) {
      entries.set(path, {
        method: view.getUint16(at + 10, true),
        crc: view.getUint32(at + 16, true),
        compressedSize: view.getUint32(at + 20, true),
        size: view.getUint32(at + 24, true),
        localHeader: view.getUint32(at + 42, true),
      });
    }
    at += 46 + nameLen + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
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
