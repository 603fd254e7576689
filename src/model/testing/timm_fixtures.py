"""Parity fixtures from timm itself: for each preset's architecture (shrunk to 2 blocks of width
16), build the model with timm's own constructor, fill every parameter with random values, save
the state dict as `<case>.safetensors`, and record the patch features timm computes for a fixed
image at the crop we train at (patch 16; a patch-14 or other-size checkpoint goes through timm's
own `checkpoint_filter_fn`, i.e. `resample_patch_embed` and `resample_abs_pos_embed`, exactly as
`timm.create_model(..., patch_size=16, img_size=crop, pretrained=True)` would).

`timm-parity.test.ts` loads these checkpoints with our loader, runs our encoder graph and compares.
Each model is built as the benchmark (tue-mps/benchmark-vfm-ss, timm 0.9.16) builds it:
`timm.create_model(name, num_classes=0)`, features from `forward_features`, prefix tokens dropped.
Regenerate (needs torch and a timm source tree at v0.9.16, the benchmark's pin; not part of CI;
Debian's /usr/bin/python3 with python3-torch will do, torchvision is stubbed when missing):

    /usr/bin/python3 src/model/testing/timm_fixtures.py /path/to/pytorch-image-models src/model/testing/timm
"""
import json, math, os, struct, sys

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchvision_stub  # noqa: E402,F401  (a placeholder torchvision when it is not installed)
import torch  # noqa: E402
import timm  # noqa: E402
from timm.layers import resample_abs_pos_embed_nhwc  # noqa: E402
from timm.models import eva, vision_transformer  # noqa: E402

OUT = sys.argv[2]
TINY = dict(embed_dim=16, depth=2, num_heads=2, num_classes=0)

# case: (timm model function, preset family, native img size, crop, extra kwargs)
CASES = {
    'deit3': ('deit3_base_patch16_384', 'vit', 64, 48, {}),
    'mae': ('vit_base_patch16_224', 'vit', 32, 48, {}),
    'dinov2': ('vit_base_patch14_dinov2', 'dinov2', 56, 48, {}),
    'dinov2_reg4': ('vit_base_patch14_reg4_dinov2', 'dinov2', 56, 48, {}),
    'clip': ('vit_base_patch16_clip_224', 'clip', 48, 48, {}),
    'clip_openai': ('vit_base_patch16_clip_quickgelu_224', 'clip-quickgelu', 32, 48, {}),
    'siglip': ('vit_base_patch16_siglip_512', 'siglip', 64, 48, {}),
    'eva02_mim': ('eva02_base_patch14_224', 'eva02', 56, 48, {}),
    'eva02_clip': ('eva02_base_patch16_clip_224', 'eva02', 32, 48, {}),
    'sam': ('samvit_base_patch16', 'sam', 96, 64, dict(window_size=3, global_attn_indexes=[1], neck_chans=8)),
}


def randomise(model, seed):
    """Random values everywhere (timm inits many tensors to 0 or 1, which would hide mistakes)."""
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        u = torch.rand(p.shape, generator=g) * 2 - 1
        if name.endswith('.weight') and p.dim() == 1 or 'gamma' in name:  # norm weights, layer scale
            p.data = 1 + 0.3 * u
        elif p.dim() >= 2 and 'pos_embed' not in name and 'rel_pos' not in name and 'token' not in name:
            fan_in = p[0].numel()
            p.data = u * (1.5 / math.sqrt(fan_in))
        else:
            p.data = 0.5 * u


def save_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for k, t in tensors.items():
        b = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[k] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b' ' * (-len(h) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def features(model, image, family):
    """Patch tokens [N, D] as our segmenter sees them: after the final norm, prefix dropped."""
    with torch.no_grad():
        if family == 'sam':  # SAM: the last block's tokens; the neck is not used
            x = model.patch_embed(image)
            x = x + resample_abs_pos_embed_nhwc(model.pos_embed, x.shape[1:3])
            x = model.norm_pre(x)
            x = model.blocks(x)
            return x.reshape(-1, x.shape[-1])
        # as the benchmark's models/encoder.py runs it: forward_features, prefix tokens dropped. Built
        # with num_classes=0, EVA-02 MIM keeps global_pool='avg', so its `norm` is Identity and the
        # final norm it has (`fc_norm`) belongs to forward_head: these features have no final norm.
        x = model.forward_features(image)
        return x[0, model.num_prefix_tokens:]


def main():
    manifest = {}
    for i, (case, (fn, family, native, crop, extra)) in enumerate(CASES.items()):
        native_model = timm.create_model(fn, pretrained=False, img_size=native, **TINY, **extra)
        randomise(native_model, seed=100 + i)
        state = {k: v for k, v in native_model.state_dict().items() if 'rope' not in k}
        save_safetensors(f'{OUT}/{case}.safetensors', state)

        if family == 'sam':
            # timm adapts pos_embed and the rel-pos tables to the input at run time; the benchmark
            # (benchmark-vfm-ss models/encoder.py) also scales each attention window with the grid
            model = native_model
            for block in model.blocks:
                if block.window_size:
                    block.window_size = block.window_size * crop // native
        else:
            model = timm.create_model(fn, pretrained=False, img_size=crop, patch_size=16, **TINY, **extra)
            filt = eva.checkpoint_filter_fn if family == 'eva02' else vision_transformer.checkpoint_filter_fn
            missing, unexpected = model.load_state_dict(filt(dict(state), model), strict=False)
            assert not unexpected and all('rope' in k for k in missing), (case, missing, unexpected)
        model.eval()
        n = 3 * crop * crop
        image = torch.sin(torch.arange(n, dtype=torch.float64) * 0.21).float().reshape(1, 3, crop, crop)
        feats = features(model, image, family)
        manifest[case] = {
            'timm': fn, 'family': family, 'native': native, 'crop': crop,
            'shape': list(feats.shape), 'features': [round(v, 7) for v in feats.flatten().tolist()],
        }
        print(case, tuple(feats.shape), float(feats.abs().mean()))
    with open(f'{OUT}/features.json', 'w') as f:
        json.dump({'timm': timm.__version__, 'torch': torch.__version__, 'cases': manifest}, f)


main()
