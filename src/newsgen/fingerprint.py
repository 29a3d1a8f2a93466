"""Fingerprints of planned pages: a digest of exactly what a page's template receives.

A page is rendered again only when its fingerprint changes. The fingerprint covers the page's path,
its template name and every value in its context, walked structurally (articles field by field,
groups with their articles, pagers, feeds, dicts and lists), salted with the digest of the template
set, the config and newsgen's own code. So an edited article changes its own page and every listing,
feed, neighbour or related list that shows it, and nothing else; a template or config change changes
every page. Shared objects (an article on many pages, a year's group, the sitemap's lastmod map) are
walked once per build: the memo keeps each object alive, so an id is never reused while it is cached.
A value of a type not known here (a function, say) makes the page "always render": slower, never wrong.
"""
from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any, Mapping

_ATOMS = (int, float, bool, type(None), timedelta, time)


class Unknown(Exception):
    """A context value this module cannot digest: the page must be rendered."""


class Fingerprints:
    """One per build: digests of pages, memoized over the objects their contexts share."""

    def __init__(self, salt: bytes, known: Mapping[str, tuple[Any, bytes]] | None = None) -> None:
        self.salt = salt
        self.known = known or {}  # source_id -> (article as parsed, its digest), from the article cache
        self._memo: dict[int, tuple[Any, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def page(self, path: str, template: str, context: dict[str, Any]) -> bytes | None:
        h = hashlib.sha1(self.salt)
        h.update(_utf8(f"{path}\0{template}\0"))
        try:
            self._feed(h, context)
        except Unknown:
            return None
        return h.digest()

    def value(self, obj: Any) -> bytes:
        """20 bytes that change whenever anything a template could read from `obj` changes."""
        h = hashlib.sha1()
        self._feed(h, obj)
        return h.digest()

    def _feed(self, h: Any, obj: Any) -> None:
        """Feed `obj` into `h`: atoms as tagged, length-prefixed bytes; composites as their
        memoized digest, so a shared object costs one walk per build however often it is shown."""
        if type(obj) is str:
            data = _utf8(obj)
            h.update(b"s%d:" % len(data) + data)
        elif isinstance(obj, _ATOMS) or isinstance(obj, (str, datetime, date, PurePath)):
            text = _utf8(_atom(obj))
            h.update(b"a%d:" % len(text) + text)
        else:
            h.update(self._digest(obj))

    def _digest(self, obj: Any) -> bytes:
        memo = self._memo.get(id(obj))
        if memo is None or memo[0] is not obj:
            memo = (obj, self._composite(obj))
            self._memo[id(obj)] = memo
        return memo[1]

    def _items(self, h: Any, items: Any) -> None:
        """Feed each item; the common ones (strings, objects walked already) without a call to _feed:
        a build feeds ~400,000 values, and a Python call costs as much as the hashing."""
        memo, feed = self._memo, self._feed
        for item in items:
            if type(item) is str:
                data = _utf8(item)
                h.update(b"s%d:" % len(data) + data)
                continue
            known = memo.get(id(item))
            if known is not None and known[0] is item:
                h.update(known[1])
            else:
                feed(h, item)

    def _composite(self, obj: Any) -> bytes:
        h = hashlib.sha1()
        if isinstance(obj, (tuple, list)):
            h.update(b"L%d" % len(obj) if isinstance(obj, list) else b"T%d" % len(obj))
            self._items(h, obj)
        elif isinstance(obj, dict):
            h.update(b"D%d" % len(obj))
            for key, item in obj.items():
                self._items(h, (key, item))
        elif isinstance(obj, (set, frozenset)):
            h.update(b"S" + b"".join(sorted(self.value(item) for item in obj)))
        else:
            self._record(h, obj)
        return h.digest()

    def _record(self, h: Any, obj: Any) -> None:
        """A dataclass, field by field; an article the loader made starts from its known digest."""
        names = self._fields.get(type(obj))
        if names is None:
            if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
                raise Unknown(type(obj).__qualname__)
            names = self._fields[type(obj)] = tuple(f.name for f in dataclasses.fields(obj))
        h.update(b"C" + type(obj).__qualname__.encode())
        parsed, known = self.known.get(getattr(obj, "source_id", None), (None, b""))
        if type(parsed) is type(obj):
            # An article as the loader made it has a digest already (made once, cached with
            # it); later stages copy it with `replace`, which keeps every untouched field the
            # very same object. So: that digest, plus whichever fields are not the same object.
            h.update(b"K" + known)
            names = tuple(n for n in names if getattr(obj, n) is not getattr(parsed, n))
        for name in names:
            h.update(name.encode() + b"=")
            self._feed(h, getattr(obj, name))


def _atom(obj: Any) -> str:
    """A value's full text with its type: Markup and str escape differently, 1 and True differ."""
    if isinstance(obj, datetime):
        return f"datetime:{obj.isoformat()} {obj.tzinfo}"
    if isinstance(obj, date):
        return f"date:{obj.isoformat()}"
    if isinstance(obj, (str, PurePath)):
        return f"{type(obj).__qualname__}:{obj}"
    return f"{type(obj).__qualname__}:{obj!r}"


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")  # the fast path; "surrogatepass" would make every call 4x slower
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
