"""The planned site, kept in the manifest so that an edit to article bodies skips planning.

Each page's context is pickled with its articles left out (a persistent id, the source id, stands in
for each), which also yields the dependency map: source id -> the pages that show that article. When
a rebuild finds that only the bodies of some articles changed (newsgen.patch), the site's shape is
as planned last time: only the pages that show those articles are thawed, fingerprinted and rendered.
"""
from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from typing import Any, Callable

from newsgen.model import Article


@dataclass(frozen=True, slots=True)
class Frame:
    """What a planned site was made from, besides the articles' contents."""

    key: bytes                                    # every input but the article files' contents
    articles: dict[str, tuple[str, str | None]]   # seed path -> (source id, published slug or None)
    order: tuple[str, ...]                        # source ids in load order (the report's order)
    site_findings: int                            # the site's own findings (slug collisions), last


@dataclass(frozen=True, slots=True)
class Snapshot:
    frame: Frame
    paths: tuple[str, ...]                    # page output paths, in plan order
    templates: tuple[str, ...]
    contexts: tuple[bytes, ...]               # each page's context, articles left out
    deps: dict[str, tuple[int, ...]]          # source id -> indices of the pages that show it


Frozen = tuple[bytes, tuple[str, ...]]   # a page's context pickled without its articles, their ids


def snapshot(frame: Frame, pages: list[Any], frozen: list[Frozen | None]) -> Snapshot | None:
    """The snapshot of planned `pages`, from each page's frozen context; None when a page has none
    (its context could not be pickled: later builds then plan the whole site)."""
    deps: dict[str, list[int]] = {}
    for number, entry in enumerate(frozen):
        if entry is None:
            return None
        for source_id in entry[1]:
            deps.setdefault(source_id, []).append(number)
    return Snapshot(frame, tuple(p.path for p in pages), tuple(p.template for p in pages),
                    tuple(blob for blob, _ in frozen), {k: tuple(v) for k, v in deps.items()})


class _Freezer(pickle.Pickler):
    def __init__(self, stream: io.BytesIO) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.shown: dict[int, Article] = {}   # id -> article, in the order first met

    def persistent_id(self, obj: Any) -> str | None:
        if type(obj) is Article:
            self.shown.setdefault(id(obj), obj)
            return obj.source_id
        return None


class _Thawer(pickle.Unpickler):
    def __init__(self, stream: io.BytesIO, article: Callable[[str], Article]) -> None:
        super().__init__(stream)
        self.article = article

    def persistent_load(self, pid: Any) -> Article:
        return self.article(pid)


def freeze_shown(context: Any) -> tuple[bytes, list[Article]]:
    """(the context pickled without its articles, the distinct articles it shows, in order)."""
    stream = io.BytesIO()
    freezer = _Freezer(stream)
    freezer.dump(context)
    return stream.getvalue(), list(freezer.shown.values())


def thaw(blob: bytes, article: Callable[[str], Article]) -> dict[str, Any]:
    """A page's context again, each article as `article(source_id)` gives it."""
    return _Thawer(io.BytesIO(blob), article).load()
