/** safetensors round trip, F16/BF16/F64 conversion against the bit formulas, and every refusal. */
import { describe, expect, it } from 'vitest';
import { CheckpointError, halfToFloat, readSafetensors, readSafetensorsWithMetadata, writeSafetensors } from './safetensors';

/** A safetensors file with raw tensor bytes of any dtype. */
function fileWith(tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>, headerOverride?: string): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = {};
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = new TextEncoder().encode(headerOverride ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) { out.set(t.bytes, at); at += t.bytes.length; }
  return out;
}
const u16 = (values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);

describe('safetensors', () => {
  it('round-trips float32 tensors and metadata, keys sorted, header 8-byte aligned', () => {
    const bytes = writeSafetensors({ 'b.weight': { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) }, a: { shape: [1], data: Float32Array.from([-0.5]) } }, { note: 'é' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLen) % 8).toBe(0);
    const { tensors, metadata } = readSafetensorsWithMetadata(bytes, 'x.safetensors');
    expect([...tensors.keys()]).toEqual(['a', 'b.weight']);
    expect(Array.from(tensors.get('b.weight')!.data)).toEqual([1, 2, 3, 4]);
    expect(metadata.note).toBe('é');
  });

  it('uses aligned F32 data in place (memory is not doubled) and copies unaligned data', () => {
    const bytes = writeSafetensors({ w: { shape: [3], data: Float32Array.from([1, 2, 3]) } });
    expect(readSafetensors(bytes, 'a.safetensors').get('w')!.data.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.length + 1).fill(7);
    shifted.set(bytes, 1);
    const t = readSafetensors(shifted.subarray(1), 'b.safetensors').get('w')!;
    expect(t.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
  });

  it('converts F16 (normal, subnormal, ±inf) and BF16 and F64 to float32', () => {
    // 0x3c00 = 1, 0xc000 = −2, 0x0001 = 2^−24 (smallest subnormal), 0x7c00 = +inf, 0x3555 ≈ 0.333
    const f16 = [0x3c00, 0xc000, 0x0001, 0x7c00, 0x3555];
    const t = readSafetensors(fileWith({
      h: { dtype: 'F16', shape: [5], bytes: u16(f16) },
      b: { dtype: 'BF16', shape: [2], bytes: u16([0x3f80, 0xc0a0]) }, // 1, −5
      d: { dtype: 'F64', shape: [1], bytes: new Uint8Array(Float64Array.from([Math.PI]).buffer) },
    }), 'mixed.safetensors');
    expect(Array.from(t.get('h')!.data)).toEqual([1, -2, 2 ** -24, Infinity, Math.fround(halfToFloat(0x3555))]);
    expect(halfToFloat(0x3555)).toBeCloseTo(1 / 3, 3);
    expect(Array.from(t.get('b')!.data)).toEqual([1, -5]);
    expect(t.get('d')!.data[0]).toBeCloseTo(Math.PI, 6);
  });

  it('refuses bad files with a message that names the file', () => {
    const ok = { dtype: 'F32', shape: [2], bytes: new Uint8Array(8) };
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(3), 'too short'],
      [fileWith({ w: ok }, '{not json'), 'header is not JSON'],
      [fileWith({ w: { dtype: 'I8', shape: [8], bytes: new Uint8Array(8) } }), 'dtype I8'],
      [fileWith({ w: { dtype: 'F32', shape: [3], bytes: new Uint8Array(8) } }), 'needs 12'],
      [fileWith({ w: ok }).slice(0, -4), 'outside the file'],
    ];
    for (const [bytes, why] of cases) {
      expect(() => readSafetensors(bytes, 'ckpt.safetensors')).toThrow(CheckpointError);
      expect(() => readSafetensors(bytes, 'ckpt.safetensors')).toThrow(new RegExp(`^ckpt\\.safetensors: .*${why}`));
    }
  });
});

describe('safetensors header hardening: every entry type-checked, no shared bytes', () => {
  /** A file whose header is `header` (JSON), followed by `dataBytes` zero bytes. */
  const raw = (header: unknown, dataBytes = 16) => fileWith({ pad: { dtype: 'U8', shape: [dataBytes], bytes: new Uint8Array(dataBytes) } }, JSON.stringify(header));
  const cases: [string, unknown, RegExp][] = [
    ['a null entry', { a: null }, /^h\.safetensors: tensor "a" is not an object \{dtype, shape, data_offsets\}/],
    ['an array entry', { a: [1, 2] }, /tensor "a" is not an object/],
    ['a dtype that is not a string', { a: { dtype: 4, shape: [1], data_offsets: [0, 4] } }, /tensor "a" has no dtype string/],
    ['offsets given as strings', { a: { dtype: 'F32', shape: [1], data_offsets: ['0', '4'] } }, /tensor "a" has invalid data_offsets \(expected two non-negative integers\)/],
    ['fractional offsets', { a: { dtype: 'F32', shape: [1], data_offsets: [0.5, 4.5] } }, /tensor "a" has invalid data_offsets/],
    ['a shape with a string', { a: { dtype: 'F32', shape: ['1'], data_offsets: [0, 4] } }, /tensor "a" has an invalid shape/],
    ['a negative offset', { a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, /tensor "a" has invalid data_offsets/],
    ['overlapping ranges', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } },
      /tensors "a" \[0, 8\) and "b" \[4, 12\) overlap in the file/],
    ['duplicate ranges', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, /"a" \[0, 8\) and "b" \[0, 8\) overlap/],
    ['metadata that is not an object', { __metadata__: 'x', a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, /__metadata__ is not an object of strings/],
    ['a metadata value that is not a string', { __metadata__: { vfm_lab: { crop: 1 } } }, /__metadata__\.vfm_lab is not a string/],
  ];
  it.each(cases)('refuses %s, naming the file', (_, header, message) => {
    expect(() => readSafetensors(raw(header), 'h.safetensors')).toThrow(message);
    expect(() => readSafetensors(raw(header), 'h.safetensors')).toThrow(CheckpointError);
  });

  it('accepts adjacent ranges and zero-sized tensors at the same offset', () => {
    const header = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] }, e: { dtype: 'F32', shape: [0], data_offsets: [8, 8] }, f: { dtype: 'F32', shape: [0], data_offsets: [8, 8] } };
    expect([...readSafetensors(raw(header), 'ok.safetensors').keys()]).toEqual(['a', 'b', 'e', 'f']);
  });
});
