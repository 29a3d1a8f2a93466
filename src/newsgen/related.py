"""Related articles: shared tags first, then shared rare title words (spec K1 search keys)."""
from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from typing import Iterable, Sequence

from newsgen.model import Article
from newsgen.searchkey import search_key

_MIN_WORD = 3      # shorter words are mostly particles (في، من، عن)
_MAX_SHARE = 0.05  # words in more than 5% of articles say nothing about relatedness


def related_articles(articles: Sequence[Article], limit: int) -> dict[str, tuple[Article, ...]]:
    """source_id -> up to `limit` related articles, best first, ties broken by newest, then source id."""
    if limit <= 0 or len(articles) < 2:
        return {a.source_id: () for a in articles}
    words = [_words(a) for a in articles]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, article in enumerate(articles):
        for tag in article.tags:
            postings["#" + tag].append(index)
        for word in words[index]:
            postings[word].append(index)
    cap = max(2, int(len(articles) * _MAX_SHARE))
    weight = {k: (100.0 if k.startswith("#") else math.log(len(articles) / len(v)))
              for k, v in postings.items() if len(v) > 1 and (k.startswith("#") or len(v) <= cap)}
    stamp = [-a.date.timestamp() for a in articles]
    ids = [a.source_id for a in articles]
    result = {}
    for index, article in enumerate(articles):
        scores: dict[int, float] = defaultdict(float)
        for key in ["#" + t for t in article.tags] + sorted(words[index]):
            w = weight.get(key)
            if w is not None:
                for other in _nearby(postings[key], index, cap, limit):
                    scores[other] += w
        scores.pop(index, None)
        pool: Iterable[int] = scores
        if len(scores) > limit:  # sort only the candidates that can make the cut
            floor = heapq.nlargest(limit, scores.values())[-1] - 1e-6
            pool = [o for o, score in scores.items() if score >= floor]
        best = sorted(pool, key=lambda o: (-round(scores[o], 9), stamp[o], ids[o]))[:limit]
        result[article.source_id] = tuple(articles[o] for o in best)
    return result


def _nearby(posting: list[int], index: int, cap: int, limit: int) -> list[int]:
    """A large tag's articles closest in time (postings follow the newest-first order), so cost stays linear."""
    if len(posting) <= cap:
        return posting
    at = bisect_left(posting, index)
    return posting[max(0, at - limit): at + limit + 1]


def _words(article: Article) -> frozenset[str]:
    return frozenset(w for w in search_key(article.title + " " + article.summary).split() if len(w) >= _MIN_WORD)
