/**
 * @file A test-only ablation: the demo ViT with attention's token mixing removed. Each block's
 * attention returns proj(v) — the value projection of the token itself, softmax(q·kᵀ)·v replaced
 * by v — so no token ever sees another; everything else (patch embedding, MLPs, norms, decoder)
 * is the model of src/model/vit.ts. The learning test trains both and expects the full model to
 * win on the demo, whose classes only context can tell apart.
 */
import { add, layerNorm, linear, slice, type Tensor } from '../../graph';
import { decode, mlp, numPrefixTokens, patchEmbed, posEmbed, type Params, type VitConfig } from '../vit';

function valuesOnly(x: Tensor, p: Params, prefix: string): Tensor {
  const d = x.shape[2];
  const v = slice(linear(x, p[`${prefix}.qkv.weight`], p[`${prefix}.qkv.bias`]), 2, 2 * d, 3 * d);
  return linear(v, p[`${prefix}.proj.weight`], p[`${prefix}.proj.bias`]);
}

/** `segmenter` of vit.ts (no layer scale, no pre-norm: the demo's layout) without token mixing. */
export function segmenterWithoutAttention(image: Tensor, p: Params, c: VitConfig): Tensor {
  if (c.layerScale || c.preNorm) throw new Error('segmenterWithoutAttention: only the demo layout (no layer scale, no pre-norm)');
  let x = posEmbed(patchEmbed(image, p, c.patchSize), p, c);
  for (let i = 0; i < c.depth; i++) {
    const b = `blocks.${i}`;
    x = add(x, valuesOnly(layerNorm(x, p[`${b}.norm1.weight`], p[`${b}.norm1.bias`], c.normEps), p, `${b}.attn`));
    x = add(x, mlp(layerNorm(x, p[`${b}.norm2.weight`], p[`${b}.norm2.bias`], c.normEps), p, `${b}.mlp`, c.act));
  }
  x = layerNorm(x, p['norm.weight'], p['norm.bias'], c.normEps);
  const [, , h, w] = image.shape;
  return decode(slice(x, 1, numPrefixTokens(c), x.shape[1]), p, c, h, w);
}
