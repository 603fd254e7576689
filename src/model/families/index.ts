/**
 * @file The backbone families as one registry: per family, the pixel normalisation of its timm
 * pretrained configs, LayerNorm eps, activation, encoder builder (image [B, 3, H, W] → patch
 * features [B, N, D]), parameter shapes by timm key, the checkpoint keys the segmenter ignores,
 * and how to recognise its keys. vit / dinov2 / clip / clip-quickgelu / siglip are the timm ViT
 * of `../vit.ts` with flags (inferred from the keys by `checkpoint.ts`); eva02 and sam have their
 * own encoders. Every config extends `VitConfig`, so `decode` in `../vit.ts` serves all of them.
 */
import { sameShape, type Tensor } from '../../graph';
import { listKeys, loadModel, setDecoder, type LoadOptions, type LoadedModel } from '../checkpoint';
import { NORMALISATION, type FamilyName, type RGB } from '../presets';
import { resamplePatchEmbed, resamplePosEmbed } from '../resample';
import { CheckpointError, type HostTensor } from '../safetensors';
import { decode, decodeLoss, encoder, numPrefixTokens, parameterShapes, type Activation, type Params, type VitConfig } from '../vit';
import { EVA02_IGNORED, eva02Encoder, eva02ParameterShapes, inferEva02Config, isEva02Keys, type Eva02Config } from './eva02';
import {
  SAM_IGNORED, benchmarkRelPosTables, inferSamConfig, isSamKeys, resampleSamPosEmbed, samEncoder, samParameterShapes, samWindowAtCrop, type SamConfig,
} from './sam';

export type { Eva02Config } from './eva02';
export type { SamConfig } from './sam';

export interface Family<C extends VitConfig = VitConfig> {
  name: FamilyName;
  normalisation: { mean: RGB; std: RGB };
  normEps: number;
  /** The MLP's nonlinearity ('swiglu': EVA-02's SiLU-gated MLP). */
  act: Activation | 'swiglu';
  encoder: (image: Tensor, params: Params, config: C) => Tensor;
  parameterShapes: (config: C, grid: [number, number]) => Map<string, number[]>;
  /** Checkpoint keys the segmenter does not use (heads, poolers, necks, pretraining leftovers). */
  ignored: RegExp[];
}

/** timm ViT keys never used by the segmenter: classifier head, pooled-feature norm, MIM leftovers. */
const VIT_IGNORED = [/^head\./, /^fc_norm\./, /^head_drop/, /^mask_token$/];

const vitFamily = (name: FamilyName, normalisation: keyof typeof NORMALISATION, normEps: number, act: Activation, extra: RegExp[] = []): Family => ({
  name, normalisation: NORMALISATION[normalisation], normEps, act, encoder, parameterShapes, ignored: [...VIT_IGNORED, ...extra],
});

// Bivariance lets the registry hold families whose builders take a narrower config.
type AnyFamily = Family<VitConfig> | Family<Eva02Config> | Family<SamConfig>;

export const FAMILIES: { [K in FamilyName]: AnyFamily } = {
  /** DeiT III, MAE, supervised ViT: timm defaults. */
  vit: vitFamily('vit', 'imagenet', 1e-6, 'gelu'),
  /** Layer scale (`ls1`/`ls2`), optional `reg_token`, eps 1e-6. */
  dinov2: vitFamily('dinov2', 'imagenet', 1e-6, 'gelu'),
  /** OpenCLIP / DFN: `norm_pre`, no patch bias, eps 1e-5, exact GELU. */
  clip: vitFamily('clip', 'clip', 1e-5, 'gelu'),
  /** OpenAI CLIP: as clip with QuickGELU. */
  'clip-quickgelu': vitFamily('clip-quickgelu', 'clip', 1e-5, 'quickgelu'),
  /** No class token, exact GELU as timm builds `vit_base_patch16_siglip_512`; its `attn_pool.*` head is ignored. */
  siglip: vitFamily('siglip', 'inception', 1e-6, 'gelu', [/^attn_pool\./]),
  eva02: {
    name: 'eva02', normalisation: NORMALISATION.clip, normEps: 1e-6, act: 'swiglu',
    encoder: eva02Encoder, parameterShapes: eva02ParameterShapes, ignored: EVA02_IGNORED,
  } satisfies Family<Eva02Config>,
  /** timm builds SAM's LayerNorms as plain nn.LayerNorm (eps 1e-5); its `neck.*` is ignored. */
  sam: {
    name: 'sam', normalisation: NORMALISATION.imagenet, normEps: 1e-5, act: 'gelu',
    encoder: samEncoder, parameterShapes: samParameterShapes, ignored: SAM_IGNORED,
  } satisfies Family<SamConfig>,
};

