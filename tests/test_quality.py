"""Quality of every page newsgen writes, on the fixture site (tests/fixtures/site).

Each site is built once per session (quality.plugin). vnu runs in one Java process for the whole
session; Chromium is launched once for this module. The negative tests (test_quality_negative.py)
prove that each checker used here reports the defect it is meant to catch.

Run: python3 -m pytest -q tests/test_quality.py tests/test_quality_corpus.py tests/test_quality_negative.py
Screenshots (360 and 1280 px) and the counts of what was checked land in test-artifacts/.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from quality import browser, env, feeds, links, stats
from quality.sites import BuiltSite

pytest_plugins = ["quality.plugin"]

SITES = ["fixture", "variant"]
ARTICLE_RE = re.compile(r"^[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/]+/index\.html$")
SEEDS = env.FIXTURE_SITE / "seeds"
UNPUBLISHED = {  # fixture articles the build must hold back at the quality build clock
    "2026/draft-unpublished.md": "مسودة لم تنشر بعد",
    "2026/embargoed-future.md": "خبر محظور النشر حتى نهاية العام",
    "2025/expired-notice.md": "إعلان مؤقت عن إغلاق طريق المطار",
}
# Named pages the browser visits on the fixture site, found at run time (slugs come from newsgen).
BIDI_TITLE = "قال Steve Witkoff 55 مرة"
MARKDOWN_SLUG = "new-start-reader-guide"
LONG_TITLE_START = "وزراء خارجية دول مجلس التعاون"


def site_of(request: pytest.FixtureRequest, name: str) -> BuiltSite:
    return request.getfixturevalue(f"{name}_site")


def articles(site: BuiltSite) -> list[Path]:
    return [p for p in site.html_pages() if ARTICLE_RE.match(site.rel(p))]


def article_titled(site: BuiltSite, start: str) -> Path:
    for page in articles(site):
        match = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        if match and re.sub(r"<[^>]+>", "", match.group(1)).startswith(start):
            return page
    raise AssertionError(f"no article page whose <h1> starts with {start!r}")


# --- the fixture site exercises what it claims to --------------------------------------------------

def test_fixture_site_covers_the_cases(fixture_site: BuiltSite) -> None:
    sources = sorted(p for p in SEEDS.rglob("*") if p.suffix in (".txt", ".md"))
    assert {p.suffix for p in sources} == {".txt", ".md"}
    published = articles(fixture_site)
    assert len(published) == len(sources) - len(UNPUBLISHED) >= 25
    rel = {fixture_site.rel(p) for p in fixture_site.html_pages()}
    assert {"index.html", "page/2/index.html", "page/3/index.html"} <= rel, "page_size 10 must paginate"
    assert "page/4/index.html" not in rel
    same_day = [p for p in published if fixture_site.rel(p).startswith("2025/11/12/")]
    assert len(same_day) == 2, "two articles with one title on one day: a slug collision"
    assert len({p.parent.name for p in same_day}) == 2
    assert {p.parent.parent.parent.parent.name for p in published} >= {"2024", "2025", "2026"}
    built_text = "\n".join(p.read_text(encoding="utf-8") for p in fixture_site.root.rglob("*")
                           if p.suffix in (".html", ".xml", ".json") and p.is_file())
    for source, title in UNPUBLISHED.items():
        assert title not in built_text, f"{source} must not be published"


# --- HTML and CSS validity (Nu HTML Checker) ---------------------------------------------------------

def vnu_errors(site: BuiltSite, report) -> list[str]:
    pages = site.html_pages()
    assert len(pages) > 30
    return [str(e).replace(str(site.root) + "/", "") for e in report.errors_for(pages)]


def test_every_page_is_valid_html(fixture_site: BuiltSite, vnu_report) -> None:
    env.fail_on(vnu_errors(fixture_site, vnu_report), "vnu error(s) in the fixture site")


def test_every_variant_page_is_valid_html(variant_site: BuiltSite, vnu_report) -> None:
    env.fail_on(vnu_errors(variant_site, vnu_report), "vnu error(s) in the variant site")


def test_stylesheets_are_valid_css(fixture_site: BuiltSite, vnu_report) -> None:
    sheets = fixture_site.stylesheets()
    assert any(s.name == "style.css" for s in sheets)
    env.fail_on(vnu_report.errors_for(sheets), "vnu CSS error(s)")


def test_feed_item_content_is_valid_html(fixture_feed_bodies: list[Path], vnu_report) -> None:
    """The article HTML inside feed.xml, atom.xml and feed.json, validated as a document."""
    assert len(fixture_feed_bodies) >= 1
    env.fail_on(vnu_report.errors_for(fixture_feed_bodies), "vnu error(s) in feed item content")


# --- feeds -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SITES)
def test_feeds_parse_and_point_into_the_site(name: str, request: pytest.FixtureRequest) -> None:
    site = site_of(request, name)
    report = feeds.check_site(site)
    stats.add("feeds_parsed", len(report.feeds))
    stats.add("feed_items", report.items)
    stats.add("feed_body_links", report.body_links)
    assert "feed.xml" in report.feeds
    assert report.items >= 15
    env.fail_on(report.problems, f"feed problem(s) in the {name} site")


# --- links -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SITES)
def test_every_internal_link_resolves(name: str, request: pytest.FixtureRequest) -> None:
    site = site_of(request, name)
    report = links.check_site(site)
    stats.add("link_pages", report.pages)
    stats.add("links_checked", report.checked)
    stats.add("fragments_checked", report.fragments)
    stats.add("external_links", report.external)
    assert report.checked > 500 and report.fragments > 0
    env.fail_on(report.problems, f"link problem(s) in the {name} site")


# --- a real browser ----------------------------------------------------------------------------------

def page_kinds(site: BuiltSite) -> dict[str, Path]:
    """One page of every kind the site has (home, page/N, article, tag, archive, search, 404 …),
    so that page types added later are visited without touching this file."""
    words = {"page", "tags", "categories", "authors", "archive", "search", "static"}
    kinds: dict[str, Path] = {}
    for page in site.html_pages():
        parts = site.rel(page).split("/")
        kind = "/".join(p if p in words or p.endswith(".html") else "*" for p in parts)
        kinds.setdefault(kind, page)
    return kinds


AXE_ON_MOBILE = {"home", "article-bidi", "article-markdown", "article-long-title"}


def named_pages(site: BuiltSite) -> dict[str, Path]:
    pages = {"home": site.root / "index.html",
             "home-last": sorted(site.root.glob("page/*/index.html"), key=lambda p: int(p.parent.name))[-1],
             "article-bidi": article_titled(site, BIDI_TITLE),
             "article-markdown": next(p for p in articles(site) if p.parent.name == MARKDOWN_SLUG),
             "article-long-title": article_titled(site, LONG_TITLE_START)}
    for kind, page in page_kinds(site).items():
        if page not in pages.values():
            pages["kind-" + re.sub(r"[^a-z0-9]+", "-", kind.replace("*", "x")).strip("-")] = page
    return pages


def check_page(server: browser.StaticServer, site: BuiltSite, context, page_file: Path, shot: str,
               axe_widths: tuple[str, ...] = ("desktop", "mobile")) -> list[str]:
    """Everything the browser can tell about one page: loaded once at 1280 px, then narrowed to
    360 px (a real resize: media queries and layout are recomputed)."""
    visit = browser.visit(context, server.url(site.url_path(page_file)))
    page, problems = visit.page, list(visit.problems)
    stats.add("browser_pages")
    try:
        facts = browser.document_facts(page)
        if facts["dir"] != "rtl" or facts["computedDirection"] != "rtl":
            problems.append(f"direction: dir={facts['dir']!r}, computed {facts['computedDirection']!r}")
        if not facts["lang"].lower().startswith("ar"):
            problems.append(f"lang={facts['lang']!r} does not start with 'ar'")
        if not facts["title"].strip():
            problems.append("empty <title>")
        if facts["cssRules"] == 0:
            problems.append("no stylesheet rules applied")
        if facts["h1"] != 1:
            problems.append(f"{facts['h1']} <h1> elements (expected 1)")
        stats.add("browser_checks", 5)
        env.ARTIFACTS.mkdir(exist_ok=True)
        for width in ("desktop", "mobile"):
            pixels = browser.WIDTHS[width]
            page.set_viewport_size({"width": pixels, "height": 800})
            problems += [f"at {pixels}px: {p}" for p in browser.overflow_problems(page)]
            stats.add("browser_checks")
            if width in axe_widths:
                bad, rules = browser.run_axe(page)
                problems += [f"at {pixels}px: {p}" for p in bad]
                stats.add("axe_runs")
                stats.add("axe_rules", rules)
                stats.add("browser_checks")
            page.screenshot(path=str(env.ARTIFACTS / f"{shot}-{pixels}.png"), full_page=True)
            stats.add("screenshots")
    finally:
        page.close()
    return problems


def test_pages_in_chromium(fixture_site: BuiltSite, fixture_server, chromium_browser) -> None:
    """One page of every kind, at 1280 and 360 px: loads clean (no console error, no failed or
    outside request), rtl and Arabic, one h1, no horizontal overflow, no serious or critical axe
    violation (axe at both widths on the home and article pages, at 1280 px on the others)."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    problems = []
    try:
        for role, page_file in named_pages(fixture_site).items():
            widths = ("desktop", "mobile") if role in AXE_ON_MOBILE else ("desktop",)
            problems += [f"{role} ({fixture_site.rel(page_file)}): {p}" for p in
                         check_page(fixture_server, fixture_site, context, page_file, f"fixture-{role}", widths)]
    finally:
        context.close()
    env.fail_on(problems, "browser problem(s)")


