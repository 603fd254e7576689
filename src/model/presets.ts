/**
 * @file The benchmark's ViT-B backbones as presets: data in one table. Each resolves to a family
 * (which fixes norms, activation and token layout) and a pixel normalisation. The browser fetches
 * `url` (the model hub serves CORS) and caches it; the CLI reads it from `--cache-dir`.
 * Mean/std and native sizes follow timm's pretrained configs.
 */

export type FamilyName = 'vit' | 'dinov2' | 'clip' | 'clip-quickgelu' | 'siglip' | 'eva02' | 'sam';
export type RGB = [number, number, number];

export const NORMALISATION: Record<'imagenet' | 'clip' | 'inception', { mean: RGB; std: RGB }> = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  clip: { mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711] },
  inception: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
};

export interface Preset {
  name: string;
  family: FamilyName;
  pretraining: string;
  normalisation: keyof typeof NORMALISATION;
  /** Native input size and patch size of the checkpoint (every model is run at patch 16). */
  imageSize: number;
  patchSize: number;
  paramsM: number;
  downloadMB: number;
  licence: string;
  /** Set when the model cannot be offered, with the reason. */
  unavailable?: string;
  /**
   * The name under which `timm.create_model` (0.9.16, the benchmark's pin) builds this family, when
   * it differs from the weights' name: timm builds `vit_base_patch16_clip_224.openai` with exact GELU,
   * and OpenAI CLIP's own QuickGELU as `vit_base_patch16_clip_quickgelu_224.openai` (same weights).
   */
  timmModel?: string;
}

const hub = (name: string) => `https://huggingface.co/timm/${name}`;
export const presetUrl = (p: Preset) => `${hub(p.name)}/resolve/main/model.safetensors`;
export const presetPage = (p: Preset) => hub(p.name);

export const PRESETS: Preset[] = [
  { name: 'deit3_base_patch16_384.fb_in1k', family: 'vit', pretraining: 'DeiT III, supervised on ImageNet-1k', normalisation: 'imagenet', imageSize: 384, patchSize: 16, paramsM: 86.9, downloadMB: 348, licence: 'apache-2.0' },
  { name: 'deit3_base_patch16_384.fb_in22k_ft_in1k', family: 'vit', pretraining: 'DeiT III, ImageNet-22k then 1k', normalisation: 'imagenet', imageSize: 384, patchSize: 16, paramsM: 86.9, downloadMB: 348, licence: 'apache-2.0' },
  { name: 'vit_base_patch16_224.mae', family: 'vit', pretraining: 'MAE, self-supervised masked autoencoding on ImageNet-1k', normalisation: 'imagenet', imageSize: 224, patchSize: 16, paramsM: 85.8, downloadMB: 343, licence: 'cc-by-nc-4.0' },
  { name: 'vit_base_patch14_dinov2.lvd142m', family: 'dinov2', pretraining: 'DINOv2, self-supervised on LVD-142M', normalisation: 'imagenet', imageSize: 518, patchSize: 14, paramsM: 86.6, downloadMB: 346, licence: 'apache-2.0' },
  { name: 'vit_base_patch14_reg4_dinov2.lvd142m', family: 'dinov2', pretraining: 'DINOv2 with 4 registers, LVD-142M', normalisation: 'imagenet', imageSize: 518, patchSize: 14, paramsM: 86.6, downloadMB: 346, licence: 'apache-2.0' },
  { name: 'vit_base_patch16_clip_224.dfn2b', family: 'clip', pretraining: 'CLIP (DFN-2B), image-text contrastive', normalisation: 'clip', imageSize: 224, patchSize: 16, paramsM: 86.2, downloadMB: 345, licence: 'apple-amlr' },
  { name: 'vit_base_patch16_clip_224.openai', family: 'clip-quickgelu', pretraining: 'CLIP (OpenAI WIT-400M), image-text contrastive', normalisation: 'clip', imageSize: 224, patchSize: 16, paramsM: 86.2, downloadMB: 345, licence: 'mit', timmModel: 'vit_base_patch16_clip_quickgelu_224.openai' },
  { name: 'vit_base_patch16_siglip_512.webli', family: 'siglip', pretraining: 'SigLIP, sigmoid image-text loss on WebLI', normalisation: 'inception', imageSize: 512, patchSize: 16, paramsM: 93.2, downloadMB: 373, licence: 'apache-2.0' },
  { name: 'eva02_base_patch14_224.mim_in22k', family: 'eva02', pretraining: 'EVA-02, masked image modelling on ImageNet-22k', normalisation: 'clip', imageSize: 224, patchSize: 14, paramsM: 85.8, downloadMB: 343, licence: 'mit' },
  { name: 'eva02_base_patch16_clip_224.merged2b', family: 'eva02', pretraining: 'EVA-02 CLIP, image-text on Merged-2B', normalisation: 'clip', imageSize: 224, patchSize: 16, paramsM: 86.3, downloadMB: 345, licence: 'mit' },
  { name: 'samvit_base_patch16.sa1b', family: 'sam', pretraining: 'SAM image encoder, promptable segmentation on SA-1B', normalisation: 'imagenet', imageSize: 1024, patchSize: 16, paramsM: 89.7, downloadMB: 359, licence: 'apache-2.0' },
  { name: 'beit3_base_patch16_224', family: 'vit', pretraining: 'BEiT-3, multimodal masked modelling', normalisation: 'imagenet', imageSize: 224, patchSize: 16, paramsM: 86, downloadMB: 0, licence: 'mit',
    unavailable: 'BEiT-3 has no timm checkpoint (its weights ship in the unilm repository in another format), so it cannot be fetched as timm-style safetensors' },
];

