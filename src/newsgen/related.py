"""Related articles: shared tags first, then shared rare title words (spec K1 search keys).

An article's score for another is the sum of the weights of the keys both have (a tag 100, a word
log(n / articles with it)), added in the article's own key order: its tags, then its sorted words.
Best first by round(score, 9), then newest, then source id. Words in over 5% of the articles are
ignored; a tag on over 5% of them counts only for the `limit` articles either side in site order.

`_plain` is that definition as a loop over every article sharing a key: the reference (tests check
the fast path against it) and the fallback for odd inputs, but ~3 s at 10,000 articles. The fast
path lists only candidates that can place, using groups of articles that share a key set: every
member of a group scores at least the group's own sum, so a member with no other shared key ranks
behind the group's first limit+1 (newest, source id). So all members meet only in the first level
of shared key sets whose groups are small; below it just the group heads meet, and only for key
sets whose sum reaches a score that `limit` others are known to reach. A candidate's shared keys
are bits of a uint64 over the article's key list, summed in the loop's order: the same floats.
"""
from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Iterable, Sequence

import numpy as np

from newsgen.model import Article
from newsgen.searchkey import search_key

_MIN_WORD = 3      # shorter words are mostly particles (في، من، عن)
_MAX_SHARE = 0.05  # words in more than 5% of articles say nothing about relatedness
_TAG = 100.0       # a shared tag outweighs any number of shared words
_BITS = 63         # keys an article may have on the fast path: one bit each of a uint64
_LONG = 16         # articles with more plain keys meet others through their whole pair groups
_LEVELS = 6        # shared key sets listed up to this size
_CHEAP = 1         # a level is paired off in full once that is at most this many meetings per key set listed
_ROWS = 1 << 22    # past pairs, a level lists at most this many key sets (memory)
_CHUNK = 1 << 20   # meetings handled at once: bounds memory on any site
_EPS = 1e-6        # ties are decided on round(score, 9): keep everything this close to a cut
_GAP = "\x00"      # between titles when all are split at once
_MARK = "\u16a0"   # between tokens when all are keyed at once (a runic letter: K1 leaves it alone)


def related_articles(articles: Sequence[Article], limit: int) -> dict[str, tuple[Article, ...]]:
    """source_id -> up to `limit` related articles, best first, ties broken by newest, then source id."""
    if limit <= 0 or len(articles) < 2:
        return {a.source_id: () for a in articles}
    keys = _keys(articles)
    best = [[] for _ in articles] if keys is None else _fast(keys, limit)
    slow = range(len(articles)) if keys is None else np.flatnonzero(np.diff(keys.offsets) > _BITS).tolist()
    if len(slow):
        for index, found in _plain(articles, limit, slow).items():
            best[index] = found
    get = articles.__getitem__
    return {a.source_id: tuple(map(get, found)) for a, found in zip(articles, best)}


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


def _fast(keys: _Keys, limit: int) -> list[list[int]]:
    """Top lists of all articles (those with more than _BITS keys are redone by the plain loop)."""
    levels, long = _levels(keys)
    heaviest = np.zeros(keys.n)  # r keys of an article sum to at most r times its heaviest (plus rounding)
    np.maximum.at(heaviest, keys.art, keys.weight)
    floor = np.full(keys.n, -np.inf)  # a score `limit` others surely reach: each member of a big group does
    for g in reversed(levels):  # larger key sets first: their sums rule most smaller ones out
        big = np.flatnonzero((g.size > limit) & (g.rows.shape[1] * heaviest[g.art] + _EPS >= floor[g.art]))
        np.maximum.at(floor, g.art[big], _scores(keys, g.art[big], _bits(keys, g.rows[big])))
    meets = _meetings(keys, levels, long, limit)
    out: list[list[int]] = [[] for _ in range(keys.n)]
    for a, b in _chunks(keys, meets):
        src, dst, bits = map(np.concatenate, zip(*(_meet(keys, m, limit, a, b) for m in meets)))
        src, dst, bits, score = _combined(keys, src, dst, bits, np.full(len(src), -1.0))
        reached = np.maximum(floor, _kth(src, score, limit, keys.n)) - _EPS
        keep = score >= reached[src]  # below this nothing can place
        heads = [_heads(keys, g, reached, heaviest, limit, g.select(a, b, keys.n)) for g in levels[:-1]]
        src, dst, bits, score = _combined(keys, *map(np.concatenate, zip(
            (src[keep], dst[keep], bits[keep], score[keep]), *heads)))
        keep = score >= reached[src]
        src, dst = _best(keys, src[keep], dst[keep], score[keep], limit)
        bounds = np.searchsorted(src, np.arange(a, b + 1)).tolist()
        found = dst.tolist()
        out[a:b] = [found[x:y] for x, y in zip(bounds, bounds[1:])]
    return out


