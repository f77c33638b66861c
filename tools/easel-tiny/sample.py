"""PyTorch-side sampling and quick evaluation of a checkpoint (for monitoring training).

Usage: python3 sample.py --ckpt DIR [--n 72] [--steps 20] [--cfg 5] [--sampler ddim|dpmpp2m] [--grid out.png]
Samples held-out evaluation captions (world.eval_cases) with fixed seeds and judges the pixels.
"""
from __future__ import annotations

import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import argparse
import time

import numpy as np
import torch

import clip_bpe
import judge
import train
import world


def load(ckpt_dir: str, use_ema: bool = True):
    tok = clip_bpe.Tokenizer.for_words(world.vocabulary_words())
    _, dec, scaling = train.load_vae(ckpt_dir)
    text, unet = train.build(tok.vocab_size)
    modules = torch.nn.ModuleDict({'text': text, 'unet': unet})
    state = torch.load(f'{ckpt_dir}/latest.pt')
    modules.load_state_dict(state['ema'] if use_ema else state['model'])
    modules.eval()
    return tok, text, unet, dec, scaling, state['step']


@torch.no_grad()
def generate(tok, text, unet, dec, scaling, captions, seeds, steps=20, cfg=5.0, sampler='ddim'):
    ac = train.sd_alphas_cumprod().double()
    n = len(captions)
    cond, _ = text(torch.tensor([tok.encode(c) for c in captions]))
    uncond, _ = text(torch.tensor([tok.encode('')] * n))
    ctx = torch.cat([uncond, cond])
    x = torch.stack([torch.randn(4, 8, 8, generator=torch.Generator().manual_seed(s)) for s in seeds])

    def eps(x, t):
        out = unet(torch.cat([x, x]).float(), torch.tensor([int(t)]), ctx).double()
        u, c = out.chunk(2)
        return u + cfg * (c - u)

    ts = (np.arange(steps) * (1000 // steps))[::-1] + 1  # SD: leading spacing, steps_offset 1
    if sampler == 'ddim':
        x = x.double()
        for i, t in enumerate(ts):
            a = ac[t]
            a_prev = ac[ts[i + 1]] if i + 1 < len(ts) else ac[0]
            e = eps(x, t)
            x0 = (x - (1 - a).sqrt() * e) / a.sqrt()
            x = a_prev.sqrt() * x0 + (1 - a_prev).sqrt() * e
    else:  # DPM-Solver++(2M) in sigma space (as k-diffusion / diffusers' Euler-family timesteps)
        sig = ((1 - ac) / ac).sqrt()
        sigmas = [float(sig[t]) for t in ts] + [0.0]
        x = x.double() * sigmas[0]
        old = None
        for i, t in enumerate(ts):
            s, s_next = sigmas[i], sigmas[i + 1]
            x0 = x - s * eps(x / (s * s + 1) ** 0.5, t)
            if s_next == 0:
                x = x0
                break
            lam, lam_next = -np.log(s), -np.log(s_next)
            h = lam_next - lam
            if old is None or i == len(ts) - 1:
                d = x0
            else:
                r = (lam - (-np.log(sigmas[i - 1]))) / h
                d = (1 + 1 / (2 * r)) * x0 - (1 / (2 * r)) * old
            x = (s_next / s) * x - np.expm1(-h) * d
            old = x0
    img = dec((x / scaling).float()).clamp(-1, 1)
    return ((img.permute(0, 2, 3, 1).numpy() + 1) * 127.5 + 0.5).astype(np.uint8)


def grid(images: list[np.ndarray], cols: int = 12) -> np.ndarray:
    rows = (len(images) + cols - 1) // cols
    g = np.zeros((rows * 66, cols * 66, 3), dtype=np.uint8) + 128
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        g[r * 66 + 1:r * 66 + 65, c * 66 + 1:c * 66 + 65] = im
    return g


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--n', type=int, default=72)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--cfg', type=float, default=5.0)
    ap.add_argument('--sampler', default='ddim')
    ap.add_argument('--raw', action='store_true', help='use raw weights instead of EMA')
    ap.add_argument('--train-captions', action='store_true', help='judge training combinations instead')
    ap.add_argument('--grid')
    args = ap.parse_args()
    torch.set_num_threads(2)
    tok, text, unet, dec, scaling, step = load(args.ckpt, not args.raw)
    cases = world.eval_cases()
    if args.train_captions:
        rng = np.random.default_rng(5)
        cases = []
        while len(cases) < len(world.eval_cases()):
            sc = world.sample_scene(rng)
            if sc['kind'] == 'one':
                s = sc['shapes'][0]
                cases.append({'caption': world.caption(sc, rng, full=True), 'bg': sc['bg'], 'colour': s['colour'],
                              'pos': s['pos'], 'seed': 1000 + len(cases)})
    idx = np.linspace(0, len(cases) - 1, min(args.n, len(cases))).round().astype(int)
    cases = [cases[i] for i in idx]
    t0 = time.time()
    images: list[np.ndarray] = []
    for i in range(0, len(cases), 24):
        chunk = cases[i:i + 24]
        images += list(generate(tok, text, unet, dec, scaling, [c['caption'] for c in chunk],
                                [c['seed'] for c in chunk], args.steps, args.cfg, args.sampler))
    s = judge.score(cases, images)
    print(f'step {step} n {len(cases)} {args.sampler} cfg {args.cfg}: background {s["bg"]:.1%} '
          f'colour {s["colour"]:.1%} position {s["pos"]:.1%} ({time.time() - t0:.0f}s)', flush=True)
    if args.grid:
        from PIL import Image
        Image.fromarray(grid(images)).save(args.grid)
        for c in cases[:12]:
            print(' ', c['caption'])


if __name__ == '__main__':
    main()
