"""Fingerprints of planned pages: a digest of exactly what a page's template receives.

A page is rendered again only when its fingerprint changes. The fingerprint is made from the page's
frozen context (newsgen.snapshot: the context pickled, each article standing in as its source id),
salted with the page's path, its template name and the digest of the template set, the config and
newsgen's own code, plus the digest of every article the page shows. So an edited article changes
its own page and every listing, feed, neighbour or related list that shows it, and nothing else; a
template or config change changes every page. One pickling pass gives both the fingerprint and the
snapshot's entry: walking the context a second time, field by field, cost twice as much.

Pickle records each value with its type (Markup and str differ, 1 and True differ). It also
records which objects are shared, so two equal contexts shared differently would differ: plan()
builds them the same way every time, and a spurious difference costs a render, never a wrong page.
A context that cannot be pickled (a function, say) makes the page "always render".
"""
from __future__ import annotations

import dataclasses
import hashlib
import pickle
from typing import Any, Mapping

from newsgen.snapshot import Frozen, freeze_shown


class Fingerprints:
    """One per build (and per worker): page digests, with each article's digest made once."""

    def __init__(self, salt: bytes, known: Mapping[str, tuple[Any, bytes]] | None = None) -> None:
        self.salt = salt
        self.known = known or {}  # source_id -> (article as parsed, its digest), from the article cache
        self._articles: dict[int, tuple[Any, bytes]] = {}  # id -> (article, digest); keeps it alive
        self._fields: dict[type, tuple[str, ...]] = {}

    def page(self, path: str, template: str, context: dict[str, Any]) -> tuple[bytes | None, Frozen | None]:
        """(the page's fingerprint, its frozen context), or (None, None) when it cannot be frozen."""
        try:
            blob, articles = freeze_shown(context)
        except (pickle.PicklingError, TypeError, AttributeError):
            return None, None
        h = hashlib.sha1(self.salt)
        h.update(f"{path}\0{template}\0".encode("utf-8", "surrogatepass"))
        h.update(blob)
        for article in articles:
            h.update(self._article(article))
        return h.digest(), (blob, tuple(sorted({a.source_id for a in articles})))

    def value(self, obj: Any) -> bytes:
        """20 bytes that change whenever anything a template could read from `obj` changes."""
        blob, articles = freeze_shown(obj)
        return hashlib.sha1(blob + b"".join(self._article(a) for a in articles)).digest()

    def _article(self, article: Any) -> bytes:
        memo = self._articles.get(id(article))
        if memo is None or memo[0] is not article:
            memo = self._articles[id(article)] = (article, self._article_digest(article))
        return memo[1]

    def _article_digest(self, article: Any) -> bytes:
        """An article as the loader made it has a digest already (made once, cached with it); later
        stages copy it with `replace`, which keeps every untouched field the very same object. So:
        that digest, plus the fields that are not the same object (the final slug)."""
        parsed, known = self.known.get(article.source_id, (None, b""))
        if type(parsed) is not type(article):
            return hashlib.sha1(b"A" + pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)).digest()
        names = self._fields.get(type(article))
        if names is None:
            names = self._fields[type(article)] = tuple(f.name for f in dataclasses.fields(article))
        changed = [(n, getattr(article, n)) for n in names if getattr(article, n) is not getattr(parsed, n)]
        return hashlib.sha1(b"K" + known + pickle.dumps(changed, protocol=pickle.HIGHEST_PROTOCOL)).digest()
