/** @file Human names for the presets (the timm id stays visible as the secondary line). */
import { PRESETS } from '../model/presets';

const TITLES: Record<string, string> = {
  'deit3_base_patch16_384.fb_in1k': 'DeiT III ViT-B/16 (IN-1k)',
  'deit3_base_patch16_384.fb_in22k_ft_in1k': 'DeiT III ViT-B/16 (IN-22k)',
  'vit_base_patch16_224.mae': 'MAE ViT-B/16',
  'vit_base_patch14_dinov2.lvd142m': 'DINOv2 ViT-B/14',
  'vit_base_patch14_reg4_dinov2.lvd142m': 'DINOv2 ViT-B/14 + registers',
  'vit_base_patch16_clip_224.dfn2b': 'CLIP ViT-B/16 (DFN-2B)',
  'vit_base_patch16_clip_224.openai': 'CLIP ViT-B/16 (OpenAI)',
  'vit_base_patch16_siglip_512.webli': 'SigLIP ViT-B/16',
  'eva02_base_patch14_224.mim_in22k': 'EVA-02 ViT-B/14',
  'eva02_base_patch16_clip_224.merged2b': 'EVA-02 CLIP ViT-B/16',
  'samvit_base_patch16.sa1b': 'SAM ViT-B/16 encoder',
  beit3_base_patch16_224: 'BEiT-3 ViT-B/16',
};

/** The human name of a preset (the timm id for anything else: a dropped file, the demo). */
export const presetTitle = (name: string) => TITLES[name] ?? name;

/** Presets without a human name (a test keeps this empty when presets are added). */
export const untitledPresets = () => PRESETS.filter((p) => !(p.name in TITLES)).map((p) => p.name);
