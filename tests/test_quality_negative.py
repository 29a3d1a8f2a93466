"""Each quality checker reports the defect it exists for: hand-made broken pages go in, the checker
must say so (and must pass the clean control next to it). Without these, a checker that silently
checks nothing would let every page through."""
from __future__ import annotations

from pathlib import Path

import pytest

from quality import broken, browser, feeds, links
from quality.sites import BuiltSite

pytest_plugins = ["quality.plugin"]


# --- vnu (the samples are part of the session's one Java run) ----------------------------------

def test_vnu_reports_marquee(negative_files: dict[str, Path], vnu_report) -> None:
    errors = vnu_report.errors_for([negative_files["marquee.html"]])
    assert any("marquee" in e.text for e in errors), errors
    assert vnu_report.errors_for([negative_files["good.html"]]) == []


def test_vnu_reports_broken_css(negative_files: dict[str, Path], vnu_report) -> None:
    errors = vnu_report.errors_for([negative_files["broken.css"]])
    texts = " ".join(e.text for e in errors)
    assert "colr" in texts and len(errors) >= 2, errors
    assert vnu_report.errors_for([negative_files["good.css"]]) == []


# --- links -----------------------------------------------------------------------------------------

def test_link_checker_reports_dead_links_and_fragments(tmp_path: Path) -> None:
    site = BuiltSite("negative", broken.write(tmp_path / "build", broken.LINK_SITE), broken.LINK_SITE_BASE)
    report = links.check_site(site)
    assert report.external == 1
    for expected in broken.LINK_SITE_EXPECTED:
        assert sum(expected in p for p in report.problems) == 1, (expected, report.problems)
    assert len(report.problems) == len(broken.LINK_SITE_EXPECTED), report.problems


def test_link_checker_passes_the_clean_pages(tmp_path: Path) -> None:
    files = {k: v for k, v in broken.LINK_SITE.items() if k != "index.html"}
    site = BuiltSite("negative", broken.write(tmp_path / "build", files), broken.LINK_SITE_BASE)
    report = links.check_site(site)
    assert report.problems == [] and report.pages == 2


# --- feeds -----------------------------------------------------------------------------------------

def test_feed_checker_reports_broken_feeds(tmp_path: Path) -> None:
    root = broken.write(tmp_path / "build", {"ok/index.html": broken.GOOD, "broken.xml": broken.BROKEN_RSS,
                                             "malformed.xml": broken.MALFORMED_RSS})
    report = feeds.check_site(BuiltSite("negative", root, broken.FEED_BASE))
    for expected in broken.BROKEN_FEED_EXPECTED:
        assert any(p.startswith(expected) for p in report.problems), (expected, report.problems)
    assert report.feeds == ["broken.xml", "malformed.xml"]


# --- browser ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def context(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 360, "height": 800})
    yield context
    context.close()


def test_axe_reports_unlabelled_input(negative_server, context) -> None:
    bad = browser.visit(context, negative_server.url("/unlabelled.html"))
    violations, rules = browser.run_axe(bad.page)
    assert any(v.startswith("axe label (critical)") for v in violations), violations
    assert rules > 50
    good = browser.visit(context, negative_server.url("/labelled.html"))
    assert browser.run_axe(good.page)[0] == []
    assert bad.problems == good.problems == []


def test_browser_reports_overflow(negative_server, context) -> None:
    bad = browser.visit(context, negative_server.url("/overflow.html"))
    problems = browser.overflow_problems(bad.page)
    assert any(p.startswith("horizontal overflow: scrollWidth") for p in problems), problems
    good = browser.visit(context, negative_server.url("/good.html"))
    assert browser.overflow_problems(good.page) == []


def test_browser_reports_console_errors_and_failed_requests(negative_server, context) -> None:
    bad = browser.visit(context, negative_server.url("/console.html"))
    assert any(p.startswith("console error: boom") for p in bad.problems), bad.problems
    assert any(p.startswith("HTTP 404:") and "missing.png" in p for p in bad.problems), bad.problems
    outside = browser.visit(context, negative_server.url("/external.html"))
    assert any(p.startswith("request leaves the site: https://fonts.example.net/") for p in outside.problems)
    assert browser.visit(context, negative_server.url("/good.html")).problems == []


def test_bidi_checker_reports_wrong_visual_order(negative_server, context) -> None:
    """Without the LTR isolate, `55` joins the Latin run and lands right of `Witkoff`."""
    def problems(name: str, rtl: list[str], ltr: list[str] = ()) -> list[str]:
        page = browser.visit(context, negative_server.url(f"/{name}.html")).page
        element = page.query_selector("#case")
        return browser.order_problems(element, rtl, "rtl") + (
            browser.order_problems(element, list(ltr), "ltr") if ltr else [])

    pieces = ["قال", "Steve Witkoff", "55", "مرة"]
    wrong = problems("bidi-wrong", pieces)
    assert any("'55'" in p and "should be left of 'Steve Witkoff'" in p for p in wrong), wrong
    assert problems("bidi-right", pieces, ["Steve", "Witkoff"]) == []
    phone = problems("phone-wrong", ["على", "+961 1 234 567", "الآن"], ["+961", "1", "234", "567"])
    assert any("should be right of" in p for p in phone), phone


def test_css_check_reports_declarations_chromium_rejects(negative_server, context) -> None:
    page = browser.visit(context, negative_server.url("/good.html")).page
    found, count = browser.css_problems(page, broken.BROKEN_CSS + "a:hover:unknown-thing { color: red; }\n",
                                        "broken.css")
    assert count == 5
    assert any("'colr: red'" in p for p in found) and any("'width: 10 pixels'" in p for p in found), found
    assert any("selector 'a:hover:unknown-thing'" in p for p in found), found
    assert browser.css_problems(page, broken.GOOD_CSS, "good.css") == ([], 2)