def test_variant_pages_in_chromium(variant_site: BuiltSite, variant_server, chromium_browser) -> None:
    """The variant build (root base path, Arabic-Indic digits, Hijri dates): home and one article."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800})
    problems = []
    try:
        for role, page_file in (("home", variant_site.root / "index.html"),
                                ("article-bidi", article_titled(variant_site, BIDI_TITLE))):
            problems += [f"{role}: {p}" for p in
                         check_page(variant_server, variant_site, context, page_file, f"variant-{role}")]
    finally:
        context.close()
    env.fail_on(problems, "browser problem(s)")


# Bidi: (text that picks the element, pieces in logical order that must run right-to-left,
# groups of pieces in logical order that must each run left-to-right). Expectations of the Unicode Bidirectional
# Algorithm in an RTL paragraph: reading order runs right to left, a Latin run keeps its own
# left-to-right order, and a number after an Arabic word stays on the Arabic side of the name.
BIDI_BODY = [
    ("قال Steve", ["قال", "Steve Witkoff", "55", "مرة"], [["Steve", "Witkoff"]]),
    ("أعلنت BBC", ["أعلنت", "BBC", "أن المحادثات"], []),
    ("معاهدة New START", ["معاهدة", "New START", "رسميا"], [["New", "START"]]),
    ("+961", ["الرقم", "+961 1 234 567", "خلال"], [["+961", "1", "234", "567"]]),
    ("https://example.org", ["الموقع", "https://example.org/ar/news?id=42", "لمن"],
     [["https", "example.org", "news", "id=42"]]),
    ("desk@example.org", ["المحرر على", "desk@example.org", "في أي"], [["desk", "@", "example", "org"]]),
    ("C++", ["بلغة", "C++", "الحديثة"], [["C", "++"]]),
    ("١٢٣٤", ["المشاركين", "١٢٣٤", "شخصا"], [["١", "٢", "٣", "٤"]]),
    ("“نتائج أسرع”", ["إلى", "“", "نتائج", "أسرع", "”", "في"], []),
    ("«الحوار مستمر»", ["وقال", "«", "الحوار", "مستمر", "»", "دون"], []),
    ("خطوة أولى", ["بأنه", '"', "خطوة", "أولى", '"', "نحو"], []),
    ("BBC نشرت", ["BBC", "نشرت", "التقرير"], []),
    ("بنسبة 5%", ["بنسبة", "5%", "بين", "2024", "و2025"], [["2", "0", "2", "4"]]),
    ("5 فبراير 2026", ["5", "فبراير", "2026"], [["2", "0", "2", "6"]]),  # the dateline
]
BIDI_TITLE_CASES = [  # the same title in the article's <h1> and in the home page's list
    ("مع New START قريب", ["قال", "Steve Witkoff", "55", "مرة", "مع", "New START", "قريب"],
     [["Steve", "Witkoff"], ["New", "START"]]),
]
BIDI_MARKDOWN = [
    ("بلغة C++", ["بلغة", "C++", "ونشر"], [["C", "++"]]),
    ("Karim Benali", ["ليلى حداد", "Karim Benali"], [["Karim", "Benali"]]),
    ("دليل القراء", ["محادثات", "New START"], [["New", "START"]]),
]
BIDI_TAG = [("New START", [], [["New", "START"]])]
BIDI_VARIANT = [  # Arabic-Indic digits, dual month names and the Hijri date in the dateline
    ("٥ شباط/فبراير ٢٠٢٦", ["٥", "شباط", "/", "فبراير", "٢٠٢٦", "(", "١٧", "شعبان", "١٤٤٧", "هـ", ")"],
     [["٢", "٠", "٢", "٦"], ["١٤", "٤٧"]]),
    ("قال Steve", ["قال", "Steve Witkoff", "55", "مرة"], [["Steve", "Witkoff"]]),
]
_FIND_JS = """(key) => Array.from(document.querySelectorAll(
    'main h1, main h2, main h3, main p, main li, main blockquote p, main .byline'))
    .filter(e => e.textContent.includes(key)).pop() || null"""


def bidi_problems(page, cases) -> list[str]:
    problems = []
    for key, rtl, ltr in cases:
        element = page.evaluate_handle(_FIND_JS, key).as_element()
        if element is None:
            problems.append(f"[{key}] no element with this text")
            continue
        found = browser.order_problems(element, rtl, "rtl") if rtl else []
        for group in ltr:
            found += browser.order_problems(element, group, "ltr")
        problems += [f"[{key}] {p}" for p in found]
        stats.add("bidi_cases")
        stats.add("browser_checks")
    return problems


def test_bidi_visual_order(fixture_site: BuiltSite, fixture_server, chromium_browser) -> None:
    """Latin names, numbers, phones, URLs, e-mail, C++, Arabic-Indic digits and all three quote
    styles render in the right visual order (measured on the text boxes Chromium lays out)."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    problems = []
    try:
        for page_file, cases in ((article_titled(fixture_site, BIDI_TITLE), BIDI_BODY + BIDI_TITLE_CASES),
                                 (fixture_site.root / "index.html", BIDI_TITLE_CASES),
                                 (next(p for p in articles(fixture_site) if p.parent.name == MARKDOWN_SLUG),
                                  BIDI_MARKDOWN),
                                 (fixture_site.root / "tags" / "new-start" / "index.html", BIDI_TAG)):
            visit = browser.visit(context, fixture_server.url(fixture_site.url_path(page_file)))
            problems += [f"{fixture_site.rel(page_file)}: {p}" for p in visit.problems]
            problems += [f"{fixture_site.rel(page_file)}: {p}" for p in bidi_problems(visit.page, cases)]
            visit.page.close()
    finally:
        context.close()
    env.fail_on(problems, "browser problem(s)")