@dataclass(frozen=True)
class _Groups:
    """Rows of key uses, one per article and key set, grouped by key set, in the order the rows came in
    (newest article first, or site order for huge tags). A key set only one article has is left out."""

    rows: np.ndarray   # (rows, r) key uses, keys ascending
    art: np.ndarray    # each row's article
    place: np.ndarray  # its place in its group
    size: np.ndarray   # its group's size

    @classmethod
    def of(cls, keys: _Keys, rows: np.ndarray, code: np.ndarray) -> _Groups:
        order = _order(code)
        start = _runs(code[order])
        size = np.diff(start, append=len(order))
        order = order[np.repeat(size > 1, size)]
        size = size[size > 1]
        place = np.arange(len(order)) - np.repeat(np.cumsum(size) - size, size)
        return cls(rows[order], keys.art[rows[order, 0]], place, np.repeat(size, size))

    def partners(self, rows: np.ndarray, span: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(row, other row) for each of `rows` and each other member of its group (within `span` places)."""
        before, after = self.place[rows], self.size[rows] - 1 - self.place[rows]
        if span is not None:
            before, after = np.minimum(before, span), np.minimum(after, span)
        who, step = _spread(before + after)
        row = rows[who]
        other = row - before[who] + step
        return row, other + (other >= row)

    def select(self, a: int, b: int, n: int) -> np.ndarray:
        """The rows of articles a … b-1."""
        if a == 0 and b == n:
            return np.arange(len(self.art))
        order, sorted_art = self._by_article
        return order[np.searchsorted(sorted_art, a):np.searchsorted(sorted_art, b)]

    @cached_property
    def _by_article(self) -> tuple[np.ndarray, np.ndarray]:
        order = _order(self.art)
        return order, self.art[order]


def _levels(keys: _Keys) -> tuple[list[_Groups], np.ndarray]:
    """Groups of articles sharing 1, 2, 3 … plain (not huge) keys, up to the first level whose groups
    are cheap to pair off in full; and which articles have too many keys to go past pairs."""
    uses = np.flatnonzero(~keys.huge[keys.key])
    uses = uses[_order(keys.art[uses], keys.key[uses])]  # an article's keys ascending, to list sets once
    plain = np.bincount(keys.art[uses], minlength=keys.n)
    long = plain > _LONG
    end = np.cumsum(plain)  # where each article's run of `uses` ends
    at = np.zeros(len(keys.key), np.int64)
    at[uses] = np.arange(len(uses))
    newest = uses[_order(keys.rank[keys.art[uses]])]  # a set's rows then stay newest first at every level
    levels = [_Groups.of(keys, newest[:, None], keys.key[newest])]
    while len(levels) < _LEVELS:
        g = levels[-1]
        pairing = int((g.size - 1).sum())
        if len(levels) > 1 and pairing <= _CHEAP * max(len(g.art), keys.n):
            break  # cheap enough to pair off in full
        last = g.rows[:, -1]
        more = end[g.art] - at[last] - 1  # this set plus any later key of the same article
        if len(levels) > 1:
            more = np.where(long[g.art], 0, more)
        if len(levels) > 1 and more.sum() > min(pairing, _ROWS):
            break  # listing the next level would cost more than pairing this one, or too much memory
        row, step = _spread(more)
        new = uses[at[last[row]] + 1 + step]
        group = np.cumsum(g.place == 0) - 1
        levels.append(_Groups.of(keys, np.column_stack([g.rows[row], new]), group[row] * keys.kinds + keys.key[new]))
        if len(levels) > 2 and (levels[-1].size - 1).sum() >= pairing:
            levels.pop()  # pairs shared this widely (copies of one article): more keys no longer narrow it
            break
    return levels, long


@dataclass(frozen=True)
class _Meeting:
    """Group members that all meet: each row with the other members of its group."""

    groups: _Groups
    bits: np.ndarray                  # each row's key bits
    rows: np.ndarray | None = None    # only these rows meet
    span: int | None = None           # only members this close in the group (and `place`) meet
    place: np.ndarray | None = None   # per key use: its place in a huge tag's list
    needs: np.ndarray | None = None   # per article: a pair meets only if one of the two is flagged

    def cost(self) -> np.ndarray:
        """Each row's number of meetings, about."""
        g = self.groups
        count = g.size - 1 if self.span is None else (np.minimum(g.place, self.span)
                                                       + np.minimum(g.size - 1 - g.place, self.span))
        return count if self.rows is None else count * self.rows


def _meetings(keys: _Keys, levels: list[_Groups], long: np.ndarray, limit: int) -> list[_Meeting]:
    """The top level in full; with more levels, long articles with all who share a pair with them; and
    articles within `limit` places in a huge tag's list, with that tag and each plain key they share."""
    meets = [_Meeting(levels[-1], *_alike(keys, levels[-1]))]
    if len(levels) > 2 and long.any():
        pairs = levels[1]
        group = np.cumsum(pairs.place == 0) - 1
        held = np.bincount(group[long[pairs.art]], minlength=group[-1] + 1)[group] > 0
        meets.append(_Meeting(pairs, _bits(keys, pairs.rows), held, needs=long))
    uses = np.flatnonzero(keys.huge[keys.key])
    tags = _Groups.of(keys, uses[:, None], keys.key[uses])  # uses come in site order
    place = np.zeros(len(keys.key), np.int64)  # a huge tag use's place in its tag's list
    place[tags.rows[:, 0]] = tags.place
    owner, step = _spread(np.diff(keys.offsets)[keys.art[uses]])
    rows = np.column_stack([uses[owner], keys.offsets[keys.art[uses[owner]]] + step])  # (huge tag, other key)
    rows = rows[~keys.huge[keys.key[rows[:, 1]]]]
    mixed = _Groups.of(keys, rows, keys.key[rows[:, 0]] * keys.kinds + keys.key[rows[:, 1]])
    return meets + [_Meeting(g, _bits(keys, g.rows), span=limit, place=place) for g in (tags, mixed)]


def _alike(keys: _Keys, groups: _Groups) -> tuple[np.ndarray, np.ndarray]:
    """Groups with the same members (near-copies share all their key sets) meet once, each member with its
    bits from all of them: (each row's bits, the rows that still meet)."""
    bits = _bits(keys, groups.rows)
    start = np.flatnonzero(groups.place == 0)
    size = groups.size[start]
    salt = np.random.default_rng(0).integers(0, 1 << 40, keys.n)  # a fingerprint: the members' salts summed
    sign = (np.add.reduceat(salt[groups.art], start) + size) & ((1 << 40) - 1) if len(start) else size
    order = _order(sign)
    start, size, sign = start[order], size[order], sign[order]
    near = np.flatnonzero((sign[1:] == sign[:-1]) & (size[1:] == size[:-1]))  # then compare member by member
    who, step = _spread(size[near])
    same = groups.art[start[near][who] + step] == groups.art[start[near + 1][who] + step]
    alike = np.zeros(len(start), bool)  # the same members as the group before it
    if len(near):
        alike[near[np.logical_and.reduceat(same, np.cumsum(size[near]) - size[near])] + 1] = True
    first = start[np.maximum.accumulate(np.where(alike, 0, np.arange(len(start))))]
    owner, place = _spread(size)
    merged = np.zeros_like(bits)
    np.bitwise_or.at(merged, first[owner] + place, bits[start[owner] + place])
    meets = np.zeros(len(bits), bool)
    meets[(start[owner] + place)[(first == start)[owner]]] = True
    return merged, meets


def _meet(keys: _Keys, meeting: _Meeting, limit: int, a: int, b: int):
    """(article, other, the article's key bits) for the meetings of articles a … b-1."""
    groups = meeting.groups
    rows = groups.select(a, b, keys.n)
    if meeting.rows is not None:
        rows = rows[meeting.rows[rows]]
    row, other = groups.partners(rows, meeting.span)
    if meeting.place is not None:
        close = np.abs(meeting.place[groups.rows[row, 0]] - meeting.place[groups.rows[other, 0]]) <= limit
        row, other = row[close], other[close]
    if meeting.needs is not None:
        flagged = meeting.needs[groups.art[row]] | meeting.needs[groups.art[other]]
        row, other = row[flagged], other[flagged]
    return groups.art[row], groups.art[other], meeting.bits[row]


def _chunks(keys: _Keys, meets: list[_Meeting]) -> list[tuple[int, int]]:
    """Article ranges whose meetings stay under about _CHUNK rows."""
    cost = sum(np.bincount(m.groups.art, m.cost(), minlength=keys.n) for m in meets)
    cut = np.searchsorted(np.cumsum(cost), np.arange(1, 1 + int(cost.sum()) // _CHUNK) * _CHUNK)
    edges = sorted({0, keys.n, *(int(c) + 1 for c in cut if c + 1 < keys.n)})
    return list(zip(edges, edges[1:]))


def _heads(keys: _Keys, groups: _Groups, reached: np.ndarray, heaviest: np.ndarray, limit: int, rows: np.ndarray):
    """For the key sets (`rows`) whose own sum reaches `reached`: the first limit+1 of their group."""
    rows = rows[groups.rows.shape[1] * heaviest[groups.art[rows]] + _EPS >= reached[groups.art[rows]]]
    rows = rows[_scores(keys, groups.art[rows], _bits(keys, groups.rows[rows])) >= reached[groups.art[rows]]]
    take, step = _spread(np.minimum(groups.size[rows], limit + 1))
    row = rows[take]
    other = row - groups.place[row] + step
    keep = other != row
    row, other = row[keep], other[keep]
    return groups.art[row], groups.art[other], _bits(keys, groups.rows[row]), np.full(len(row), -1.0)


def _combined(keys: _Keys, src, dst, bits, score):
    """One row per (article, other): key bits OR-ed, and its score (summed again unless a given score,
    -1 for none, covers all the bits)."""
    code = src * keys.n + dst
    order = _order(code)
    code, bits, score = code[order], bits[order], score[order]
    start = _runs(code)
    if len(start):
        known = np.bitwise_or.reduceat(np.where(score >= 0, bits, np.uint64(0)), start)
        code, bits, score = code[start], np.bitwise_or.reduceat(bits, start), np.maximum.reduceat(score, start)
        score[bits != known] = -1.0  # a pair met in a long article's pair group may have been missing keys
    new = score < 0
    src, dst = code // keys.n, code % keys.n
    score[new] = _scores(keys, src[new], bits[new])
    return src, dst, bits, score


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


def _plain(articles: Sequence[Article], limit: int, sources: Iterable[int]) -> dict[int, list[int]]:
    """The reference loop: every candidate of each source scored in a dict (exact, but slow on large sites)."""
    words = [frozenset(w for w in search_key(a.title + " " + a.summary).split() if len(w) >= _MIN_WORD)
             for a in articles]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        for tag in article.tags:
            postings["#" + tag].append(index)
        for word in words[index]:
            postings[word].append(index)
    cap = max(2, int(len(articles) * _MAX_SHARE))
    weight = {k: (_TAG if k.startswith("#") else math.log(len(articles) / len(v)))
              for k, v in postings.items() if len(v) > 1 and (k.startswith("#") or len(v) <= cap)}
    stamp = [-a.date.timestamp() for a in articles]
    ids = [a.source_id for a in articles]
    result = {}
    for index in sources:
        scores: dict[int, float] = defaultdict(float)
        for key in ["#" + t for t in articles[index].tags] + sorted(words[index]):
            w = weight.get(key)
            if w is not None:
                for other in _nearby(postings[key], index, cap, limit):
                    scores[other] += w
        scores.pop(index, None)
        pool: Iterable[int] = scores
        if len(scores) > limit:  # sort only the candidates that can make the cut
            floor = heapq.nlargest(limit, scores.values())[-1] - _EPS
            pool = [o for o, score in scores.items() if score >= floor]
        result[index] = sorted(pool, key=lambda o: (-round(scores[o], 9), stamp[o], ids[o]))[:limit]
    return result


def _nearby(posting: list[int], index: int, cap: int, limit: int) -> list[int]:
    """A large tag's articles closest in time (postings follow the newest-first order), so cost stays linear."""
    if len(posting) <= cap:
        return posting
    at = bisect_left(posting, index)
    return posting[max(0, at - limit): at + limit + 1]
