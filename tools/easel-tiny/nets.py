"""easel-tiny networks: VAE (64x64x3 <-> 4x8x8), CLIP-style text encoder, conditional UNet.

Everything exports to ONNX opset 17 with torch 1.13 (no ops newer than that).
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def norm(c: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(16, c // 4), c)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int = 0):
        super().__init__()
        self.n1, self.c1 = norm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.t = nn.Linear(temb, cout) if temb else None
        self.n2, self.c2 = norm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb=None):
        h = self.c1(F.silu(self.n1(x)))
        if self.t is not None:
            h = h + self.t(F.silu(emb))[:, :, None, None]
        h = self.c2(F.silu(self.n2(h)))
        return self.skip(x) + h


# ---- VAE ---------------------------------------------------------------------------------------
class Encoder(nn.Module):
    """[B,3,64,64] in [-1,1] -> [B,8,8,8]: mean || logvar (optimum's `latent_parameters`)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 32, 4, stride=4), nn.SiLU(),   # 16x16
            nn.Conv2d(32, 64, 2, stride=2),             # 8x8
            ResBlock(64, 64),
            norm(64), nn.SiLU(), nn.Conv2d(64, 8, 3, padding=1),
        )

    def forward(self, x):
        return self.net(x)


class Decoder(nn.Module):
    """[B,4,8,8] (unscaled latents) -> [B,3,64,64] in about [-1,1]."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(4, 96, 3, padding=1),
            ResBlock(96, 96),
            nn.ConvTranspose2d(96, 48, 2, stride=2), nn.SiLU(),   # 16
            nn.Conv2d(48, 48, 3, padding=1), nn.SiLU(),
            nn.ConvTranspose2d(48, 24, 2, stride=2), nn.SiLU(),   # 32
            nn.Conv2d(24, 24, 3, padding=1), nn.SiLU(),
            nn.ConvTranspose2d(24, 12, 2, stride=2), nn.SiLU(),   # 64
            nn.Conv2d(12, 3, 3, padding=1),
        )

    def forward(self, z):
        return self.net(z)


# ---- text encoder -----------------------------------------------------------------------------
class TextLayer(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln1, self.qkv, self.out = nn.LayerNorm(dim), nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, x, mask):
        b, n, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) * (d // self.heads) ** -0.5 + mask
        h = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, n, d)
        x = x + self.out(h)
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    """input_ids [B,77] -> last_hidden_state [B,77,dim] (causal, like CLIP), pooler_output [B,dim]."""

    def __init__(self, vocab_size: int, dim: int = 96, layers: int = 2, heads: int = 4, length: int = 77):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim)
        self.pos = nn.Parameter(torch.randn(1, length, dim) * 0.01)
        self.layers = nn.ModuleList(TextLayer(dim, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(dim)
        self.register_buffer('mask', torch.full((length, length), float('-inf')).triu(1), persistent=False)

    def forward(self, input_ids):
        ids = input_ids.long()
        x = self.tok(ids) + self.pos
        for layer in self.layers:
            x = layer(x, self.mask)
        x = self.ln(x)
        pooled = x[torch.arange(x.shape[0]), ids.argmax(-1)]
        return x, pooled


# ---- UNet ----------------------------------------------------------------------------------------
class Attention(nn.Module):
    def __init__(self, dim: int, ctx: int, heads: int):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v = nn.Linear(dim, dim, bias=False), nn.Linear(ctx, dim, bias=False), nn.Linear(ctx, dim, bias=False)
        self.o = nn.Linear(dim, dim)

    def forward(self, x, ctx):
        b, n, d = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.k(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.v(ctx).reshape(b, -1, h, d // h).transpose(1, 2)
        att = ((q @ k.transpose(-1, -2)) * (d // h) ** -0.5).softmax(-1)
        return self.o((att @ v).transpose(1, 2).reshape(b, n, d))


class Transformer(nn.Module):
    """SD's spatial transformer: self-attention, cross-attention to the text, feed-forward."""

    def __init__(self, dim: int, ctx: int, heads: int = 4):
        super().__init__()
        self.n = norm(dim)
        self.proj_in = nn.Conv2d(dim, dim, 1)
        self.ln1, self.self_attn = nn.LayerNorm(dim), Attention(dim, dim, heads)
        self.ln2, self.cross_attn = nn.LayerNorm(dim), Attention(dim, ctx, heads)
        self.ln3 = nn.LayerNorm(dim)
        self.ff = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.proj_out = nn.Conv2d(dim, dim, 1)

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.n(x)).flatten(2).transpose(1, 2)
        y = self.ln1(h)
        h = h + self.self_attn(y, y)
        h = h + self.cross_attn(self.ln2(h), ctx)
        h = h + self.ff(self.ln3(h))
        return x + self.proj_out(h.transpose(1, 2).reshape(b, c, hh, ww))