/** A preset by its name, or by the timm model name that builds it (`timmModel`). */
export function resolvePreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name) ?? PRESETS.find((p) => p.timmModel === name);
}

/** The `timm.create_model` name that builds the preset as we run it (`--model.network.encoder_name` in the benchmark). */
export const timmModelName = (p: Preset) => p.timmModel ?? p.name;

/** Whether this build trains the family (the others are listed with the reason). */
export const SUPPORTED_FAMILIES: ReadonlySet<FamilyName> = new Set(['vit', 'dinov2', 'clip', 'clip-quickgelu', 'siglip', 'eva02', 'sam']);

/** timm's model sizes: width and depth by the size word in the name (vision_transformer.py, eva.py, vision_transformer_sam.py). */
const TIMM_SIZES: Record<string, [number, number]> = { tiny: [192, 12], small: [384, 12], base: [768, 12], large: [1024, 24], huge: [1280, 32], giant: [1408, 40] };

export interface TimmArchitecture { family: FamilyName; embedDim: number; depth: number; regTokens: number }

/**
 * What `timm.create_model(name)` builds, read from the name as timm's model functions are named
 * (`vit_base_patch14_reg4_dinov2`, `eva02_large_patch14_224`, `samvit_base_patch16`), or undefined
 * when the name has no size word. The family is the one our loader builds for those weights.
 */
export function timmArchitecture(name: string): TimmArchitecture | undefined {
  const arch = name.split('.')[0];
  const size = Object.keys(TIMM_SIZES).find((s) => arch.split('_').includes(s));
  if (!size) return undefined;
  const family: FamilyName = arch.startsWith('eva02') ? 'eva02' : arch.startsWith('samvit') ? 'sam' : arch.includes('_clip_quickgelu_') ? 'clip-quickgelu'
    : arch.includes('_clip_') ? 'clip' : arch.includes('siglip') ? 'siglip' : arch.includes('dinov2') ? 'dinov2' : 'vit';
  const [embedDim, depth] = TIMM_SIZES[size];
  return { family, embedDim, depth, regTokens: Number(/_reg(\d+)_/.exec(arch)?.[1] ?? 0) };
}
