import { Zlib } from 'fflate';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { decodeImage, decodeMask, encodePng } from './png';
import { jpegRgb } from './testing';
import { crc32 } from './zip';

describe('image decoding → RGB', () => {
  it('gray, gray+alpha, RGB, RGBA and palette PNGs', () => {
    const gray = decodeImage(encodePng(2, 1, 1, new Uint8Array([10, 200])), 'g.png');
    expect(Array.from(gray.data)).toEqual([10, 10, 10, 200, 200, 200]);
    const ga = decodeImage(encode({ width: 1, height: 1, channels: 2, depth: 8, data: new Uint8Array([7, 0]) }), 'ga.png');
    expect(Array.from(ga.data)).toEqual([7, 7, 7]);
    const rgb = decodeImage(encodePng(1, 2, 3, new Uint8Array([1, 2, 3, 4, 5, 6])), 'c.png');
    expect([rgb.width, rgb.height, ...rgb.data]).toEqual([1, 2, 1, 2, 3, 4, 5, 6]);
    const rgba = decodeImage(encodePng(1, 1, 4, new Uint8Array([9, 8, 7, 0])), 'a.png');
    expect(Array.from(rgba.data)).toEqual([9, 8, 7]);
    const pal = decodeImage(encodePng(2, 1, 1, new Uint8Array([1, 0]), [[0, 0, 0], [250, 100, 5]]), 'p.png');
    expect(Array.from(pal.data)).toEqual([250, 100, 5, 0, 0, 0]);
    const deep = decodeImage(encode({ width: 1, height: 1, channels: 3, depth: 16, data: new Uint16Array([65535, 0, 32768]) }), 'd.png');
    expect(Array.from(deep.data)).toEqual([255, 0, 128]);
  });

  it('JPEG (colour and grayscale)', () => {
    const j = decodeImage(jpegRgb(16, 8, () => [200, 30, 30]), 'x.jpg');
    expect([j.width, j.height, j.data.length]).toEqual([16, 8, 16 * 8 * 3]);
    expect(Math.abs(j.data[0] - 200) + Math.abs(j.data[1] - 30)).toBeLessThan(12);
  });
});

describe('mask decoding → class ids', () => {
  it('keeps palette indices, never colours', () => {
    const palette: [number, number, number][] = [[0, 0, 0], [128, 0, 0], [0, 128, 0]];
    const m = decodeMask(encodePng(3, 1, 1, new Uint8Array([2, 0, 1]), palette), 'm.png');
    expect(Array.from(m.data)).toEqual([2, 0, 1]);
  });

  it('unpacks low-bit-depth palette masks', () => {
    const palette: [number, number, number][] = [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]];
    const packed = new Uint8Array([0b00011011, 0b11100100]); // 2-bit indices 0 1 2 3 / 3 2 1 0
    const m = decodeMask(encode({ width: 4, height: 2, depth: 2, channels: 1, data: packed, palette }), 'm.png');
    expect(Array.from(m.data)).toEqual([0, 1, 2, 3, 3, 2, 1, 0]);
  });

  it('refuses colour, 16-bit and non-PNG masks, naming the file', () => {
    expect(() => decodeMask(encodePng(1, 1, 3, new Uint8Array(3)), 'c.png')).toThrow(/^c\.png: the mask has 3 channels/);
    expect(() => decodeMask(encode({ width: 1, height: 1, channels: 1, depth: 16, data: new Uint16Array(1) }), 'd.png')).toThrow(/^d\.png: 16-bit masks/);
    expect(() => decodeMask(jpegRgb(8, 8, () => [0, 0, 0]), 'j.jpg')).toThrow(DatasetError);
  });
});

