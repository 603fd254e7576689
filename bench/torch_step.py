"""The PyTorch CPU peer for `npm run bench`: the same ViT segmenter train step (timm layout,
linear decoder, bilinear upsample, cross-entropy with ignore 255, AdamW), timed on this machine.
Prints one JSON line: {"ms_per_step": ..., "threads": ..., "torch": ..., "peak_rss_bytes": ...}."""
import json, resource, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

dim, depth, heads, crop, batch, classes, steps = (int(v) for v in sys.argv[1:8])
torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[8]) if len(sys.argv) > 8 else torch.get_num_threads())


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(dim, eps=1e-6), nn.LayerNorm(dim, eps=1e-6)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.fc1, self.fc2 = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)

    def forward(self, x):
        b, n, _ = x.shape
        q, k, v = self.qkv(self.norm1(x)).reshape(b, n, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)
        a = (q * (dim // heads) ** -0.5) @ k.transpose(-2, -1)
        x = x + self.proj((a.softmax(-1) @ v).transpose(1, 2).reshape(b, n, dim))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Segmenter(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, dim, 16, 16)
        self.cls = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos = nn.Parameter(torch.zeros(1, (crop // 16) ** 2 + 1, dim))
        self.blocks = nn.ModuleList(Block() for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, img):
        x = self.patch(img).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1) + self.pos
        for blk in self.blocks:
            x = blk(x)
        x = self.head(self.norm(x)[:, 1:])
        g = crop // 16
        x = x.transpose(1, 2).reshape(x.shape[0], classes, g, g)
        return F.interpolate(x, size=(crop, crop), mode="bilinear", align_corners=False)


model = Segmenter()
opt = torch.optim.AdamW(model.parameters(), lr=1e-5, weight_decay=0.05)
img = torch.randn(batch, 3, crop, crop)
lab = torch.randint(0, classes, (batch, crop, crop))
times = []
for i in range(steps + 1):
    t = time.perf_counter()
    opt.zero_grad()
    F.cross_entropy(model(img), lab, ignore_index=255).backward()
    opt.step()
    if i > 0:
        times.append(time.perf_counter() - t)
print(json.dumps({"ms_per_step": 1000 * sorted(times)[len(times) // 2], "threads": torch.get_num_threads(), "torch": torch.__version__,
                  "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
