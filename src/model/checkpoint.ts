/**
 * @file From a timm-style checkpoint (tensors by timm key) to a ready-to-train model: the
 * architecture is inferred from the tensors, position embeddings are resampled to the crop's
 * grid once, and the decoder is reused or freshly initialised. Every problem is a
 * `CheckpointError` that names the file.
 */
import { mulberry32 } from '../data/random';
import { sameShape } from '../graph/shape';
import { blockDepth } from './blocks';
import type { FamilyName } from './presets';
import { resamplePatchEmbed, resamplePosEmbed } from './resample';
import { CheckpointError, type HostTensor } from './safetensors';
import { parameterShapes, type Activation, type VitConfig } from './vit';

/** Norm eps and activation of the families that are timm ViTs with flags (timm's definitions). */
export const VIT_FAMILIES: Partial<Record<FamilyName, { normEps: number; act: Activation }>> = {
  vit: { normEps: 1e-6, act: 'gelu' },
  dinov2: { normEps: 1e-6, act: 'gelu' },
  clip: { normEps: 1e-5, act: 'gelu' },
  'clip-quickgelu': { normEps: 1e-5, act: 'quickgelu' },
  siglip: { normEps: 1e-6, act: 'gelu' }, // timm's SigLIP (v1) ViT-B uses exact GELU; gelu_tanh is SigLIP 2's
};

export interface LoadOptions {
  numClasses: number;
  crop: number;
  /** Sets the norm eps and activation (explicit `act` / `normEps` win). */
  family?: FamilyName;
  /** Resample the patch embedding to this patch size (the benchmark runs every model at 16). */
  patchSize?: number;
  heads?: number;
  act?: Activation;
  normEps?: number;
  /** Seed for a freshly initialised decoder. */
  seed?: number;
  /** SAM: the attention window the checkpoint was trained with (vfm-lab records it); default from its rel-pos tables. */
  windowSize?: number;
  /** SAM: resize the rel-pos tables once, at load, to 2·n+1 entries and train those (the benchmark's rule; see sam.ts). */
  resizeRelPos?: boolean;
}

export interface LoadedModel {
  config: VitConfig;
  /** Every parameter of `config`, in timm names, float32. */
  weights: Map<string, HostTensor>;
  notices: string[];
}

/** Keys of timm checkpoints that the segmenter does not use. */
const IGNORED = [/^head\./, /^fc_norm\./, /^attn_pool\./, /^head_drop/, /^mask_token$/];

export function inferConfig(t: Map<string, HostTensor>, file: string, opts: LoadOptions): VitConfig {
  const need = (k: string) => {
    const v = t.get(k);
    if (!v) throw new CheckpointError(`${file}: missing required tensor "${k}" (is this a timm ViT checkpoint?)`);
    return v;
  };
  const proj = need('patch_embed.proj.weight');
  if (proj.shape.length !== 4 || proj.shape[2] !== proj.shape[3]) {
    throw new CheckpointError(`${file}: patch_embed.proj.weight has shape [${proj.shape}], expected [dim, 3, p, p]`);
  }
  const [embedDim, , checkpointPatch] = proj.shape;
  const patchSize = opts.patchSize ?? checkpointPatch;
  const family = opts.family ? VIT_FAMILIES[opts.family] : undefined;
  if (opts.family && !family) throw new CheckpointError(`${file}: the ${opts.family} family is not supported by this build yet`);
  let depth: number;
  try {
    depth = blockDepth(t.keys());
  } catch (e) {
    throw new CheckpointError(`${file}: ${(e as Error).message}`);
  }
  if (depth === 0) throw new CheckpointError(`${file}: no transformer blocks (blocks.N.*) found`);
  const clsTokens = t.has('cls_token') ? 1 : 0;
  const regTokens = t.get('reg_token')?.shape[1] ?? 0;
  const heads = opts.heads ?? Math.max(1, Math.round(embedDim / 64));
  if (embedDim % heads) throw new CheckpointError(`${file}: embed dim ${embedDim} is not divisible by ${heads} heads (use --heads)`);
  const pos = t.get('pos_embed');
  let posEmbed: VitConfig['posEmbed'] = 'none';
  if (pos) {
    const n = pos.shape[1];
    const isSquare = (v: number) => v > 0 && Number.isInteger(Math.sqrt(v));
    if (isSquare(n)) posEmbed = 'patch-only';
    else if (isSquare(n - clsTokens - regTokens)) posEmbed = 'with-prefix';
    else throw new CheckpointError(`${file}: pos_embed has ${n} entries, which is neither a square grid nor a grid plus ${clsTokens + regTokens} prefix tokens`);
  }
  return {
    embedDim, depth, heads, patchSize,
    mlpHidden: need('blocks.0.mlp.fc1.weight').shape[0],
    clsTokens, regTokens, posEmbed,
    layerScale: t.has('blocks.0.ls1.gamma'),
    preNorm: t.has('norm_pre.weight'),
    qkvBias: t.has('blocks.0.attn.qkv.bias'),
    patchBias: t.has('patch_embed.proj.bias'),
    normEps: opts.normEps ?? family?.normEps ?? 1e-6,
    act: opts.act ?? family?.act ?? 'gelu',
    numClasses: opts.numClasses,
  };
}

