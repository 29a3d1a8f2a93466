"""What pages the site has: a plan of (path, template, context), no rendering, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Iterator, Sequence

from newsgen.archive import TAXONOMIES, Group, label, neighbours, periods, terms
from newsgen.model import Article
from newsgen.site import Site, article_path

SITEMAP_LIMIT = 50_000  # URLs per sitemap file (sitemaps.org protocol)
NEWS_WINDOW = timedelta(hours=48)
FEED_FORMATS = ("feed.xml", "atom.xml", "feed.json")


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


@dataclass(frozen=True, slots=True)
class Feed:
    folder: str                    # where the feed files live: "" or "tags/سياسة/"
    title: str
    articles: tuple[Article, ...]


def paginate(items: Sequence[Article], size: int, base: str) -> Iterator[tuple[Sequence[Article], Pager, str]]:
    """Slices of `items` with their Pager and output folder: base, base/page/2/, …"""
    count = max(1, -(-len(items) // size))
    url = lambda n: base if n == 1 else f"{base}page/{n}/"  # noqa: E731
    for number in range(1, count + 1):
        pager = Pager(number, count, url(number - 1) if number > 1 else None,
                      url(number + 1) if number < count else None, base)
        yield items[(number - 1) * size: number * size], pager, url(number)


def plan(site: Site) -> list[Page]:
    """Every page of the site, in a fixed order."""
    by_period = periods(site.articles)
    taxonomies = {folder: terms(site.articles, folder, read) for folder, (_, read) in TAXONOMIES.items()}
    term_folders = {folder: {g.name: g.folder for g in groups} for folder, groups in taxonomies.items()}
    pages = list(_articles(site, term_folders))
    pages += _listing("", "index.html", site.articles, site, {})
    pages += _periods(site, by_period)
    pages += _taxonomies(site, taxonomies)
    pages += _feeds(Feed("", site.config.site_title, site.articles[: site.config.feed_size]))
    pages += [Page("404.html", "404.html"), Page("search/index.html", "search.html"),
              Page("robots.txt", "robots.txt")]
    pages += _sitemaps(site, [p.path for p in pages if p.path.endswith("index.html")])
    return pages


def _articles(site: Site, term_folders: dict[str, dict[str, str]]) -> Iterator[Page]:
    from newsgen.related import related_articles  # numpy: imported only when a site is planned

    articles = site.articles
    related = related_articles(articles, site.config.related)
    for index, article in enumerate(articles):
        yield Page(article_path(article) + "index.html", "article.html", {
            "article": article, "related": related[article.source_id],
            "term_folders": _own_terms(article, term_folders),
            "newer": articles[index - 1] if index > 0 else None,
            "older": articles[index + 1] if index + 1 < len(articles) else None})


def _own_terms(article: Article, term_folders: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The folders of this article's own terms: a new tag elsewhere changes no other article page."""
    return {folder: {name: term_folders[folder][name] for name in read(article)}
            for folder, (_, read) in TAXONOMIES.items()}


def _listing(folder: str, template: str, items: Sequence[Article], site: Site, extra: dict) -> Iterator[Page]:
    for chunk, pager, out in paginate(items, site.config.page_size, folder):
        yield Page(out + "index.html", template, {"articles": chunk, "pager": pager, "total": len(items), **extra})


def _periods(site: Site, by_period: dict[str, list[Group]]) -> Iterator[Page]:
    # One label object per group, shared by every page that names it: fingerprints walk it once.
    named = {None: None} | {g.folder: label(g) for groups in by_period.values() for g in groups}
    months_of: dict[int, list] = {}
    for month in by_period["month"]:
        months_of.setdefault(month.year, []).append(named[month.folder])
    yield Page("archive/index.html", "archive_overview.html",
               {"years": [named[g.folder] for g in by_period["year"][::-1]], "months_of": months_of})
    for level, groups in by_period.items():
        around = neighbours(groups)
        for group in groups:
            older, newer = around[group.folder]
            extra = {"group": named[group.folder], "level": level, "older_group": named[older and older.folder],
                     "newer_group": named[newer and newer.folder],
                     "months": months_of.get(group.year, []) if level == "year" else []}
            yield from _listing(group.folder, "archive.html", group.articles, site, extra)


def _taxonomies(site: Site, taxonomies: dict[str, list[Group]]) -> Iterator[Page]:
    for folder, groups in taxonomies.items():
        name = TAXONOMIES[folder][0]
        yield Page(f"{folder}/index.html", "terms.html",
                   {"taxonomy": folder, "label": name, "groups": [label(g) for g in groups]})
        for group in groups:
            shown = label(group)  # one object for all pages of the term
            yield from _listing(group.folder, "term.html", group.articles, site,
                                {"group": shown, "taxonomy": folder, "label": name})
            yield from _feeds(Feed(group.folder, f"{group.name} | {site.config.site_title}",
                                   group.articles[: site.config.feed_size]))


def _feeds(feed: Feed) -> Iterator[Page]:
    for name in FEED_FORMATS:
        yield Page(feed.folder + name, name, {"feed": feed})


def _sitemaps(site: Site, paths: list[str]) -> list[Page]:
    locations = sorted(p[: -len("index.html")] for p in paths if not p.startswith("search/"))
    lastmod = {article_path(a): (a.updated or a.date) for a in site.articles}
    chunks = [locations[i: i + SITEMAP_LIMIT] for i in range(0, len(locations), SITEMAP_LIMIT)] or [[]]
    recent = tuple(a for a in site.articles if site.clock - NEWS_WINDOW <= a.date <= site.clock)
    pages = [Page("news-sitemap.xml", "news_sitemap.xml", {"articles": recent})]
    if len(chunks) == 1:
        return pages + [Page("sitemap.xml", "sitemap.xml", {"locations": chunks[0], "lastmod": lastmod})]
    names = [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
    pages += [Page(name, "sitemap.xml", {"locations": chunk, "lastmod": lastmod}) for name, chunk in zip(names, chunks)]
    return pages + [Page("sitemap.xml", "sitemap_index.xml", {"sitemaps": names})]
