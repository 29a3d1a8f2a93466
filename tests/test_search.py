"""Offline search: Pagefind indexing (newsgen.search) and the search page in a real browser.

The browser tests build a small site with a path prefix (base_url .../news/), serve it from a real
http.server on 127.0.0.1 and type queries into /news/search/ in Debian's Chromium via Playwright.
The Nu checker is not run here: tests/test_quality.py validates every page, search/ included, and
every stylesheet, static/search.css included, in its one vnu run per session.
"""
from __future__ import annotations

import functools
import html.parser
import http.server
import io
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import pytest

from conftest import PROJECT, tree_bytes, write_tree
from newsgen.search import SearchError, SearchIndex, index_site
from newsgen.searchkey import SEARCH_FOLD_JS

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IN_CI = os.environ.get("CI") == "true"

# Words the spec (K2 table) says Pagefind alone does not match, plus the ones it does.
SEEDS = {
    "seeds/gaza.txt": "date 2026-02-05 قصف غزة ومسؤول يتحدث\n\n"
                      "قال مسؤول محلي إن القصف استمر طوال الليل في غزة.\n\n"
                      "وأضاف أن فرق الإسعاف تعمل بلا توقف منذ أيام.\n",
    "seeds/decision.txt": "date 2026-02-04 الحكومة قرّرت تمديد المهلة\n\n"
                          "قرّرت الحكومة تمديد المهلة أسبوعا إضافيا بعد مشاورات طويلة.\n",
    "seeds/ukraine.txt": "date 2026-02-03 مفاوضات بشأن أوكرانيا في أبوظبي\n\n"
                         "بدأت في أبوظبي جولة جديدة من المفاوضات بشأن الحرب في أوكرانيا.\n",
    # غزة only in the second paragraph: outside the K3 alias (title + summary), so it is found
    # by the query as typed, not by its folded form.
    "seeds/cairo.txt": "date 2026-02-02 اجتماع وزاري في القاهرة\n\n"
                       "عقد الوزراء اجتماعا مطولا في العاصمة.\n\n"
                       "وناقش المجتمعون الوضع الإنساني في غزة والمعابر.\n",
    "seeds/weather.txt": "date 2026-02-01 طقس بارد في الشمال\n\n"
                         "تتوقع الأرصاد موجة برد تستمر حتى نهاية الأسبوع.\n",
}
TITLES = {"gaza": "قصف غزة ومسؤول يتحدث", "decision": "الحكومة قرّرت تمديد المهلة",
          "ukraine": "مفاوضات بشأن أوكرانيا في أبوظبي", "cairo": "اجتماع وزاري في القاهرة"}


# --- index_site on hand-made folders (no build, no browser) -------------------------------------

def _page(body: str, marked: bool = True) -> str:
    attr = " data-pagefind-body" if marked else ""
    return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title></head>'
            f"<body><main{attr}><h1>{body}</h1><p>{body}</p></main></body></html>")


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "site", {
        "index.html": _page("الصفحة الرئيسية", marked=False),
        "a/index.html": _page("قصف غزة"),
        "b/index.html": _page("مفاوضات أوكرانيا"),
    })


def test_index_site_writes_the_bundle_and_counts_marked_pages(small_site: Path):
    result = index_site(small_site)
    assert isinstance(result, SearchIndex)
    assert result.pages == 2  # the unmarked home page is left out
    assert result.seconds > 0 and result.version
    assert (small_site / "pagefind/pagefind.js").is_file()
    assert (small_site / "pagefind/wasm.ar.pagefind").is_file()


def test_index_site_is_deterministic_and_replaces_an_old_bundle(small_site: Path, tmp_path: Path):
    index_site(small_site)
    first = tree_bytes(small_site)
    (small_site / "pagefind/stale.pf_fragment").write_bytes(b"old")
    moved = tmp_path / "elsewhere"
    shutil.copytree(small_site, moved)
    index_site(small_site)
    index_site(moved)
    assert tree_bytes(small_site) == first
    assert tree_bytes(moved) == first


def test_index_site_without_marked_pages_writes_nothing(tmp_path: Path):
    site = write_tree(tmp_path / "site", {"index.html": _page("نص", marked=False)})
    assert index_site(site).pages == 0
    assert not (site / "pagefind").exists()


