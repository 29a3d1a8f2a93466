"""The news-archive features: periods, taxonomies, feeds, metadata, publishing time, `new`."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import feedparser
import pytest

from conftest import tree_bytes, write_tree
from newsgen.cli import main


def md(title: str, date: str, *, tags=(), categories=(), author="", extra="", body="نص الخبر.") -> str:
    lines = [f"title: '{title}'", f"date: {date}"]
    if tags:
        lines.append("tags: [" + ", ".join(tags) + "]")
    if categories:
        lines.append("categories: [" + ", ".join(categories) + "]")
    if author:
        lines.append(f"author: {author}")
    return "---\n" + "\n".join(lines) + ("\n" + extra if extra else "") + "\n---\n\n" + body + "\n"


SITE = {
    "newsgen.yaml": "page_size: 2\nbase_url: https://news.example.org/\nsearch: false\n",
    "seeds/a.md": md("قمة غزة الأولى", "2024-12-30", tags=["غزة", "سياسة"], categories=["دولي"], author="سارة"),
    "seeds/b.md": md("مفاوضات غزة تتواصل", "2025-01-02", tags=["غزة"], categories=["دولي"], author="سارة"),
    "seeds/c.md": md("اقتصاد المنطقة", "2025-01-15T09:00:00+02:00", tags=["اقتصاد"], author="علي"),
    "seeds/d.txt": "date 2025-03-01 أسواق النفط\n\nارتفعت الأسعار.\n",
    "seeds/e.txt": "date 2026-02-05 خبر اليوم\n\nنص اليوم.\n",
    "seeds/draft.md": md("مسودة سرية", "2025-01-03", extra="draft: true"),
    "seeds/future.md": md("خبر مؤجل", "2026-02-07T08:00:00+00:00"),
    "seeds/expired.md": md("عرض منتهي", "2025-01-04", extra="expires: 2026-01-01"),
}
NOW = "2026-02-06T12:00:00+00:00"


def build(project: Path, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", "--now", NOW, *args], out=out, err=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture
def site(project: Path) -> Path:
    write_tree(project, SITE)
    build(project)
    return project / "build"


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_date_archives_with_counts_and_neighbours(site: Path):
    assert (site / "2025/index.html").is_file() and (site / "2025/01/index.html").is_file()
    assert (site / "2025/01/02/index.html").is_file()
    year = text(site / "2025/index.html")
    assert "أرشيف 2025" in year and "يناير 2025" in year and "مارس 2025" in year
    assert 'href="/2024/"' in year and 'href="/2026/"' in year       # previous and next years with articles
    month = text(site / "2025/01/index.html")
    assert "2 مقالات" in month and 'href="/2024/12/"' in month and 'href="/2025/03/"' in month
    overview = text(site / "archive/index.html")
    assert overview.index("2026") < overview.index("2025") < overview.index("2024")


def test_taxonomies_keep_arabic_names_and_have_feeds(site: Path):
    tag = site / "tags/غزة"
    assert (tag / "index.html").is_file()
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((tag / name).read_bytes())
        assert not feed.bozo and len(feed.entries) == 2
    json_feed = json.loads(text(tag / "feed.json"))
    assert json_feed["version"] == "https://jsonfeed.org/version/1.1" and len(json_feed["items"]) == 2
    assert "<bdi>غزة</bdi>" in text(site / "tags/index.html")
    assert (site / "authors/سارة/index.html").is_file() and (site / "categories/دولي/index.html").is_file()


def test_drafts_embargo_and_expiry(project: Path, site: Path):
    every = "".join(text(p) for p in site.rglob("*.html"))
    assert "مسودة سرية" not in every and "خبر مؤجل" not in every and "عرض منتهي" not in every
    build(project, "--drafts", "--future")
    every = "".join(text(p) for p in (project / "build").rglob("*.html"))
    assert "مسودة سرية" in every and "خبر مؤجل" in every and "عرض منتهي" not in every


def test_pinned_clock_builds_byte_identical(project: Path, site: Path, monkeypatch: pytest.MonkeyPatch):
    first = tree_bytes(site)
    build(project)
    assert tree_bytes(site) == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770379200")  # 2026-02-06T12:00:00Z, same clock
    out, err = io.StringIO(), io.StringIO()
    assert main(["build"], out=out, err=err) == 0
    assert tree_bytes(site) == first


def test_feeds_sitemaps_robots_404(site: Path):
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo and len(feed.entries) == 5
        assert all(e.link.startswith("https://news.example.org/") for e in feed.entries)
    sitemap = text(site / "sitemap.xml")
    assert "<loc>https://news.example.org/2025/01/</loc>" in sitemap
    assert "https://news.example.org/tags/%D8%BA%D8%B2%D8%A9/" in sitemap
    news = text(site / "news-sitemap.xml")
    assert news.count("<url>") == 1 and "خبر اليوم" in news          # only the last 48 hours
    assert "Sitemap: https://news.example.org/sitemap.xml" in text(site / "robots.txt")
    assert (site / "404.html").is_file()
    assert '<link rel="alternate" type="application/atom+xml"' in text(site / "index.html")


def test_news_article_metadata(site: Path):
    page = text(next((site / "2025/01/15").glob("*/index.html")))
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "ar"
    assert data["datePublished"] == "2025-01-15T09:00:00+02:00"
    assert data["author"] == [{"@type": "Person", "name": "علي"}]
    assert data["mainEntityOfPage"]["@id"].startswith("https://news.example.org/2025/01/15/")
    assert '<meta property="og:title" content="اقتصاد المنطقة">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_article_navigation_and_related(site: Path):
    page = text(next((site / "2025/01/02").glob("*/index.html")))
    assert 'rel="prev"' in page and 'rel="next"' in page
    related = page[page.index('class="related"'):]
    assert "قمة غزة الأولى" in related  # shares the tag غزة


def test_new_never_overwrites(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1770249600")  # 2026-02-05
    out, err = io.StringIO(), io.StringIO()
    assert main(["new", "خبر جديد"], out=out, err=err) == 0
    path = project / out.getvalue().strip()
    assert path.name == "2026-02-05-خبر-جديد.txt"
    assert text(path).startswith("date 2026-02-05 خبر جديد\n\n")
    path.write_text("date 2026-02-05 خبر جديد\n\nنص كتبه المحرر.\n", encoding="utf-8")
    assert main(["new", "خبر جديد"], out=io.StringIO(), err=err) == 1
    assert "already exists" in err.getvalue()
    assert "نص كتبه المحرر" in text(path)
    out = io.StringIO()
    assert main(["new", "خبر بصيغة ماركداون", "--md"], out=out, err=err) == 0
    assert (project / out.getvalue().strip()).suffix == ".md"
    assert main(["build", "--drafts"], out=io.StringIO(), err=err) == 0
