"""The real corpus (../shared/corpus/ant-multisource-v2.1, or $NEWSGEN_CORPUS): the first 500 articles
of its index.tsv are copied into a temporary project and built; 50 pages (a fixed sample) go through
vnu and the link check, and every feed through the feed check. Skipped when the corpus is absent,
except under CI=true, where its absence fails."""
from __future__ import annotations

from pathlib import Path

import pytest

from quality import browser, env, feeds, links, stats
from quality.env import CORPUS_ARTICLES, CORPUS_SAMPLE
from quality.sites import BuiltSite

pytest_plugins = ["quality.plugin"]


def test_corpus_builds(corpus_site: BuiltSite, corpus_sample: list[Path]) -> None:
    articles = [p for p in corpus_site.html_pages() if corpus_site.rel(p).count("/") == 4]
    # Quarantined articles are held back by design; nearly all must be published.
    assert len(articles) >= CORPUS_ARTICLES * 0.9, corpus_site.stdout
    assert len(corpus_sample) == CORPUS_SAMPLE
    assert corpus_site.root / "index.html" in corpus_sample


def test_corpus_sample_is_valid_html(corpus_site: BuiltSite, corpus_sample: list[Path], vnu_report) -> None:
    env.fail_on([str(e).replace(str(corpus_site.root) + "/", "") for e in vnu_report.errors_for(corpus_sample)],
                "vnu error(s) in the corpus sample")


def test_corpus_feeds(corpus_site: BuiltSite) -> None:
    report = feeds.check_site(corpus_site)
    stats.add("feeds_parsed", len(report.feeds))
    stats.add("feed_items", report.items)
    stats.add("feed_body_links", report.body_links)
    assert "feed.xml" in report.feeds
    env.fail_on(report.problems, "feed problem(s) in the corpus site")


def test_corpus_sample_links(corpus_site: BuiltSite, corpus_sample: list[Path]) -> None:
    checker = links.LinkChecker(corpus_site)
    report = checker.check_pages(corpus_sample)
    stats.add("link_pages", report.pages)
    stats.add("links_checked", report.checked)
    stats.add("fragments_checked", report.fragments)
    stats.add("external_links", report.external)
    assert report.checked > 1000
    env.fail_on(report.problems, "link problem(s) in the corpus sample")


def test_corpus_pages_fit_a_small_screen(corpus_site: BuiltSite, corpus_sample: list[Path], corpus_server,
                                         chromium_browser) -> None:
    """Real copy (long URLs, hashtags, Latin runs) must not overflow 360 px, and pages load clean."""
    context = chromium_browser.new_context(viewport={"width": 360, "height": 800})
    problems = []
    try:
        for page_file in corpus_sample[:: max(1, len(corpus_sample) // 12)]:
            visit = browser.visit(context, corpus_server.url(corpus_site.url_path(page_file)))
            found = visit.problems + browser.overflow_problems(visit.page)
            problems += [f"{corpus_site.rel(page_file)}: {p}" for p in found]
            stats.add("browser_pages")
            stats.add("browser_checks", 2)
            visit.page.close()
    finally:
        context.close()
    env.fail_on(problems, "problem(s) on corpus pages at 360 px")