def test_bidi_visual_order_variant(variant_site: BuiltSite, variant_server, chromium_browser) -> None:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page_file = article_titled(variant_site, BIDI_TITLE)
        visit = browser.visit(context, variant_server.url(variant_site.url_path(page_file)))
        env.fail_on(visit.problems + bidi_problems(visit.page, BIDI_VARIANT), "bidi problem(s)")
    finally:
        context.close()


def test_skip_link_is_first_and_visible_on_focus(fixture_site: BuiltSite, fixture_server, chromium_browser) -> None:
    context = chromium_browser.new_context(viewport={"width": 360, "height": 800})
    try:
        visit = browser.visit(context, fixture_server.url(fixture_site.url_path(fixture_site.root / "index.html")))
        visit.page.keyboard.press("Tab")
        focused = visit.page.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect();
            return {href: e.getAttribute('href'), inView: r.top >= 0 && r.bottom <= innerHeight
                    && r.left >= 0 && r.right <= innerWidth && r.width > 0}; }""")
        stats.add("browser_checks")
        assert visit.problems == []
        assert focused == {"href": "#main", "inView": True}
    finally:
        context.close()


def test_stylesheets_understood_by_chromium(fixture_site: BuiltSite, fixture_server, chromium_browser) -> None:
    """Every declaration and selector of our stylesheets passes CSS.supports(): this also covers the
    newer properties vnu 20.6 does not know (see quality.vnu.NEWER_CSS_PROPERTIES)."""
    context = chromium_browser.new_context()
    try:
        visit = browser.visit(context, fixture_server.url(fixture_site.url_path(fixture_site.root / "index.html")))
        problems: list[str] = []
        for sheet in fixture_site.stylesheets():
            found, count = browser.css_problems(visit.page, sheet.read_text(encoding="utf-8"), fixture_site.rel(sheet))
            problems += found
            stats.add("css_declarations", count)
        stats.add("browser_checks")
        env.fail_on(problems, "browser problem(s)")
    finally:
        context.close()


def test_search_page_finds_articles(fixture_site: BuiltSite, fixture_server, chromium_browser) -> None:
    """The search page works offline under the /archive/ base path: a query returns results whose
    links resolve, with no console error or failed request, the result list passes axe, and
    result titles and excerpts keep the bidi order of the article text."""
    search = fixture_site.root / "search" / "index.html"
    assert search.is_file(), "newsgen writes a search page at search/index.html"
    context = chromium_browser.new_context(viewport={"width": 360, "height": 800})
    try:
        visit = browser.visit(context, fixture_server.url(fixture_site.url_path(search)))
        page = visit.page
        page.fill("input[type=search]", "الميزانية")
        page.keyboard.press("Enter")
        page.wait_for_selector("#search-results li a", timeout=15000)
        page.wait_for_load_state("networkidle")
        hrefs = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.getAttribute('href'))")
        problems = list(visit.problems)
        base = fixture_server.url(fixture_site.url_path(search))
        for href in hrefs:
            target = fixture_site.file_for(urlsplit(urljoin(base, href)).path)
            if target is None:
                problems.append(f"search result link {href!r} does not resolve")
        bad, rules = browser.run_axe(page)
        problems += bad
        stats.add("axe_runs")
        stats.add("axe_rules", rules)
        stats.add("browser_checks", 5)
        env.ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(env.ARTIFACTS / "fixture-search-results-360.png"), full_page=True)
        stats.add("screenshots")
        assert hrefs, "no search results"
        # Result titles and excerpts are article text too: the Latin name must keep its B6 isolation.
        page.fill("input[type=search]", "Witkoff")
        page.keyboard.press("Enter")
        page.wait_for_function("""() => Array.from(document.querySelectorAll('#search-results li'))
            .some(li => li.textContent.includes('Steve Witkoff 55'))""", timeout=15000)
        for what in ("a", ".search-excerpt"):
            element = page.evaluate_handle("""(what) => Array.from(document.querySelectorAll(
                '#search-results li ' + what)).find(e => e.textContent.includes('Steve Witkoff 55'))""", what)
            problems += [f"search result {what}: {p}" for p in browser.order_problems(
                element.as_element(), ["قال", "Steve Witkoff", "55", "مرة"], "rtl")]
            stats.add("bidi_cases")
        env.fail_on(problems, "search page problem(s)")
    finally:
        context.close()