def test_index_site_failures_are_messages(small_site: Path, monkeypatch: pytest.MonkeyPatch):
    import newsgen.search as search
    monkeypatch.setattr(search, "pagefind_command", lambda: [str(small_site / "no-such-pagefind")])
    with pytest.raises(SearchError, match=r"^could not run Pagefind \(.*no-such-pagefind\)"):
        index_site(small_site)
    failing = [sys.executable, "-c", "import sys; print('Error: disk full', file=sys.stderr); sys.exit(3)"]
    monkeypatch.setattr(search, "pagefind_command", lambda: failing)
    with pytest.raises(SearchError) as caught:
        index_site(small_site)
    assert caught.value.message == "Pagefind failed (exit 3): Error: disk full"


def test_search_js_embeds_the_query_folding_byte_for_byte():
    script = (PROJECT / "static/search.js").read_text(encoding="utf-8")
    assert SEARCH_FOLD_JS in script, (
        "static/search.js has a stale copy of newsgenSearchKey: replace the lines between"
        " '// BEGIN newsgenSearchKey' and '// END newsgenSearchKey' with newsgen.searchkey.SEARCH_FOLD_JS")
    assert script.count("function newsgenSearchKey(") == 1


# --- the built site in Chromium ---------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site (search on) with base_url https://example.org/news/; returns build/."""
    from newsgen.cli import main
    root = tmp_path_factory.mktemp("search-site")
    shutil.copytree(PROJECT / "templates", root / "templates")
    shutil.copytree(PROJECT / "static", root / "static")
    write_tree(root, {**SEEDS, "newsgen.yaml": "base_url: https://example.org/news/\nsearch: true\n"})
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", "--config", str(root / "newsgen.yaml"), "--now", "2026-03-01"], out=out, err=err)
    assert code == 0, err.getvalue()
    assert (root / "build/pagefind/pagefind.js").is_file(), "the build did not run Pagefind"
    return root / "build"


