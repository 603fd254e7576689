import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { crc32, zipSource, zipSourceFromReader, type ByteReader } from './zip';
import { text } from './testing';

/** A reader over bytes that records how much was read. */
function countingReader(bytes: Uint8Array): ByteReader & { bytesRead: number } {
  const r = {
    size: bytes.length,
    bytesRead: 0,
    read: async (offset: number, length: number) => {
      r.bytesRead += length;
      return bytes.slice(offset, offset + length);
    },
  };
  return r;
}

/** A one-entry stored zip written in zip64 form (sizes and offset in the zip64 extra field, zip64 end records). */
function zip64Stored(path: string, data: Uint8Array): Uint8Array {
  const name = text(path);
  const local = new Uint8Array(30 + name.length + data.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true); lv.setUint16(4, 45, true);
  lv.setUint32(14, crc32(data), true); lv.setUint32(18, data.length, true); lv.setUint32(22, data.length, true);
  lv.setUint16(26, name.length, true);
  local.set(name, 30); local.set(data, 30 + name.length);
  const central = new Uint8Array(46 + name.length + 28);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true); cv.setUint16(4, 45, true); cv.setUint16(6, 45, true);
  cv.setUint32(16, crc32(data), true); cv.setUint32(20, 0xffffffff, true); cv.setUint32(24, 0xffffffff, true);
  cv.setUint16(28, name.length, true); cv.setUint16(30, 28, true); cv.setUint32(42, 0xffffffff, true);
  central.set(name, 46);
  const x = 46 + name.length;
  cv.setUint16(x, 1, true); cv.setUint16(x + 2, 24, true);
  cv.setBigUint64(x + 4, BigInt(data.length), true); cv.setBigUint64(x + 12, BigInt(data.length), true); cv.setBigUint64(x + 20, 0n, true);
  const end = new Uint8Array(56 + 20 + 22);
  const ev = new DataView(end.buffer);
  const cdOffset = local.length, eocd64At = local.length + central.length;
  ev.setUint32(0, 0x06064b50, true); ev.setBigUint64(4, 44n, true);
  ev.setBigUint64(24, 1n, true); ev.setBigUint64(32, 1n, true); ev.setBigUint64(40, BigInt(central.length), true); ev.setBigUint64(48, BigInt(cdOffset), true);
  ev.setUint32(56, 0x07064b50, true); ev.setBigUint64(64, BigInt(eocd64At), true); ev.setUint32(72, 1, true);
  ev.setUint32(76, 0x06054b50, true); ev.setUint16(84, 0xffff, true); ev.setUint16(86, 0xffff, true);
  ev.setUint32(88, 0xffffffff, true); ev.setUint32(92, 0xffffffff, true);
  const out = new Uint8Array(local.length + central.length + end.length);
  out.set(local); out.set(central, local.length); out.set(end, local.length + central.length);
  return out;
}

describe('zip reading', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
  });

  it('opens through a random-access reader, reading only the directory up front', async () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`d/f${i}.bin`] = Uint8Array.from({ length: 20_000 }, (_, k) => (k * 31 + i) & 0xff);
    const zip = zipSync(files, { level: 0 });
    const reader = countingReader(zip);
    const src = await zipSourceFromReader('big.zip', reader);
    expect(await src.list()).toHaveLength(20);
    expect(reader.bytesRead).toBeLessThan(zip.length / 4);
    expect(await src.read('d/f7.bin')).toEqual(files['d/f7.bin']);
  });

  it('reads zip64 archives, in memory and through a reader', async () => {
    const zip = zip64Stored('big/one.txt', text('zip64 payload'));
    expect(new TextDecoder().decode(await zipSource('z64.zip', zip).read('big/one.txt'))).toBe('zip64 payload');
    const src = await zipSourceFromReader('z64.zip', countingReader(zip));
    expect(await src.list()).toEqual(['big/one.txt']);
    expect(new TextDecoder().decode(await src.read('big/one.txt'))).toBe('zip64 payload');
  });

  it('refuses a truncated archive through a reader, naming it', async () => {
    const zip = zipSync({ 'a.txt': text('a') });
    await expect(zipSourceFromReader('cut.zip', countingReader(zip.subarray(0, zip.length - 5)))).rejects.toThrow(/^cut\.zip: not a zip file, or a truncated one/);
    await expect(zipSourceFromReader('cut.zip', countingReader(zip.subarray(0, zip.length - 5)))).rejects.toBeInstanceOf(DatasetError);
  });
});

describe('bounded inflation', () => {
  /** A one-entry deflated zip of `n` zero bytes whose central directory then declares `declared` bytes. */
  function zerosZip(n: number, declared = n): Uint8Array {
    const zip = zipSync({ 'masks/x.png': new Uint8Array(n) }, { level: 9 });
    const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const central = zip.findIndex((_, i) => i + 4 <= zip.length && v.getUint32(i, true) === 0x02014b50);
    v.setUint32(central + 24, declared, true);
    return zip;
  }

  it('refuses an entry that declares 2 GB before inflating it, naming the archive, the entry and the limit', async () => {
    const zip = zerosZip(1 << 20, 2 ** 31);
    expect(zip.length).toBeLessThan(10_000);
    await expect(zipSource('bomb.zip', zip).read('masks/x.png')).rejects.toThrow(
      /^bomb\.zip: masks\/x\.png declares 2147483648 bytes, over the limit of 536870912 bytes per entry; refused before inflating/,
    );
    await expect(zipSource('bomb.zip', zip).read('masks/x.png')).rejects.toBeInstanceOf(DatasetError);
  });

  it('the limit is settable: the same entry reads under it and is refused over it', async () => {
    const zip = zerosZip(4 << 20);
    expect((await zipSource('z.zip', zip).read('masks/x.png')).length).toBe(4 << 20);
    await expect(zipSource('z.zip', zip, { maxEntryBytes: 1 << 20 }).read('masks/x.png')).rejects.toThrow(/declares 4194304 bytes, over the limit of 1048576/);
    const src = await zipSourceFromReader('z.zip', countingReader(zip), { maxEntryBytes: 1 << 20 });
    await expect(src.read('masks/x.png')).rejects.toThrow(/over the limit of 1048576/);
  });

  it('stops an entry that inflates past its declared size (a lying header) while inflating, not after', async () => {
    const zip = zerosZip(16 << 20, 1000);
    await expect(zipSource('liar.zip', zip).read('masks/x.png')).rejects.toThrow(
      /^liar\.zip: masks\/x\.png inflates to more than its declared 1000 bytes \(damaged zip, or a zip bomb\); refused/,
    );
  });
});
