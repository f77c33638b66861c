"""The procedural world easel-tiny draws: scenes, captions, rendering, held-out combinations.

A scene is one or two flat-coloured shapes on a flat background, 64x64 RGB.
Rendering is done at 2x and box-filtered down, so edges are anti-aliased.
"""
from __future__ import annotations

import numpy as np

SIZE = 64
COLOURS = {
    'red': (220, 30, 30),
    'green': (30, 160, 60),
    'blue': (30, 70, 220),
    'yellow': (240, 220, 40),
    'purple': (130, 50, 170),
    'orange': (245, 140, 30),
    'white': (245, 245, 245),
    'black': (20, 20, 20),
}
COLOUR_NAMES = list(COLOURS)
SHAPES = ['circle', 'square', 'triangle', 'star', 'ring']
SIZES = ['small', 'large']
# Anchor centres in 64x64 pixel coordinates (x, y).
POSITIONS = {
    'center': (32, 32),
    'left': (16, 32),
    'right': (48, 32),
    'top': (32, 16),
    'bottom': (32, 48),
    'top left': (16, 16),
    'top right': (48, 16),
    'bottom left': (16, 48),
    'bottom right': (48, 48),
}
POSITION_NAMES = list(POSITIONS)
POSITION_PHRASES = {
    'center': ['in the center', 'in the middle', 'in the center'],
    'left': ['on the left'],
    'right': ['on the right'],
    'top': ['at the top'],
    'bottom': ['at the bottom'],
    'top left': ['in the top left corner', 'at the top left'],
    'top right': ['in the top right corner', 'at the top right'],
    'bottom left': ['in the bottom left corner', 'at the bottom left'],
    'bottom right': ['in the bottom right corner', 'at the bottom right'],
}
# Position pairs used for two-shape scenes.
PAIRS = [('left', 'right'), ('top', 'bottom'), ('top left', 'bottom right'), ('top right', 'bottom left')]
RADIUS = {'small': (7.0, 9.0), 'large': (13.0, 15.5)}
JITTER = 3.0


def held_out_triples(seed: int = 1234, count: int = 36) -> set[tuple[str, str, str]]:
    """(colour, shape, position) combinations never drawn in training; each colour, shape and position
    still appears in training with other partners."""
    rng = np.random.default_rng(seed)
    triples = [(c, s, p) for c in COLOUR_NAMES for s in SHAPES for p in POSITION_NAMES]
    order = rng.permutation(len(triples))
    return {triples[i] for i in order[:count]}


HELD_OUT = held_out_triples()


def plural(shape: str) -> str:
    return shape + 's'


def _shape(rng, colour: str, shape: str, pos: str, size: str) -> dict:
    ax, ay = POSITIONS[pos]
    lo, hi = RADIUS[size]
    return {
        'colour': colour, 'shape': shape, 'pos': pos, 'size': size,
        'cx': ax + rng.uniform(-JITTER, JITTER), 'cy': ay + rng.uniform(-JITTER, JITTER),
        'r': rng.uniform(lo, hi), 'angle': rng.uniform(-0.15, 0.15),
    }


def _pick_triple(rng, bg: str, pos: str, allow_held_out: bool) -> tuple[str, str]:
    while True:
        colour = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
        shape = SHAPES[rng.integers(len(SHAPES))]
        if colour != bg and (allow_held_out or (colour, shape, pos) not in HELD_OUT):
            return colour, shape


def sample_scene(rng: np.random.Generator, allow_held_out: bool = False) -> dict:
    bg = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
    kind = rng.random()
    if kind < 0.7:
        pos = POSITION_NAMES[rng.integers(len(POSITION_NAMES))]
        colour, shape = _pick_triple(rng, bg, pos, allow_held_out)
        size = SIZES[rng.integers(2)]
        return {'bg': bg, 'shapes': [_shape(rng, colour, shape, pos, size)], 'kind': 'one'}
    p1, p2 = PAIRS[rng.integers(len(PAIRS))]
    if rng.random() < 0.5:
        p1, p2 = p2, p1
    size = 'small' if rng.random() < 0.6 else 'large'
    if kind < 0.85:  # "two yellow stars": same colour and shape
        while True:
            colour, shape = _pick_triple(rng, bg, p1, allow_held_out)
            if allow_held_out or (colour, shape, p2) not in HELD_OUT:
                break
        shapes = [_shape(rng, colour, shape, p1, size), _shape(rng, colour, shape, p2, size)]
        return {'bg': bg, 'shapes': shapes, 'kind': 'two'}
    c1, s1 = _pick_triple(rng, bg, p1, allow_held_out)
    while True:
        c2, s2 = _pick_triple(rng, bg, p2, allow_held_out)
        if (c2, s2) != (c1, s1):
            break
    shapes = [_shape(rng, c1, s1, p1, size), _shape(rng, c2, s2, p2, size)]
    return {'bg': bg, 'shapes': shapes, 'kind': 'pair'}


def article(word: str) -> str:
    return 'an' if word[0] in 'aeiou' else 'a'


def _bg_phrase(rng, bg: str) -> str:
    u = rng.random()
    if u < 0.6:
        return f'on {article(bg)} {bg} background'
    if u < 0.85:
        return f'on {bg}'
    return f'with {article(bg)} {bg} background'


