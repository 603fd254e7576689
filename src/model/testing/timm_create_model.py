"""What `timm.create_model(name, num_classes=0)` builds for each preset, as the benchmark
(tue-mps/benchmark-vfm-ss models/encoder.py, timm 0.9.16) builds it: the activation, LayerNorm eps,
pre-norm, which final norm `forward_features` applies, the pooling that decides it, the prefix tokens
and the pretrained config's mean/std. `presets-timm.test.ts` checks our families against it.
Regenerate (not part of CI; Debian's /usr/bin/python3 with python3-torch and a timm v0.9.16 tree):

    /usr/bin/python3 src/model/testing/timm_create_model.py /path/to/pytorch-image-models src/model/testing/timm/create_model.json
"""
import json, os, sys

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchvision_stub  # noqa: E402,F401  (a placeholder torchvision when it is not installed)
import torch  # noqa: E402
import timm  # noqa: E402

NAMES = [
    'deit3_base_patch16_384.fb_in1k', 'deit3_base_patch16_384.fb_in22k_ft_in1k', 'vit_base_patch16_224.mae',
    'vit_base_patch14_dinov2.lvd142m', 'vit_base_patch14_reg4_dinov2.lvd142m', 'vit_base_patch16_clip_224.dfn2b',
    'vit_base_patch16_clip_224.openai', 'vit_base_patch16_clip_quickgelu_224.openai', 'vit_base_patch16_siglip_512.webli',
    'eva02_base_patch14_224.mim_in22k', 'eva02_base_patch16_clip_224.merged2b', 'samvit_base_patch16.sa1b',
]
ACT = {'GELU': 'gelu', 'QuickGELU': 'quickgelu', 'GELUTanh': 'gelu-tanh', 'SiLU': 'swiglu'}


def is_norm(m):
    return isinstance(m, torch.nn.LayerNorm)


out = {}
for name in NAMES:
    m = timm.create_model(name, pretrained=False, num_classes=0)
    blk = m.blocks[0]
    act = type(blk.mlp.act).__name__ if hasattr(blk.mlp, 'act') else 'SiLU'
    # forward_features ends with `self.norm` (ViT, EVA) or with the neck (SAM, which the benchmark replaces by Identity)
    final = 'norm' if is_norm(getattr(m, 'norm', None)) else 'none'
    out[name] = {
        'act': ACT[act], 'eps': blk.norm1.eps, 'preNorm': is_norm(getattr(m, 'norm_pre', None)),
        'finalNorm': final, 'globalPool': getattr(m, 'global_pool', None), 'fcNormInForwardHead': is_norm(getattr(m, 'fc_norm', None)),
        'prefixTokens': getattr(m, 'num_prefix_tokens', 0), 'mean': list(m.pretrained_cfg['mean']), 'std': list(m.pretrained_cfg['std']),
    }
    print(name, out[name])
with open(sys.argv[2], 'w') as f:
    json.dump({'timm': timm.__version__, 'torch': torch.__version__, 'models': out}, f, indent=1)
