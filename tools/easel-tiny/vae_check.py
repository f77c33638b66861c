"""Reconstruction check of a trained VAE: MSE, judge agreement, PNG (originals above reconstructions)."""
from __future__ import annotations

import os

os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import sys

import numpy as np
import torch

import judge
import sample
import train
import world

torch.set_num_threads(2)
enc, dec, scaling = train.load_vae(sys.argv[1])
rng = np.random.default_rng(4242)
x, caps, scenes = world.batch(rng, 96)
with torch.no_grad():
    mean = enc(torch.from_numpy(x)).chunk(2, dim=1)[0]
    rec = dec(mean).clamp(-1, 1).numpy()
print(f'scaling {scaling:.4f} mse {((rec - x) ** 2).mean():.5f}')
to8 = lambda a: ((a.transpose(0, 2, 3, 1) + 1) * 127.5 + 0.5).astype(np.uint8)
orig, recon = to8(x), to8(rec)
ones = [i for i, s in enumerate(scenes) if s['kind'] == 'one']
cases = [{'bg': scenes[i]['bg'], 'colour': scenes[i]['shapes'][0]['colour'], 'pos': scenes[i]['shapes'][0]['pos']} for i in ones]
print('judge on reconstructions', judge.score(cases, [recon[i] for i in ones]))
if len(sys.argv) > 2:
    from PIL import Image
    imgs = []
    for r in range(2):
        imgs += list(orig[r * 12:(r + 1) * 12]) + list(recon[r * 12:(r + 1) * 12])
    Image.fromarray(sample.grid(imgs, 12)).resize((12 * 66 * 2, 4 * 66 * 2), Image.NEAREST).save(sys.argv[2])
