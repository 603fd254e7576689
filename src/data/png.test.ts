import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { decodeImage, decodeMask, encodePng } from './png';
import { jpegRgb } from './testing';

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