export function loadModel(tensors: Map<string, HostTensor>, file: string, opts: LoadOptions): LoadedModel {
  const config = inferConfig(tensors, file, opts);
  const notices: string[] = [];
  if (opts.crop % config.patchSize) {
    throw new CheckpointError(`${file}: crop ${opts.crop} is not a multiple of the patch size ${config.patchSize}`);
  }
  const side = opts.crop / config.patchSize;
  const grid: [number, number] = [side, side];
  const expected = parameterShapes(config, grid);
  const weights = new Map<string, HostTensor>();

  checkKeys(tensors, config, file);

  for (const [name, shape] of expected) {
    let t = tensors.get(name);
    if (name === 'pos_embed' && t && !sameShape(t.shape, shape)) {
      const prefix = config.posEmbed === 'with-prefix' ? config.clsTokens + config.regTokens : 0;
      const old = Math.sqrt(t.shape[1] - prefix);
      t = resamplePosEmbed(t, prefix, grid, [old, old]);
      notices.push(`pos_embed resampled from a ${old}×${old} to a ${side}×${side} grid (bicubic)`);
    }
    if (name === 'patch_embed.proj.weight' && t && t.shape[2] !== config.patchSize) {
      notices.push(`patch embedding resampled from ${t.shape[2]}×${t.shape[3]} to ${config.patchSize}×${config.patchSize} (FlexiViT pseudo-inverse)`);
      t = resamplePatchEmbed(t, [config.patchSize, config.patchSize]);
    }
    if (name.startsWith('seg_head.')) continue;
    if (!t || !sameShape(t.shape, shape)) {
      throw new CheckpointError(`${file}: tensor "${name}" has shape [${t?.shape}], expected [${shape}]`);
    }
    weights.set(name, t);
  }

  setDecoder(weights, tensors, config, opts.seed ?? 0, notices);
  return { config, weights, notices };
}

/**
 * The checkpoint's `seg_head` when it fits the dataset's classes, else a new seeded linear decoder,
 * with a notice saying why (every family's loader ends with this).
 */
export function setDecoder(weights: Map<string, HostTensor>, tensors: Map<string, HostTensor>, config: VitConfig, seed: number, notices: string[]): void {
  const head = tensors.get('seg_head.weight'), bias = tensors.get('seg_head.bias');
  if (head && bias && sameShape(head.shape, [config.numClasses, config.embedDim]) && bias.shape[0] === config.numClasses) {
    weights.set('seg_head.weight', head);
    weights.set('seg_head.bias', bias);
    return;
  }
  notices.push(head ? `seg_head has ${head.shape[0]} classes but the dataset has ${config.numClasses}: a new decoder is initialised`
    : `no seg_head in the checkpoint: a new linear decoder for ${config.numClasses} classes is initialised`);
  const init = initLinear(config.numClasses, config.embedDim, seed);
  weights.set('seg_head.weight', init.weight);
  weights.set('seg_head.bias', init.bias);
}

/** Refuses a checkpoint whose key names do not fit the architecture, naming the keys. */
export function checkKeys(tensors: Map<string, HostTensor>, config: VitConfig, file: string): void {
  const expected = parameterShapes(config, [1, 1]);
  const unexpected = [...tensors.keys()].filter((k) => !expected.has(k) && !IGNORED.some((r) => r.test(k)));
  if (unexpected.length) {
    throw new CheckpointError(`${file}: unexpected keys for a ${config.depth}-block ViT: ${listKeys(unexpected)}`);
  }
  const missing = [...expected.keys()].filter((k) => !tensors.has(k) && !k.startsWith('seg_head.'));
  if (missing.length) throw new CheckpointError(`${file}: missing keys: ${listKeys(missing)}`);
}

/** PyTorch `nn.Linear` default init: U(−1/√in, 1/√in) for weight and bias. */
export function initLinear(out: number, inFeatures: number, seed: number): { weight: HostTensor; bias: HostTensor } {
  const rand = mulberry32(seed ^ 0x5eed);
  const bound = 1 / Math.sqrt(inFeatures);
  const u = (n: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * bound);
  return { weight: { shape: [out, inFeatures], data: u(out * inFeatures) }, bias: { shape: [out], data: u(out) } };
}

/** Keys for a message: the first 8 and how many in all. */
export const listKeys = (keys: string[]) => (keys.length > 8 ? `${keys.slice(0, 8).join(', ')} … (${keys.length} in all)` : keys.join(', '));
