"""Related articles as arrays: every article's weighted keys, what a candidate scores and where it ranks
(the definition is in `newsgen.related`, the fast path that uses these in `newsgen.related_fast`).

A candidate's shared keys are bits of a uint64 over the article's key list, summed in the plain loop's
order: the same floats; ranks round as Python's round(score, 9) does. Also the sorts both modules use.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import chain
from typing import Sequence

import numpy as np

from newsgen.model import Article
from newsgen.searchkey import search_key

_MIN_WORD = 3      # shorter words are mostly particles (في، من، عن)
_MAX_SHARE = 0.05  # words in more than 5% of articles say nothing about relatedness
_TAG = 100.0       # a shared tag outweighs any number of shared words
_BITS = 63         # keys an article may have on the fast path: one bit each of a uint64
_EPS = 1e-6        # ties are decided on round(score, 9): keep everything this close to a cut
_GAP = "\x00"      # between titles when all are split at once
_MARK = "\u16a0"   # between tokens when all are keyed at once (a runic letter: K1 leaves it alone)


@dataclass(frozen=True)
class _Keys:
    """Every article's weighted keys in the order the plain loop adds them, as flat arrays."""

    n: int
    art: np.ndarray      # per key use: the article
    key: np.ndarray      # per key use: the key id
    bit: np.ndarray      # per key use: 1 << its place in the article's list (0 past _BITS)
    weight: np.ndarray   # per key use: the key's weight
    offsets: np.ndarray  # article -> its first key use
    huge: np.ndarray     # key id -> a tag on more than 5% of the articles (counted only nearby)
    rank: np.ndarray     # article -> place in (newest first, source id) order
    kinds: int           # number of key ids


def _keys(articles: Sequence[Article]) -> _Keys | None:
    """The key uses, or None (left to the plain loop) when some article repeats a tag or there are over 2^20."""
    n = len(articles)
    tags = [a.tags for a in articles]
    if n >= 1 << 20 or any(len(set(t)) < len(t) for t in tags if len(t) > 1):
        return None
    word_art, word_id, words = _title_words(articles)
    vocab = len(words)
    flat = list(chain.from_iterable(tags))  # tag ids come after the word ids: "#x" is never a word
    ids = dict(zip(dict.fromkeys(flat), range(vocab, vocab + len(flat))))
    art = np.concatenate([np.repeat(np.arange(n), list(map(len, tags))), word_art])
    key = np.concatenate([np.fromiter(map(ids.__getitem__, flat), np.int64, len(flat)), word_id])
    order = _order(art)  # stable: tags in their order, then words in string order
    art, key = art[order], key[order]
    kinds = vocab + len(ids)
    df = np.bincount(key, minlength=kinds)
    cap = max(2, int(n * _MAX_SHARE))
    logs = np.array([0.0, 0.0] + [math.log(n / d) for d in range(2, cap + 1)])  # the plain loop's floats
    tag = np.arange(kinds) >= vocab
    weight = np.where(tag, _TAG, logs[np.minimum(df, cap)])
    keep = ((df > 1) & (tag | (df <= cap)))[key]
    art, key = art[keep], key[keep]
    offsets = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(art, minlength=n), out=offsets[1:])
    place = np.arange(len(key)) - offsets[art]
    bit = np.where(place < _BITS, np.uint64(1) << np.minimum(place, _BITS - 1).astype(np.uint64), np.uint64(0))
    by_id = np.array(sorted(range(n), key=[a.source_id for a in articles].__getitem__))
    stamps = np.array([-a.date.timestamp() for a in articles])
    order = by_id[np.argsort(stamps[by_id], kind="stable")]
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    return _Keys(n, art, key, bit, weight[key], offsets, tag & (df > cap), rank, kinds)


