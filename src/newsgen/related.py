"""Related articles: shared tags first, then shared rare title words (spec K1 search keys).

An article's score for another is the sum of the weights of the keys both have (a tag 100, a word
log(n / articles with it)), added in the article's own key order: its tags, then its sorted words.
Best first by round(score, 9), then newest, then source id. Words in over 5% of the articles are
ignored; a tag on over 5% of them counts only for the `limit` articles either side in site order.

`_plain` is that definition as a loop over every article sharing a key: the reference (tests check
the fast path against it) and the fallback for odd inputs, but ~3 s at 10,000 articles. The fast
path (`newsgen.related_fast`, on the arrays of `newsgen.related_keys`) lists only the candidates
that can place.
"""
from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from typing import Iterable, Sequence

import numpy as np

from newsgen.model import Article
from newsgen.related_fast import _fast
from newsgen.related_keys import _BITS, _EPS, _MAX_SHARE, _MIN_WORD, _TAG, _keys
from newsgen.searchkey import search_key


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