class _AliasPlace(html.parser.HTMLParser):
    """Is the data-k alias inside the data-pagefind-body element? (Pagefind ignores it elsewhere.)"""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: inside the indexed body?
        self.alias: list[tuple[bool, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        names = dict(attrs)
        inside = bool(self.stack and self.stack[-1]) or "data-pagefind-body" in names
        if "data-k" in names:
            self.alias.append((inside, names.get("data-pagefind-meta") or ""))
        if tag not in self.VOID:
            self.stack.append(inside)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def test_article_pages_put_the_alias_inside_the_indexed_body(built: Path):
    pages = sorted(built.glob("2026/*/*/*/index.html"))
    assert len(pages) == len(SEEDS)
    for page in pages:
        place = _AliasPlace()
        place.feed(page.read_text(encoding="utf-8"))
        assert place.alias, f"{page}: no element carries data-k (spec K3)"
        for inside, meta in place.alias:
            assert inside, (f"{page}: the data-k alias lies outside the data-pagefind-body element,"
                            " so Pagefind does not index it: put data-pagefind-body on <article>")
            assert "k[data-k]" in meta, f"{page}: add data-pagefind-meta=\"k[data-k]\" next to data-k"


@pytest.fixture(scope="module")
def server(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """http://127.0.0.1:PORT/news/ serves build/, as a host with a path prefix would."""
    docroot = tmp_path_factory.mktemp("docroot")
    (docroot / "news").symlink_to(built, target_is_directory=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(docroot)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("/usr/bin/chromium is missing (apt-get install chromium)")
        pytest.skip("/usr/bin/chromium is missing: apt-get install chromium to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            raise
        pytest.skip("playwright is not installed: pip install playwright")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _watch(page) -> dict[str, list[str]]:
    """Record console errors and warnings, page errors and requests of `page`.

    Chromium's own /favicon.ico probe is left out: base.html names no icon, which is not this page's
    doing, and the probe goes to the host root whatever the base path.
    """
    log: dict[str, list[str]] = {"problems": [], "requests": []}

    def console(msg) -> None:
        if msg.type in ("error", "warning") and not msg.location.get("url", "").endswith("/favicon.ico"):
            log["problems"].append(f"{msg.type}: {msg.text} ({msg.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda exc: log["problems"].append(f"pageerror: {exc}"))
    page.on("request", lambda req: log["requests"].append(req.url))
    return log


@pytest.fixture(scope="module")
def search_page(browser, server: str):
    """The search page, watched by _watch (its log is `page.log`)."""
    page = browser.new_page()
    page.log = _watch(page)
    page.goto(f"{server}/news/search/")
    yield page
    page.close()


def _search(page, query: str) -> list[dict]:
    """Type `query`, press Enter, wait for the results; titles, hrefs and excerpts as shown."""
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function("document.getElementById('search-results').getAttribute('aria-busy') === 'false'")
    return page.eval_on_selector_all("#search-results > li", """items => items.map(li => ({
        title: li.querySelector('h2 a bdi').textContent,
        href: li.querySelector('h2 a').getAttribute('href'),
        excerpt: li.querySelector('.search-excerpt').textContent,
        excerptDir: li.querySelector('.search-excerpt').getAttribute('dir'),
        marks: [...li.querySelectorAll('.search-excerpt mark')].map(m => m.textContent),
    }))""")


def _titles(results: list[dict]) -> set[str]:
    return {r["title"] for r in results}


@pytest.mark.parametrize("query, expected", [
    ("غزة", {TITLES["gaza"], TITLES["cairo"]}),   # as typed: the alias and the body token
    ("غزه", {TITLES["gaza"]}),                    # folded: only the K3 alias has غزه
    ("مسئول", {TITLES["gaza"]}),                  # Levantine spelling of مسؤول (K1 ؤ ئ -> ء)
    ("مسؤول", {TITLES["gaza"]}),
    ("قررت", {TITLES["decision"]}),               # shadda ignored
    ("قرّرت", {TITLES["decision"]}),
    ("اوكرانيا", {TITLES["ukraine"]}),            # alef-hamza folded
    ("أوكرانيا", {TITLES["ukraine"]}),
])
def test_queries_find_their_articles(search_page, query: str, expected: set[str]):
    results = _search(search_page, query)
    assert _titles(results) == expected
    for result in results:
        assert result["href"].startswith("/news/2026/"), result["href"]  # base path kept
        assert result["excerptDir"] == "auto"
        assert result["excerpt"].strip()


def test_excerpts_never_show_the_alias(search_page, built: Path):
    aliases = set()
    for page in built.glob("2026/*/*/*/index.html"):
        aliases.update(re.findall(r'data-k="([^"]+)"', page.read_text(encoding="utf-8")))
    assert aliases, "article pages carry no data-k alias (spec K3)"
    alias_only = {w for a in aliases for w in a.split()} - {
        w for text in SEEDS.values() for w in re.split(r"[\s.،]+", text)}
    assert "مسءول" in alias_only and "غزه" in alias_only
    for query in ("غزه", "مسئول", "قررت", "اوكرانيا", "غزة", "الحكومة"):
        results = _search(search_page, query)
        assert results, query
        for result in results:
            words = set(re.split(r"[\s.،…]+", result["excerpt"]))
            assert not words & alias_only, (query, result["excerpt"])
            assert not any(alias in result["excerpt"] for alias in aliases)


def test_folded_query_marks_the_word_as_written(search_page):
    [result] = _search(search_page, "غزه")
    assert "غزة" in result["marks"], result  # the body's spelling, without the full stop
    assert result["excerpt"].startswith("قال مسؤول محلي"), "the excerpt repeats the heading"


def test_no_results_and_links_work(search_page, server: str):
    assert _search(search_page, "كلمةغيرموجودة") == []
    assert "لا نتائج" in search_page.text_content("#search-status")
    [result] = _search(search_page, "اوكرانيا")
    response = search_page.request.get(server + result["href"])
    assert response.ok and TITLES["ukraine"] in response.text()


def test_query_in_the_url_and_page_hygiene(browser, server: str, search_page):
    page = browser.new_page()
    log = _watch(page)
    page.goto(f"{server}/news/search/?q=%D8%BA%D8%B2%D9%87")  # ?q=غزه
    page.wait_for_function("document.getElementById('search-results').getAttribute('aria-busy') === 'false'")
    assert page.input_value("#search-q") == "غزه"
    assert page.locator("#search-results > li").count() == 1
    page.close()
    _search(search_page, "مسئول")
    for watched in (log, search_page.log):
        assert watched["problems"] == []
        assert any("/news/pagefind/pagefind.js" in url for url in watched["requests"])
        assert all(url.startswith(server + "/news/") for url in watched["requests"]), watched["requests"]


def test_search_page_markup_and_accessibility(search_page, built: Path):
    html = (built / "search/index.html").read_text(encoding="utf-8")
    assert '<input type="search" id="search-q" name="q" dir="auto"' in html
    assert '<label for="search-q">' in html
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"
    assert 'src="../static/search.js"' in html and 'href="../static/search.css"' in html
    from axe_playwright_python.sync_playwright import Axe
    _search(search_page, "غزة")  # check with results on screen
    violations = Axe().run(search_page).response["violations"]
    serious = [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