def _title_words(articles: Sequence[Article]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(article, word id) for each distinct K1 word of 3+ letters in its title and summary, and the words
    (ids follow their string order).

    K1 works character by character and whitespace always ends a word, so each distinct token is keyed
    once, all in one call (a call costs more than a short title)."""
    texts = [a.title + " " + a.summary for a in articles]
    tokens = f" {_GAP} ".join(texts).split()
    owner = None
    if tokens.count(_GAP) != len(texts) - 1:  # some title holds the gap mark itself
        split = [t.split() for t in texts]
        owner = np.repeat(np.arange(len(texts)), [len(s) for s in split])
        tokens = list(chain.from_iterable(split))
    distinct = list(dict.fromkeys(tokens))
    token = np.fromiter(map(dict(zip(distinct, range(len(distinct)))).__getitem__, tokens), np.int64, len(tokens))
    if owner is None:  # the gap tokens themselves key to no word
        owner = np.cumsum(token == distinct.index(_GAP)) if len(texts) > 1 else np.zeros(len(tokens), np.int64)
    keyed = search_key(f" {_MARK} ".join(distinct)).split()
    of_token = np.cumsum(np.fromiter(map(_MARK.__eq__, keyed), bool, len(keyed)))  # each word's token
    if len(distinct) and of_token[-1:].sum() != len(distinct) - 1:  # a token keys to the mark: one by one
        parts = [search_key(t).split() for t in distinct]
        keyed, of_token = list(chain.from_iterable(parts)), np.repeat(np.arange(len(parts)), list(map(len, parts)))
    found = list(dict.fromkeys(keyed))
    words = sorted(w for w in found if len(w) >= _MIN_WORD)  # the mark is shorter: it drops out here
    wid = dict.fromkeys(found, -1)
    wid.update(zip(words, range(len(words))))
    word = np.fromiter(map(wid.__getitem__, keyed), np.int64, len(keyed))
    of_token, word = of_token[word >= 0], word[word >= 0]
    sizes = np.bincount(of_token, minlength=len(distinct))
    use, step = _spread(sizes[token])
    width = max(1, len(words))
    pair = np.sort(owner[use] * width + word[(np.cumsum(sizes) - sizes)[token[use]] + step])
    pair = pair[_runs(pair)]
    return pair // width, pair % width, words


def _order(*columns: np.ndarray) -> np.ndarray:
    """Stable argsort by columns (first most significant) of non-negative ints.

    Done as value sorts of the columns packed with the row number, several times faster than argsort."""
    rows = len(columns[0])
    shift = max(1, (rows - 1).bit_length())
    code, span = np.zeros(rows, np.int64), 1
    for c in columns:
        top = int(c.max()) + 1 if rows else 1
        code, span = code * top + c, span * top
    if span < 1 << (62 - shift):
        return np.sort((code << shift) | np.arange(rows)) & ((1 << shift) - 1)
    if len(columns) == 1:
        return np.argsort(columns[0], kind="stable")
    order = np.arange(rows)
    for c in reversed(columns):  # too wide together: one column at a time
        order = order[_order(c[order])]
    return order


def _spread(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, 0), (i, 1) … (i, lengths[i] - 1) for every i, as two arrays."""
    owner = np.repeat(np.arange(len(lengths)), lengths)
    return owner, np.arange(len(owner)) - np.repeat(np.cumsum(lengths) - lengths, lengths)


def _bits(keys: _Keys, rows: np.ndarray) -> np.ndarray:
    """The key bits of each row of key uses."""
    bits = keys.bit[rows[:, 0]]
    for c in range(1, rows.shape[1]):
        bits = bits | keys.bit[rows[:, c]]
    return bits


def _runs(*columns: np.ndarray) -> np.ndarray:
    """Starts of the runs of equal rows in sorted columns."""
    new = np.zeros(len(columns[0]), bool)
    new[:1] = True
    for c in columns:
        new[1:] |= c[1:] != c[:-1]
    return np.flatnonzero(new)


def _scores(keys: _Keys, src: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Sum of the weights of the keys in `mask`, added in the article's key order (the plain loop's floats)."""
    out = np.zeros(len(src))
    live = np.flatnonzero(mask)
    rest, base, score = mask[live], keys.offsets[src[live]], np.zeros(len(live))
    one = np.uint64(1)
    while len(live):
        low = rest & (~rest + one)  # the lowest key left; a power of two, so a float holds it exactly
        score += keys.weight[base + np.frexp(low.astype(np.float64))[1] - 1]
        rest ^= low
        done = rest == 0
        if done.any():
            out[live[done]] = score[done]
            more = ~done
            live, rest, base, score = live[more], rest[more], base[more], score[more]
    return out


def _kth(src: np.ndarray, score: np.ndarray, limit: int, n: int) -> np.ndarray:
    """Each article's limit-th best score, rounded down to 2^-20 (-inf with fewer candidates)."""
    top = (1 << 43) - 1
    q = np.minimum(np.floor(score * 2.0 ** 20), top).astype(np.int64)
    packed = np.sort((src << 43) | (top - q))
    bounds = np.searchsorted(packed >> 43, np.arange(n + 1))
    kth = np.full(n, -np.inf)
    has = np.flatnonzero(np.diff(bounds) >= limit)
    kth[has] = (top - (packed[bounds[has] + limit - 1] & top)) / 2.0 ** 20
    return kth


def _best(keys: _Keys, src, dst, score, limit) -> tuple[np.ndarray, np.ndarray]:
    """Each article's first `limit` candidates by (-round(score, 9), newest, source id), as sorted rows."""
    pool = score >= _kth(src, score, limit, keys.n)[src] - 2 * _EPS
    src, dst, score = src[pool], dst[pool], score[pool]
    rounded = _rounded(score)
    levels = np.unique(rounded)
    order = _order(src, len(levels) - 1 - np.searchsorted(levels, rounded), keys.rank[dst])
    src, dst = src[order], dst[order]
    keep = np.arange(len(src)) - np.searchsorted(src, src) < limit
    return src[keep], dst[keep]


def _rounded(score: np.ndarray) -> np.ndarray:
    """round(score, 9) as Python rounds it (correctly, from the exact binary value); Python settles near-halves."""
    y = score * 1e9
    d = np.rint(y)
    unsure = np.abs(y - np.floor(y) - 0.5) <= 4 * np.spacing(y) + 1e-6
    d[unsure] = [round(round(float(x), 9) * 1e9) for x in score[unsure]]
    return d / 1e9