export const FAMILY_NAMES = Object.keys(FAMILIES) as FamilyName[];

/** The family's registry entry, typed loosely for callers that carry the matching config. */
export function family(name: FamilyName): Family<VitConfig> {
  const f = FAMILIES[name];
  if (!f) throw new Error(`unknown backbone family "${name}" (known: ${FAMILY_NAMES.join(', ')})`);
  return f as Family<VitConfig>;
}

/**
 * The family a checkpoint's keys imply. CLIP's activation is not visible in its keys: 'clip' then
 * stands for clip or clip-quickgelu (name the family to choose). DINOv2 without registers or a
 * mask token has the same keys and flags as DeiT III ('vit'), so the two build the same model.
 */
export function detectFamily(keys: Iterable<string>): FamilyName {
  const k = new Set(keys);
  if (isSamKeys(k)) return 'sam';
  if (isEva02Keys(k)) return 'eva02';
  if (k.has('norm_pre.weight')) return 'clip';
  if (!k.has('cls_token') && [...k].some((x) => x.startsWith('attn_pool.'))) return 'siglip';
  if (k.has('reg_token') || k.has('mask_token')) return 'dinov2';
  return 'vit';
}

/** Patch features [B, N, D] of any family's encoder. */
export function familyEncoder(name: FamilyName, image: Tensor, params: Params, config: VitConfig): Tensor {
  return family(name).encoder(image, params, config);
}

/** Logits [B, C, H, W]: the family's encoder, the linear decoder, bilinear upsampling to the crop. */
export function familySegmenter(name: FamilyName, image: Tensor, params: Params, config: VitConfig): Tensor {
  const [, , h, w] = image.shape;
  return decode(familyEncoder(name, image, params, config), params, config, h, w);
}

/** The train-step loss for any family (pixel cross-entropy, ignore label 255). */
export function familySegmentationLoss(name: FamilyName, image: Tensor, labels: Tensor, params: Params, config: VitConfig, classWeights?: Float32Array): Tensor {
  const [, , h, w] = image.shape;
  return decodeLoss(familyEncoder(name, image, params, config), params, config, h, w, labels, classWeights);
}

/** NaN or ±Infinity in a weight makes every loss NaN: refuse the file at load, naming the tensor. */
function checkFinite(tensors: Map<string, HostTensor>, file: string): void {
  for (const [name, t] of tensors) {
    for (let i = 0; i < t.data.length; i++) {
      if (t.data[i] - t.data[i] === 0) continue; // x − x is NaN exactly for NaN and ±Infinity
      throw new CheckpointError(`${file}: tensor "${name}" holds a non-finite value (${t.data[i]} at index ${i}); the checkpoint is damaged or was saved from a diverged run`);
    }
  }
}

/**
 * `checkpoint.loadModel` for every family: the vit-like families go through it unchanged; eva02
 * and sam infer their own config, resample the patch kernel (FlexiViT) and `pos_embed` (bicubic,
 * antialiased; SAM's [1, h, w, D] layout too) to the crop's grid, refuse unexpected or missing
 * keys naming the file, and reuse or initialise the `seg_head`.
 */
