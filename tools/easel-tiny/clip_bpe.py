"""A small CLIP-format byte-level BPE vocabulary, and a tokenizer that matches CLIP's.

vocab.json order is CLIP's: the 256 byte symbols, the same with '</w>', one entry per merge,
then '<|startoftext|>' and '<|endoftext|>' (so the end id is the largest, as in CLIP).
Merges are built so that every vocabulary word becomes a single token; any other text still
tokenizes (down to byte symbols).
"""
from __future__ import annotations

import html
import json
import re

# CLIP's pattern with \p{L} -> [^\W\d_] and \p{N} -> \d (Python's re has no \p classes).
PATTERN = re.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+""",
    re.IGNORECASE,
)
BOS = '<|startoftext|>'
EOS = '<|endoftext|>'
MAX_LENGTH = 77


def bytes_to_unicode() -> dict[int, str]:
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_ENCODER = bytes_to_unicode()


def clean(text: str) -> str:
    text = html.unescape(html.unescape(text)).strip()
    return re.sub(r'\s+', ' ', text).strip().lower()


def _bpe(token: str, ranks: dict[tuple[str, str], int]) -> list[str]:
    word = list(token[:-1]) + [token[-1] + '</w>']
    while len(word) > 1:
        pairs = [(word[i], word[i + 1]) for i in range(len(word) - 1)]
        best = min(pairs, key=lambda p: ranks.get(p, float('inf')))
        if best not in ranks:
            break
        merged, i = [], 0
        while i < len(word):
            if i < len(word) - 1 and (word[i], word[i + 1]) == best:
                merged.append(word[i] + word[i + 1])
                i += 2
            else:
                merged.append(word[i])
                i += 1
        word = merged
    return word


def build_merges(words: list[str]) -> list[tuple[str, str]]:
    """Merges, in rank order, that make each word one token. Each word's merges come after all
    earlier ones, so they never change how an earlier word is split."""
    merges: list[tuple[str, str]] = []
    ranks: dict[tuple[str, str], int] = {}
    for w in words:
        token = ''.join(BYTE_ENCODER[b] for b in w.encode('utf-8'))
        parts = _bpe(token, ranks)
        while len(parts) > 1:
            pair = (parts[0], parts[1])
            if pair not in ranks:
                ranks[pair] = len(merges)
                merges.append(pair)
            parts = [parts[0] + parts[1]] + parts[2:]
    return merges


class Tokenizer:
    def __init__(self, merges: list[tuple[str, str]]):
        self.merges = merges
        self.ranks = {m: i for i, m in enumerate(merges)}
        symbols = list(BYTE_ENCODER.values())
        vocab = symbols + [s + '</w>' for s in symbols] + [a + b for a, b in merges] + [BOS, EOS]
        self.encoder = {tok: i for i, tok in enumerate(vocab)}
        self.bos_id = self.encoder[BOS]
        self.eos_id = self.encoder[EOS]

    @classmethod
    def for_words(cls, words: list[str]) -> 'Tokenizer':
        return cls(build_merges(words))

    @property
    def vocab_size(self) -> int:
        return len(self.encoder)

    def tokenize(self, text: str) -> list[int]:
        ids: list[int] = []
        for piece in PATTERN.findall(clean(text)):
            token = ''.join(BYTE_ENCODER[b] for b in piece.encode('utf-8'))
            ids.extend(self.encoder[t] for t in _bpe(token, self.ranks))
        return ids

    def encode(self, text: str) -> list[int]:
        ids = [self.bos_id] + self.tokenize(text)[: MAX_LENGTH - 2] + [self.eos_id]
        return ids + [self.eos_id] * (MAX_LENGTH - len(ids))

    def save(self, folder: str) -> None:
        with open(f'{folder}/vocab.json', 'w', encoding='utf-8') as f:
            json.dump(self.encoder, f, ensure_ascii=False)
        with open(f'{folder}/merges.txt', 'w', encoding='utf-8') as f:
            f.write('#version: 0.2\n')
            for a, b in self.merges:
                f.write(f'{a} {b}\n')
        config = {
            'tokenizer_class': 'CLIPTokenizer', 'model_max_length': MAX_LENGTH,
            'bos_token': BOS, 'eos_token': EOS, 'unk_token': EOS, 'pad_token': EOS,
            'do_lower_case': True, 'add_prefix_space': False,
        }
        with open(f'{folder}/tokenizer_config.json', 'w') as f:
            json.dump(config, f, indent=2)
        with open(f'{folder}/special_tokens_map.json', 'w') as f:
            json.dump({'bos_token': BOS, 'eos_token': EOS, 'unk_token': EOS, 'pad_token': EOS}, f, indent=2)
