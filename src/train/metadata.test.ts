/** A saved model's `vfm_lab` metadata is validated against a schema: wrong types are refused naming the field. */
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../model/safetensors';
import { parseMetadata, type ModelMetadata } from './session';

const good: ModelMetadata = { classes: [{ name: 'sky', color: [0, 0, 255] }], crop: 64, mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2], heads: 1, act: 'gelu', normEps: 1e-6, family: 'vit' };
const parse = (m: unknown) => parseMetadata({ vfm_lab: JSON.stringify(m) }, 'm.safetensors');

describe('model metadata', () => {
  it('reads well-formed metadata and is absent for a plain timm checkpoint', () => {
    expect(parse(good)).toEqual(good);
    expect(parseMetadata({ format: 'pt' }, 'timm.safetensors')).toBeUndefined();
  });

  it.each([
    ['crop as a string', { ...good, crop: '64' }, /vfm_lab\.crop: Invalid input: expected number/],
    ['a mean of two numbers', { ...good, mean: [0.5, 0.5] }, /vfm_lab\.mean/],
    ['a zero std', { ...good, std: [0, 0, 0] }, /vfm_lab\.std\.0/],
    ['an unknown activation', { ...good, act: 'relu' }, /vfm_lab\.act/],
    ['an unknown family', { ...good, family: 'resnet' }, /vfm_lab\.family/],
    ['a class without a name', { ...good, classes: [{ color: [0, 0, 0] }] }, /vfm_lab\.classes\.0\.name/],
    ['fractional heads', { ...good, heads: 1.5 }, /vfm_lab\.heads/],
    ['not an object', [1, 2], /vfm_lab\.\(root\)/],
  ])('refuses %s, naming the file and the field', (_, meta, message) => {
    expect(() => parse(meta)).toThrow(CheckpointError);
    expect(() => parse(meta)).toThrow(new RegExp(`^m\\.safetensors: __metadata__\\.${message.source}`));
  });

  it('refuses metadata that is not JSON', () => {
    expect(() => parseMetadata({ vfm_lab: '{crop:' }, 'm.safetensors')).toThrow(/^m\.safetensors: __metadata__\.vfm_lab is not valid JSON/);
  });
});
