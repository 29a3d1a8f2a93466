"""What pages the site has: a plan of (path, template, context), no rendering, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from newsgen.model import Article
from newsgen.site import Site, article_path


@dataclass(frozen=True, slots=True)
class Page:
    path: str                      # output file, relative to the build root, e.g. "page/2/index.html"
    template: str                  # template name; its suffix decides escaping (.html, .xml)
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Pager:
    """One page of a paginated list, with links to its neighbours (URL paths, no leading slash)."""

    number: int
    count: int
    prev_url: str | None
    next_url: str | None
    first_url: str


def paginate(items: Sequence[Article], size: int, base: str) -> Iterator[tuple[Sequence[Article], Pager, str]]:
    """Slices of `items` with their Pager and output folder: base, base/page/2/, …"""
    count = max(1, -(-len(items) // size))
    url = lambda n: base if n == 1 else f"{base}page/{n}/"  # noqa: E731
    for number in range(1, count + 1):
        pager = Pager(number, count, url(number - 1) if number > 1 else None,
                      url(number + 1) if number < count else None, base)
        yield items[(number - 1) * size: number * size], pager, url(number)


def plan(site: Site) -> Iterator[Page]:
    """Every page of the site, in a fixed order."""
    articles = site.articles
    for index, article in enumerate(articles):
        newer = articles[index - 1] if index > 0 else None
        older = articles[index + 1] if index + 1 < len(articles) else None
        yield Page(article_path(article) + "index.html", "article.html",
                   {"article": article, "newer": newer, "older": older})
    for chunk, pager, folder in paginate(articles, site.config.page_size, ""):
        yield Page(folder + "index.html", "index.html", {"articles": chunk, "pager": pager})
    yield Page("feed.xml", "feed.xml", {"articles": articles[: site.config.feed_size]})
