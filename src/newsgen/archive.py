"""Groupings of articles: date periods (year, month, day) and taxonomy terms (tags, categories, authors)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from newsgen.model import Article
from newsgen.slug import hash8, slugify

TAXONOMIES = {  # folder -> (Arabic name, how to read the terms of an article)
    "tags": ("الوسوم", lambda a: a.tags),
    "categories": ("الأقسام", lambda a: a.categories),
    "authors": ("الكتّاب", lambda a: a.authors),
}


@dataclass(frozen=True, slots=True)
class Group:
    """A listed set of articles with its own page: `folder` is its URL path ("2026/02/", "tags/سياسة/")."""

    folder: str
    name: str                        # display name: a term, or "" for periods (templates format dates)
    articles: tuple[Article, ...]    # newest first
    year: int = 0
    month: int = 0
    day: int = 0


@dataclass(frozen=True, slots=True)
class GroupLabel:
    """A group as a page names it: link, name, date parts and size, not its articles. Pages get
    these, so that editing one article leaves alone the pages that merely name its year or tag."""

    folder: str
    name: str
    count: int
    year: int = 0
    month: int = 0
    day: int = 0


def label(group: Group | None) -> GroupLabel | None:
    if group is None:
        return None
    return GroupLabel(group.folder, group.name, len(group.articles), group.year, group.month, group.day)


def periods(articles: Iterable[Article]) -> dict[str, list[Group]]:
    """Year, month and day groups, oldest period first, each with its articles newest first."""
    keyed: dict[str, dict[tuple[int, ...], list[Article]]] = {"year": {}, "month": {}, "day": {}}
    for article in articles:
        d = article.date
        for level, key in (("year", (d.year,)), ("month", (d.year, d.month)), ("day", (d.year, d.month, d.day))):
            keyed[level].setdefault(key, []).append(article)
    return {level: [_period(key, items) for key, items in sorted(groups.items())]
            for level, groups in keyed.items()}


def _period(key: tuple[int, ...], items: list[Article]) -> Group:
    folder = "/".join(f"{part:02d}" for part in key) + "/"
    year, month, day = (key + (0, 0))[:3]
    return Group(folder=folder, name="", articles=tuple(items), year=year, month=month, day=day)


def terms(articles: Iterable[Article], folder: str, read: Callable[[Article], tuple[str, ...]]) -> list[Group]:
    """One group per term, sorted by name; term slugs follow S1-S8, with a hash when two names share one."""
    by_name: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for name in dict.fromkeys(read(article)):
            by_name[name].append(article)
    taken: dict[str, str] = {}
    groups = []
    for name in sorted(by_name):
        slug = slugify(name) or hash8(name)
        if slug in taken:
            slug = f"{slug}-{hash8(name)}"
        taken[slug] = name
        groups.append(Group(folder=f"{folder}/{slug}/", name=name, articles=tuple(by_name[name])))
    return groups


def neighbours(groups: list[Group]) -> dict[str, tuple[Group | None, Group | None]]:
    """For each period: the previous (older) and next (newer) period that has articles."""
    return {g.folder: (groups[i - 1] if i > 0 else None, groups[i + 1] if i + 1 < len(groups) else None)
            for i, g in enumerate(groups)}
