"""The fast path of related articles: it lists only the candidates that can place (the definition is
in `newsgen.related`; keys, scores and ranks in `newsgen.related_keys`).

It uses groups of articles that share a key set: every member of a group scores at least the group's
own sum, so a member with no other shared key ranks behind the group's first limit+1 (newest, source
id). So all members meet only in the first level of shared key sets whose groups are small; below it
just the group heads meet, and only for key sets whose sum reaches a score that `limit` others are
known to reach.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from newsgen.related_keys import _EPS, _Keys, _best, _bits, _kth, _order, _runs, _scores, _spread

_LONG = 16         # articles with more plain keys meet others through their whole pair groups
_LEVELS = 6        # shared key sets listed up to this size
_CHEAP = 1         # a level is paired off in full once that is at most this many meetings per key set listed
_ROWS = 1 << 22    # past pairs, a level lists at most this many key sets (memory)
_CHUNK = 1 << 20   # meetings handled at once: bounds memory on any site


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
