"""Judge a generated 64x64 picture by its pixels: background colour, shape colour, shape position.

- background: the most common nearest named colour among the border pixels;
- shape pixels: pixels whose nearest named colour is not the background's and that are far from
  the background colour; shape colour: their most common nearest named colour;
- position: the centroid of the shape pixels, mapped to the nearest of the nine anchors.
tools/eval-tiny.ts implements the same rules for the TypeScript pipeline.
"""
from __future__ import annotations

import numpy as np

import world

PALETTE = np.array([world.COLOURS[c] for c in world.COLOUR_NAMES], dtype=np.float32)
ANCHORS = np.array([world.POSITIONS[p] for p in world.POSITION_NAMES], dtype=np.float32)
MIN_SHAPE_PIXELS = 12


def nearest(pixels: np.ndarray) -> np.ndarray:
    d = ((pixels[..., None, :].astype(np.float32) - PALETTE) ** 2).sum(-1)
    return d.argmin(-1)


def judge(img: np.ndarray) -> dict:
    """img uint8 [64, 64, 3] -> {'bg', 'colour', 'pos'} (None where nothing was found)."""
    labels = nearest(img)
    border = np.concatenate([labels[0], labels[-1], labels[1:-1, 0], labels[1:-1, -1]])
    bg = int(np.bincount(border, minlength=len(PALETTE)).argmax())
    far = np.sqrt(((img.astype(np.float32) - PALETTE[bg]) ** 2).sum(-1)) > 60.0
    shape = (labels != bg) & far
    out = {'bg': world.COLOUR_NAMES[bg], 'colour': None, 'pos': None}
    if shape.sum() < MIN_SHAPE_PIXELS:
        return out
    out['colour'] = world.COLOUR_NAMES[int(np.bincount(labels[shape], minlength=len(PALETTE)).argmax())]
    ys, xs = np.nonzero(shape)
    centroid = np.array([xs.mean() + 0.5, ys.mean() + 0.5], dtype=np.float32)
    out['pos'] = world.POSITION_NAMES[int(((ANCHORS - centroid) ** 2).sum(-1).argmin())]
    return out


def score(cases: list[dict], images: list[np.ndarray]) -> dict:
    hits = {'bg': 0, 'colour': 0, 'pos': 0}
    for case, img in zip(cases, images):
        j = judge(img)
        hits['bg'] += j['bg'] == case['bg']
        hits['colour'] += j['colour'] == case['colour']
        hits['pos'] += j['pos'] == case['pos']
    return {k: v / max(1, len(cases)) for k, v in hits.items()}