/** A valid gray PNG of w×h pixels at `depth` bits, all zero: a few KB of deflate for any size (a decompression bomb). */
function zeroPng(w: number, h: number, depth: 1 | 8): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set(new TextEncoder().encode(type), 4);
    out.set(data, 8);
    v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, w); hv.setUint32(4, h); ihdr[8] = depth; ihdr[9] = 0; // gray
  const rowBytes = 1 + Math.ceil((w * depth) / 8); // filter byte + packed samples
  const parts: Uint8Array[] = [];
  const z = new Zlib({ level: 9 }, (d) => { parts.push(d); });
  const rows = Math.max(1, Math.floor((4 << 20) / rowBytes));
  const block = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < h; y += rows) z.push(block.subarray(0, Math.min(rows, h - y) * rowBytes), y + rows >= h);
  const idat = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (idat.set(p, at), at + p.length), 0);
  const all = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const png = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  all.reduce((at, p) => (png.set(p, at), at + p.length), 0);
  return png;
}

describe('bounded decoding: the header is checked against a pixel limit before anything is allocated', () => {
  it('refuses a 30000×30000 1-bit PNG bomb (a ~100 KB file worth gigabytes) as an image and as a mask', () => {
    const bomb = zeroPng(30000, 30000, 1);
    expect(bomb.length).toBeLessThan(200_000);
    const refusal = /^bomb\.png: 30000×30000 pixels \(900 MP\) is over the limit of 64 MP per image; refused before decoding/;
    expect(() => decodeImage(bomb, 'bomb.png')).toThrow(refusal);
    expect(() => decodeMask(bomb, 'bomb.png')).toThrow(refusal);
    expect(() => decodeImage(bomb, 'bomb.png')).toThrow(DatasetError);
  });

  it('the limit is what refuses: the same image decodes under a higher limit, and a lower one refuses it', () => {
    const png = zeroPng(1200, 1000, 8);
    expect(decodeMask(png, 'ok.png').data.length).toBe(1_200_000);
    expect(() => decodeMask(png, 'ok.png', { maxPixels: 1_000_000 })).toThrow(/^ok\.png: 1200×1000 pixels \(1\.2 MP\) is over the limit of 1 MP/);
    expect(decodeImage(png, 'ok.png', { maxPixels: 1_200_000 }).width).toBe(1200);
  });

  it('refuses a JPEG whose frame header declares too many pixels, before jpeg-js allocates', () => {
    const j = jpegRgb(16, 8, () => [1, 2, 3]);
    expect(decodeImage(j, 'small.jpg', { maxPixels: 128 }).width).toBe(16);
    expect(() => decodeImage(j, 'small.jpg', { maxPixels: 127 })).toThrow(/^small\.jpg: 16×8 pixels .* over the limit/);
    // patch the start-of-frame to 30000×30000 (a bomb's header; the data are still those of 16×8)
    const bomb = Uint8Array.from(j);
    const sof = bomb.findIndex((b, i) => b === 0xff && bomb[i + 1] === 0xc0);
    bomb[sof + 5] = 30000 >> 8; bomb[sof + 6] = 30000 & 0xff; bomb[sof + 7] = 30000 >> 8; bomb[sof + 8] = 30000 & 0xff;
    expect(() => decodeImage(bomb, 'bomb.jpg')).toThrow(/^bomb\.jpg: 30000×30000 pixels \(900 MP\) is over the limit of 64 MP/);
  });
});

describe('gray bit depths', () => {
  it('1-, 2- and 4-bit gray images are scaled to 0…255; masks keep their values', () => {
    const one = encode({ width: 8, height: 1, depth: 1, channels: 1, data: new Uint8Array([0b10100000]) });
    expect(Array.from(decodeImage(one, '1.png').data.filter((_, i) => i % 3 === 0))).toEqual([255, 0, 255, 0, 0, 0, 0, 0]);
    expect(Array.from(decodeMask(one, '1.png').data)).toEqual([1, 0, 1, 0, 0, 0, 0, 0]);
    const two = encode({ width: 4, height: 1, depth: 2, channels: 1, data: new Uint8Array([0b00011011]) });
    expect(Array.from(decodeImage(two, '2.png').data.filter((_, i) => i % 3 === 0))).toEqual([0, 85, 170, 255]);
    const four = encode({ width: 2, height: 1, depth: 4, channels: 1, data: new Uint8Array([0x0f]) });
    expect(Array.from(decodeImage(four, '4.png').data.filter((_, i) => i % 3 === 0))).toEqual([0, 255]);
  });
});
