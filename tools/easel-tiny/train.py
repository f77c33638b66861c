"""Stage 2: train the text encoder and the UNet on frozen-VAE latents (SD 1.x epsilon objective).

Usage: python3 train.py --ckpt DIR [--minutes 90] [--batch 48] [--resume]
Needs DIR/vae.pt from train_vae.py. Writes DIR/latest.pt (model, EMA, optimizer, step, elapsed)
every --save-every minutes, so training can be stopped at any time and exported (export.py).
"""
from __future__ import annotations

import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')  # spinning OpenMP threads waste a shared CPU

import argparse
import time

import numpy as np
import torch

import clip_bpe
import nets
import world

TEXT_DIM = 64
TRAIN_STEPS = 1000


def sd_alphas_cumprod() -> torch.Tensor:
    """SD 1.x: scaled_linear betas 0.00085 -> 0.012 over 1000 steps."""
    betas = torch.linspace(0.00085 ** 0.5, 0.012 ** 0.5, TRAIN_STEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0).float()


def build(vocab_size: int):
    torch.manual_seed(0)
    return nets.TextEncoder(vocab_size, dim=TEXT_DIM, layers=2, heads=4), nets.UNet(ctx=TEXT_DIM, c1=64, c2=128)


def load_vae(ckpt_dir: str):
    state = torch.load(f'{ckpt_dir}/vae.pt')
    enc, dec = nets.Encoder(), nets.Decoder()
    enc.load_state_dict(state['encoder'])
    dec.load_state_dict(state['decoder'])
    enc.eval(), dec.eval()
    return enc, dec, float(state['scaling_factor'])


def ema_update(ema: dict, model: torch.nn.Module, decay: float) -> None:
    with torch.no_grad():
        for name, p in model.state_dict().items():
            if p.dtype.is_floating_point:
                ema[name].mul_(decay).add_(p, alpha=1 - decay)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--minutes', type=float, default=90.0, help='training time budget (wall clock)')
    ap.add_argument('--batch', type=int, default=48)
    ap.add_argument('--lr', type=float, default=8e-4)
    ap.add_argument('--offset-noise', type=float, default=0.1)
    ap.add_argument('--caption-dropout', type=float, default=0.1)
    ap.add_argument('--min-snr', type=float, default=5.0)
    ap.add_argument('--save-every', type=float, default=4.0, help='minutes')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--resume', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(2)

    tok = clip_bpe.Tokenizer.for_words(world.vocabulary_words())
    vae_enc, _, scaling = load_vae(args.ckpt)
    text, unet = build(tok.vocab_size)
    modules = torch.nn.ModuleDict({'text': text, 'unet': unet})
    print(f'text {nets.count(text)} unet {nets.count(unet)} params; vocab {tok.vocab_size}; scaling {scaling:.4f}', flush=True)
    # The placement prior ('.place.') was added mid-way through the first run: its parameters live in
    # their own trailing groups so that checkpoints from before it still resume.
    core = [(n, p) for n, p in modules.named_parameters() if '.place.' not in n]
    extra = [(n, p) for n, p in modules.named_parameters() if '.place.' in n]

    def groups(named):
        return [{'params': [p for _, p in named if p.ndim >= 2], 'weight_decay': 0.01},
                {'params': [p for _, p in named if p.ndim < 2], 'weight_decay': 0.0}]

    opt = torch.optim.AdamW(groups(core), lr=args.lr)
    ema = {k: v.detach().clone() for k, v in modules.state_dict().items()}
    extra_added = False
    step, elapsed_before = 0, 0.0
    rng = np.random.default_rng(args.seed)
    torch.manual_seed(args.seed)
    latest = f'{args.ckpt}/latest.pt'
    if args.resume and os.path.exists(latest):
        state = torch.load(latest)
        missing = modules.load_state_dict(state['model'], strict=False).missing_keys
        assert all('.place.' in k for k in missing), missing
        ema.update(state['ema'])
        if len(state['opt']['param_groups']) == 4:
            for g in groups(extra):
                opt.add_param_group(g)
            extra_added = True
        opt.load_state_dict(state['opt'])
        step, elapsed_before = state['step'], state['elapsed']
        rng = np.random.default_rng([args.seed, step])
        torch.manual_seed(args.seed + step)
        print(f'resumed at step {step}, {elapsed_before / 60:.1f} min', flush=True)

    if not extra_added:
        for g in groups(extra):
            opt.add_param_group(g)
    ac = sd_alphas_cumprod()
    empty = torch.tensor(tok.encode(''), dtype=torch.int64)
    budget = args.minutes * 60
    start, last_save = time.time() - elapsed_before, time.time()
    losses: list[float] = []

    def save() -> None:
        tmp = latest + '.tmp'
        torch.save({'model': modules.state_dict(), 'ema': ema, 'opt': opt.state_dict(), 'step': step,
                    'elapsed': time.time() - start, 'scaling_factor': scaling, 'text_dim': TEXT_DIM,
                    'args': vars(args)}, tmp)
        os.replace(tmp, latest)

    while time.time() - start < budget:
        frac = (time.time() - start) / budget
        lr = args.lr * min(1.0, (step + 1) / 150) * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * frac)))
        for g in opt.param_groups:
            g['lr'] = lr
        imgs, caps, _ = world.batch(rng, args.batch)
        with torch.no_grad():
            mean, logvar = vae_enc(torch.from_numpy(imgs)).chunk(2, dim=1)
            x0 = (mean + (0.5 * logvar.clamp(-12, 4)).exp() * torch.randn_like(mean)) * scaling
        ids = torch.tensor([tok.encode(c) for c in caps], dtype=torch.int64)
        drop = torch.from_numpy(rng.random(args.batch) < args.caption_dropout)
        ids[drop] = empty
        t = torch.randint(0, TRAIN_STEPS, (args.batch,))
        b, c = x0.shape[:2]
        noise = torch.randn_like(x0) + args.offset_noise * torch.randn(b, c, 1, 1)
        a = ac[t].reshape(-1, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        hidden, _ = text(ids)
        pred = unet(xt, t, hidden)
        snr = a.reshape(-1) / (1 - a.reshape(-1))
        weight = torch.clamp(snr, max=args.min_snr) / snr
        loss = (weight * (pred - noise).pow(2).mean(dim=(1, 2, 3))).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(modules.parameters(), 1.0)
        opt.step()
        step += 1
        ema_update(ema, modules, min(0.999, (1 + step) / (10 + step)))
        losses.append(loss.item())
        if step % 10 == 0:
            print(f'step {step} min {(time.time() - start) / 60:.1f} lr {lr:.2e} loss {np.mean(losses):.4f}', flush=True)
            losses.clear()
        if time.time() - last_save > args.save_every * 60:
            save()
            last_save = time.time()
    save()
    print(f'done: {step} steps in {(time.time() - start) / 60:.1f} min', flush=True)


if __name__ == '__main__':
    main()