def caption(scene: dict, rng: np.random.Generator, full: bool = False) -> str:
    """Plain-English caption. With full=False, size, position and background are sometimes left out
    (the model then learns the marginal); full=True always names everything."""
    shapes = scene['shapes']
    say_bg = full or rng.random() < 0.9
    if scene['kind'] == 'one':
        s = shapes[0]
        words = []
        if full or rng.random() < 0.75:
            words.append(s['size'])
        words += [s['colour'], s['shape']]
        words.insert(0, article(words[0]))
        if full or rng.random() < 0.9:
            phrases = POSITION_PHRASES[s['pos']]
            words.append(phrases[rng.integers(len(phrases))])
    elif scene['kind'] == 'two':
        s = shapes[0]
        words = ['two']
        if full or rng.random() < 0.5:
            words.append(s['size'])
        words += [s['colour'], plural(s['shape'])]
    else:
        words = []
        for i, s in enumerate(shapes):
            if i:
                words.append('and')
            words += [article(s['colour']), s['colour'], s['shape']]
            phrases = POSITION_PHRASES[s['pos']]
            words.append(phrases[rng.integers(len(phrases))])
    if say_bg:
        words.append(_bg_phrase(rng, scene['bg']))
    return ' '.join(words)


# ---- rendering -------------------------------------------------------------------------------
_SS = 2  # supersampling factor
_N = SIZE * _SS
_coords = (np.arange(_N, dtype=np.float32) + 0.5) / _SS
_X, _Y = np.meshgrid(_coords, _coords)


def _convex(vertices: np.ndarray) -> np.ndarray:
    """Mask of the convex polygon with counter-clockwise (in image coordinates: clockwise) vertices."""
    inside = np.ones((_N, _N), dtype=bool)
    n = len(vertices)
    for i in range(n):
        x0, y0 = vertices[i]
        x1, y1 = vertices[(i + 1) % n]
        cross = (x1 - x0) * (_Y - y0) - (y1 - y0) * (_X - x0)
        inside &= cross >= 0
    return inside


def _poly(cx: float, cy: float, radii, angles) -> np.ndarray:
    return np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], axis=1)


def shape_mask(s: dict) -> np.ndarray:
    cx, cy, r, a = s['cx'], s['cy'], s['r'], s['angle']
    kind = s['shape']
    if kind == 'circle':
        return (_X - cx) ** 2 + (_Y - cy) ** 2 <= r * r
    if kind == 'ring':
        d2 = (_X - cx) ** 2 + (_Y - cy) ** 2
        return (d2 <= r * r) & (d2 >= (0.55 * r) ** 2)
    if kind == 'square':
        h = 0.85 * r
        ang = a + np.pi / 4 + np.arange(4) * np.pi / 2
        return _convex(_poly(cx, cy, np.full(4, h * np.sqrt(2)), ang))
    if kind == 'triangle':
        ang = a - np.pi / 2 + np.arange(3) * 2 * np.pi / 3
        return _convex(_poly(cx, cy + 0.15 * r, np.full(3, 1.1 * r), ang))
    if kind == 'star':
        outer = a - np.pi / 2 + np.arange(5) * 2 * np.pi / 5
        inner = outer + np.pi / 5
        ri = 0.42 * r
        mask = _convex(_poly(cx, cy, np.full(5, ri), inner))
        for k in range(5):
            tip = _poly(cx, cy, np.array([r * 1.05]), outer[k:k + 1])[0]
            left = _poly(cx, cy, np.array([ri]), inner[(k - 1) % 5:(k - 1) % 5 + 1])[0]
            right = _poly(cx, cy, np.array([ri]), inner[k:k + 1])[0]
            mask |= _convex(np.stack([left, tip, right]))
        return mask
    raise ValueError(kind)


def render(scene: dict) -> np.ndarray:
    """uint8 [64, 64, 3]."""
    img = np.empty((_N, _N, 3), dtype=np.float32)
    img[:] = COLOURS[scene['bg']]
    for s in scene['shapes']:
        img[shape_mask(s)] = COLOURS[s['colour']]
    img = img.reshape(SIZE, _SS, SIZE, _SS, 3).mean(axis=(1, 3))
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def batch(rng: np.random.Generator, n: int, full_captions: bool = False):
    """n rendered scenes: float32 [n, 3, 64, 64] in [-1, 1], list of captions, list of scenes."""
    scenes = [sample_scene(rng) for _ in range(n)]
    imgs = np.stack([render(s) for s in scenes]).astype(np.float32) / 127.5 - 1.0
    caps = [caption(s, rng, full_captions) for s in scenes]
    return imgs.transpose(0, 3, 1, 2).copy(), caps, scenes


def eval_cases(n_per_triple: int = 6, seed: int = 777) -> list[dict]:
    """Held-out single-shape captions with everything named: the evaluation set (36 x 6 = 216)."""
    rng = np.random.default_rng(seed)
    cases = []
    for colour, shape, pos in sorted(HELD_OUT):
        for k in range(n_per_triple):
            while True:
                bg = COLOUR_NAMES[rng.integers(len(COLOUR_NAMES))]
                if bg != colour:
                    break
            size = SIZES[k % 2]
            scene = {'bg': bg, 'kind': 'one', 'shapes': [_shape(rng, colour, shape, pos, size)]}
            cases.append({'caption': caption(scene, rng, full=True), 'bg': bg, 'colour': colour,
                          'shape': shape, 'pos': pos, 'size': size, 'seed': 1000 + len(cases)})
    return cases


def vocabulary_words() -> list[str]:
    words = set('a an two and on in at the with background corner middle'.split())
    words |= set(COLOUR_NAMES) | set(SHAPES) | {plural(s) for s in SHAPES} | set(SIZES)
    for phrases in POSITION_PHRASES.values():
        for p in phrases:
            words |= set(p.split())
    return sorted(words)
