"""Stage 1: train the VAE (64x64x3 <-> 4x8x8) on procedural scenes, then freeze it.

Usage: python3 train_vae.py --out DIR [--minutes 12] [--batch 32]
Writes DIR/vae.pt ({'encoder', 'decoder', 'scaling_factor', 'step'}) every few minutes and at the end.
"""
from __future__ import annotations

import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')  # spinning OpenMP threads waste a shared CPU

import argparse
import time

import numpy as np
import torch

import nets
import world


def kl_loss(params: torch.Tensor) -> torch.Tensor:
    mean, logvar = params.chunk(2, dim=1)
    logvar = logvar.clamp(-12.0, 4.0)
    return 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean()


def sample_latent(params: torch.Tensor) -> torch.Tensor:
    mean, logvar = params.chunk(2, dim=1)
    return mean + (0.5 * logvar.clamp(-12.0, 4.0)).exp() * torch.randn_like(mean)


def shape_weight(x: torch.Tensor, extra: float = 4.0) -> torch.Tensor:
    """1 on the background, 1 + extra on shape pixels: small shapes carry the colour and position that
    matter, but few pixels."""
    border = torch.cat([x[:, :, 0], x[:, :, -1], x[:, :, :, 0], x[:, :, :, -1]], dim=2)
    bg = border.median(dim=2).values[:, :, None, None]
    return 1.0 + extra * ((x - bg).abs().sum(1, keepdim=True) > 0.1).float()


def save(path: str, enc, dec, step: int, scaling: float) -> None:
    torch.save({'encoder': enc.state_dict(), 'decoder': dec.state_dict(), 'step': step,
                'scaling_factor': scaling}, path + '.tmp')
    os.replace(path + '.tmp', path)


@torch.no_grad()
def latent_scaling(enc, seed: int = 99, n: int = 512) -> tuple[float, float]:
    """1 / std of the encoder's mean latents (SD's scaling_factor recipe), and reconstruction data."""
    rng = np.random.default_rng(seed)
    x, _, _ = world.batch(rng, n)
    mean = enc(torch.from_numpy(x)).chunk(2, dim=1)[0]
    return float(1.0 / mean.std()), float(mean.mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--minutes', type=float, default=12.0)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--kl', type=float, default=1e-4)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--init', action='store_true', help='continue from OUT/vae.pt with a fresh schedule')
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--decoder-only', action='store_true',
                    help='with --init: keep the encoder (and so the latent space and scaling factor) fixed')
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    enc, dec = nets.Encoder(), nets.Decoder()
    state = {}
    if args.init:
        state = torch.load(f'{args.out}/vae.pt')
        enc.load_state_dict(state['encoder'])
        dec.load_state_dict(state['decoder'])
        rng = np.random.default_rng([args.seed, state['step']])
    fixed_scaling = float(state['scaling_factor']) if args.decoder_only else None
    if args.decoder_only:
        enc.requires_grad_(False)
    params = list(dec.parameters()) + ([] if args.decoder_only else list(enc.parameters()))
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)
    start, last_save, step = time.time(), time.time(), 0
    budget = args.minutes * 60
    while time.time() - start < budget:
        frac = (time.time() - start) / budget
        for g in opt.param_groups:
            g['lr'] = args.lr * min(1.0, (step + 1) / 100) * (0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * frac)))
        x = torch.from_numpy(world.batch(rng, args.batch)[0])
        with torch.set_grad_enabled(not args.decoder_only):
            p = enc(x)
        rec = dec(sample_latent(p))
        err = (rec - x).pow(2)
        mse = err.mean()
        loss = (shape_weight(x) * err).mean() + args.kl * kl_loss(p)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 20 == 0:
            print(f'step {step} t {time.time() - start:.0f}s mse {mse.item():.5f} kl {kl_loss(p).item():.3f}', flush=True)
        if time.time() - last_save > 180:
            save(f'{args.out}/vae.pt', enc, dec, step, fixed_scaling or latent_scaling(enc)[0])
            last_save = time.time()
    scaling, mean = latent_scaling(enc)
    scaling = fixed_scaling or scaling
    save(f'{args.out}/vae.pt', enc, dec, step, scaling)
    print(f'done: {step} steps, scaling_factor {scaling:.4f}, latent mean {mean:.3f}', flush=True)


if __name__ == '__main__':
    main()