export function loadFamilyModel(tensors: Map<string, HostTensor>, file: string, opts: LoadOptions & { family: FamilyName }): LoadedModel {
  checkFinite(tensors, file);
  if (opts.family !== 'eva02' && opts.family !== 'sam') return loadModel(tensors, file, opts);
  const f = family(opts.family);
  let config: VitConfig;
  try {
    const o = { numClasses: opts.numClasses, patchSize: opts.patchSize, heads: opts.heads, normEps: opts.normEps ?? f.normEps };
    config = opts.family === 'eva02' ? inferEva02Config(tensors, o) : inferSamConfig(tensors, o);
  } catch (e) {
    throw new CheckpointError(`${file}: ${(e as Error).message}`);
  }
  if (opts.crop % config.patchSize) throw new CheckpointError(`${file}: crop ${opts.crop} is not a multiple of the patch size ${config.patchSize}`);
  const side = opts.crop / config.patchSize;
  const grid: [number, number] = [side, side];
  const notices: string[] = [];
  if (opts.family === 'eva02' && tensors.has('fc_norm.weight')) {
    notices.push((config as Eva02Config).finalNorm === 'fc_norm'
      ? 'fc_norm kept on every token, as this vfm-lab model was trained; the benchmark runs EVA-02 MIM without a final norm (timm global_pool="avg")'
      : 'fc_norm.* not used: the benchmark runs EVA-02 MIM without a final norm (timm create_model(num_classes=0) keeps global_pool="avg"; forward_features applies none)');
  }
  if (opts.family === 'sam') {
    const sam = config as SamConfig;
    const scaled = samWindowAtCrop(opts.windowSize ?? sam.windowSize, tensors.get('pos_embed')?.shape[1], side);
    sam.windowSize = scaled.windowSize;
    if (scaled.notice) notices.push(scaled.notice);
    if (opts.resizeRelPos && sam.relPos) {
      const resized = benchmarkRelPosTables(tensors, sam, side);
      tensors = resized.tensors;
      if (resized.notice) notices.push(resized.notice);
    }
  }
  const expected = f.parameterShapes(config, grid);
  const unexpected = [...tensors.keys()].filter((k) => !expected.has(k) && !f.ignored.some((r) => r.test(k)));
  const missing = [...expected.keys()].filter((k) => !tensors.has(k) && !k.startsWith('seg_head.'));
  if (unexpected.length) throw new CheckpointError(`${file}: unexpected keys for a ${config.depth}-block ${opts.family} encoder: ${listKeys(unexpected)}`);
  if (missing.length) throw new CheckpointError(`${file}: missing keys: ${listKeys(missing)}`);

  const weights = new Map<string, HostTensor>();
  for (const [name, shape] of expected) {
    if (name.startsWith('seg_head.')) continue;
    let t = tensors.get(name)!;
    if (name === 'patch_embed.proj.weight' && t.shape[2] !== config.patchSize) {
      notices.push(`patch embedding resampled from ${t.shape[2]}×${t.shape[3]} to ${config.patchSize}×${config.patchSize} (FlexiViT pseudo-inverse)`);
      t = resamplePatchEmbed(t, [config.patchSize, config.patchSize]);
    }
    if (name === 'pos_embed' && !sameShape(t.shape, shape)) {
      const prefix = config.posEmbed === 'with-prefix' ? numPrefixTokens(config) : 0;
      const old = t.shape.length === 4 ? t.shape[1] : Math.round(Math.sqrt(t.shape[1] - prefix));
      t = t.shape.length === 4 ? resampleSamPosEmbed(t, grid) : resamplePosEmbed(t, prefix, grid, [old, old]);
      notices.push(`pos_embed resampled from a ${old}×${old} to a ${side}×${side} grid (bicubic)`);
    }
    if (!sameShape(t.shape, shape)) throw new CheckpointError(`${file}: tensor "${name}" has shape [${t.shape}], expected [${shape}]`);
    weights.set(name, t);
  }
  setDecoder(weights, tensors, config, opts.seed ?? 0, notices);
  return { config, weights, notices };
}