# The world's nine anchors (16/32/48 px of 64) in the [-1, 1] coordinates of 8x8 latent-cell centres.
_A = (16.0 - 4.0) / 28.0 - 1.0
ANCHORS = [[x, y] for y in (_A, 0.0, -_A) for x in (_A, 0.0, -_A)]
BUMP_SIGMA = 0.35


def timestep_embedding(t, dim: int):
    """SD's sinusoidal embedding (flip_sin_to_cos=True, shift 0), t as float [T]."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float().reshape(-1, 1) * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class UNet(nn.Module):
    """sample [B,4,h,w], timestep [1] or [B], encoder_hidden_states [B,77,ctx] -> epsilon [B,4,h,w].
    Two levels (h and h/2), a transformer after every block; 2 coordinate channels are appended to
    the input so position is easy to learn at any size; the last text position (which sees the
    whole caption) is added to the timestep embedding."""

    def __init__(self, ctx: int = 96, c1: int = 64, c2: int = 128, in_ch: int = 4):
        super().__init__()
        temb = 4 * c1
        self.tdim = c1
        self.time = nn.Sequential(nn.Linear(c1, temb), nn.SiLU(), nn.Linear(temb, temb))
        # The last text position sees the whole caption (causal encoder): a global conditioning
        # vector added to the timestep embedding, as SDXL does with its pooled text embedding.
        self.pooled = nn.Sequential(nn.Linear(ctx, temb), nn.SiLU(), nn.Linear(temb, temb))
        # Placement prior: the caption weights nine soft bumps centred on the world's anchor
        # positions (computed from the coordinates, so any size works) and adds them as features.
        # Zero-initialised, so a checkpoint trained without it resumes unchanged.
        self.c1 = c1
        self.place = nn.Linear(temb, len(ANCHORS) * c1)
        nn.init.zeros_(self.place.weight)
        nn.init.zeros_(self.place.bias)
        self.conv_in = nn.Conv2d(in_ch + 2, c1, 3, padding=1)
        self.d1, self.a1 = ResBlock(c1, c1, temb), Transformer(c1, ctx)
        self.down = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.d2, self.a2 = ResBlock(c1, c2, temb), Transformer(c2, ctx)
        self.m1, self.ma, self.m2 = ResBlock(c2, c2, temb), Transformer(c2, ctx), ResBlock(c2, c2, temb)
        self.u2a, self.u2aa = ResBlock(c2 + c2, c2, temb), Transformer(c2, ctx)
        self.u2b, self.u2ba = ResBlock(c2 + c1, c2, temb), Transformer(c2, ctx)
        self.up = nn.Sequential(nn.Upsample(scale_factor=2.0, mode='nearest'), nn.Conv2d(c2, c2, 3, padding=1))
        self.u1a, self.u1aa = ResBlock(c2 + c1, c1, temb), Transformer(c1, ctx)
        self.u1b, self.u1ba = ResBlock(c1 + c1, c1, temb), Transformer(c1, ctx)
        self.out = nn.Sequential(norm(c1), nn.SiLU(), nn.Conv2d(c1, in_ch if in_ch == 4 else 4, 3, padding=1))

    def forward(self, sample, timestep, encoder_hidden_states):
        b, _, h, w = sample.shape
        ctx = encoder_hidden_states
        emb = self.time(timestep_embedding(timestep, self.tdim))
        pooled = self.pooled(ctx[:, -1])
        emb = emb + pooled
        ys = torch.linspace(-1.0, 1.0, h).reshape(1, 1, h, 1).expand(b, 1, h, w)
        xs = torch.linspace(-1.0, 1.0, w).reshape(1, 1, 1, w).expand(b, 1, h, w)
        x0 = self.conv_in(torch.cat([sample, ys, xs], dim=1))
        anchors = torch.tensor(ANCHORS)
        d2 = (xs[:1, :1].reshape(1, h * w) - anchors[:, :1]) ** 2 + (ys[:1, :1].reshape(1, h * w) - anchors[:, 1:]) ** 2
        bumps = torch.exp(d2 * (-0.5 / BUMP_SIGMA ** 2))                                  # [K, h*w]
        weights = self.place(F.silu(pooled)).reshape(b, self.c1, len(ANCHORS))          # [B, c1, K]
        x0 = x0 + (weights @ bumps).reshape(b, self.c1, h, w)
        x1 = self.a1(self.d1(x0, emb), ctx)
        x2 = self.down(x1)
        x3 = self.a2(self.d2(x2, emb), ctx)
        m = self.m2(self.ma(self.m1(x3, emb), ctx), emb)
        u = self.u2aa(self.u2a(torch.cat([m, x3], 1), emb), ctx)
        u = self.u2ba(self.u2b(torch.cat([u, x2], 1), emb), ctx)
        u = self.up(u)
        u = self.u1aa(self.u1a(torch.cat([u, x1], 1), emb), ctx)
        u = self.u1ba(self.u1b(torch.cat([u, x0], 1), emb), ctx)
        return self.out(u)


def count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
