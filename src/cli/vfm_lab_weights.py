"""Start tue-mps/benchmark-vfm-ss from a vfm-lab run's weights (written by `vfm-lab export-benchmark`).

config.yaml names this callback under `trainer.callbacks`; run main.py with this folder on the path:

    PYTHONPATH=/path/to/this/folder python main.py fit -c /path/to/this/folder/config.yaml ...

When fitting starts, it copies weights.safetensors (beside this file) into the LightningModule in
place: `network.encoder.<timm key>`, `network.head.*`, `network.pixel_mean/std`. Names may carry
torch.compile's `_orig_mod.` on either side. A parameter the file lacks is an error, except those the
benchmark's forward never runs (timm's `fc_norm` of EVA-02 MIM, SigLIP's `attn_pool`), which keep
timm's values; a shape that differs is an error naming the tensor.
"""
import json
import os
import struct

import torch

try:
    from lightning.pytorch import Callback
except ImportError:  # the loading code also runs without lightning (vfm-lab's test of it)
    Callback = object

WEIGHTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'weights.safetensors')
# parameters the benchmark builds (timm create_model) but never runs: forward_features stops before them
NOT_RUN = ('network.encoder.fc_norm.', 'network.encoder.attn_pool.', 'network.encoder.head.')
DTYPES = {'F32': torch.float32, 'F16': torch.float16, 'BF16': torch.bfloat16, 'F64': torch.float64}


def read_safetensors(path):
    """The tensors of a .safetensors file (8-byte header length, JSON header, raw data), without the safetensors package."""
    with open(path, 'rb') as f:
        data = f.read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    header.pop('__metadata__', None)
    out = {}
    for name, info in header.items():
        begin, end = info['data_offsets']
        raw = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=DTYPES[info['dtype']]).reshape(info['shape']).clone() if raw else torch.zeros(info['shape'], dtype=DTYPES[info['dtype']])
    return out


def plain(name):
    """A state-dict name without torch.compile's `_orig_mod.` segments."""
    return name.replace('_orig_mod.', '')


def load_vfm_lab_weights(module, path=WEIGHTS):
    """Copies the file's tensors into `module` in place; returns the names left at timm's values."""
    own = {plain(k): (k, v) for k, v in module.state_dict().items()}
    given = {plain(k): v for k, v in read_safetensors(path).items()}
    unexpected = sorted(set(given) - set(own))
    if unexpected:
        raise RuntimeError(f'{path}: tensors the module does not have: {", ".join(unexpected[:8])}')
    params = {plain(k) for k, _ in module.named_parameters()}
    missing = sorted(k for k in set(own) - set(given) if k in params and not k.startswith(NOT_RUN))
    if missing:
        raise RuntimeError(f'{path}: the module\'s parameters {", ".join(missing[:8])} are not in the file')
    with torch.no_grad():
        for name, value in given.items():
            target = own[name][1]
            if tuple(target.shape) != tuple(value.shape):
                raise RuntimeError(f'{path}: "{name}" has shape {list(value.shape)}, the module\'s is {list(target.shape)}')
            target.copy_(value.to(target.dtype))
    return sorted(set(own) - set(given))


class LoadVfmLabWeights(Callback):
    """Loads the vfm-lab weights when fitting starts (after the module is built, before the first step)."""

    def __init__(self, path: str = WEIGHTS):
        self.path = path

    def setup(self, trainer, pl_module, stage):
        if stage != 'fit':
            return
        kept = load_vfm_lab_weights(pl_module, self.path)
        print(f'vfm-lab: loaded {self.path}' + (f' (kept at timm\'s values, never run: {", ".join(kept)})' if kept else ''))
