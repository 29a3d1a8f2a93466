"""`newsgen build` as a user runs it: exit codes, messages, atomic output, determinism, safety."""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from conftest import SEED, tree_bytes, write_tree
from newsgen.cli import main

GOOD = "date 2026-02-05 عنوان أول\n\nفقرة أولى.\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_build_the_seed(project: Path):
    shutil.copy(SEED, project / "seeds")
    code, out, err = run("build")
    assert (code, err) == (0, "")
    assert out.startswith("newsgen: 1 articles, ")
    page = project / "build/2026/02/05/الولايات-المتحدة-وروسيا-ستستانفان-حوارهما/index.html"
    html = page.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert "<h2>إشراك الصين</h2>" in html and "<h2>“عمل كثير”</h2>" in html
    assert '<time datetime="2026-02-05">5 فبراير 2026</time>' in html
    assert "بـ“أضرار جسيمة”" in html  # U3: the one smart-quote error of the seed, fixed
    assert (project / "build/index.html").is_file()
    feed = feedparser.parse((project / "build/feed.xml").read_bytes())
    assert not feed.bozo and len(feed.entries) == 1
    assert feed.entries[0].link.endswith("/2026/02/05/%D8%A7%D9%84%D9%88%D9%84%D8%A7%D9%8A%D8%A7%D8%AA-%D8%A7%D9%84%D9%85%D8%AA%D8%AD%D8%AF%D8%A9-%D9%88%D8%B1%D9%88%D8%B3%D9%8A%D8%A7-%D8%B3%D8%AA%D8%B3%D8%AA%D8%A7%D9%86%D9%81%D8%A7%D9%86-%D8%AD%D9%88%D8%A7%D8%B1%D9%87%D9%85%D8%A7/")


def test_bad_input_exits_1_and_keeps_previous_build(project: Path):
    write_tree(project, {"seeds/a.txt": GOOD})
    assert run("build")[0] == 0
    before = tree_bytes(project / "build")
    write_tree(project, {"seeds/b.txt": "date 2026-13-01 عنوان\n\nنص.\n",
                         "seeds/c.md": "---\ntitle: ع\n---\nنص\n"})
    code, out, err = run("build")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert lines[0] == "seeds/b.txt:1: bad date '2026-13-01': month must be in 1..12"
    assert lines[1] == "seeds/c.md:2: missing date: add 'date: YYYY-MM-DD' to the front matter"
    assert "Traceback" not in err
    assert tree_bytes(project / "build") == before
    assert not list(project.glob("build.tmp-*")) and not list(project.glob("build.old-*"))


def test_usage_error_exits_2(project: Path):
    assert run("bild")[0] == 2
    assert run("build", "--bogus")[0] == 2


def test_config_errors_name_the_key(project: Path):
    write_tree(project, {"newsgen.yaml": "site_title: موقع\nbase_ur: https://x.org/\npage_size: many\n"})
    code, _, err = run("build")
    assert code == 1
    assert "newsgen.yaml:2: unknown key 'base_ur' (did you mean 'base_url'?)" in err
    assert "newsgen.yaml:3: 'page_size' must be int, not str" in err


def test_two_builds_are_byte_identical_and_stale_files_go(project: Path):
    write_tree(project, {"seeds/a.txt": GOOD, "seeds/b.txt": "date 2026-02-06 عنوان ثان\n\nفقرة.\n"})
    assert run("build")[0] == 0
    first = tree_bytes(project / "build")
    assert run("build")[0] == 0
    assert tree_bytes(project / "build") == first
    (project / "seeds/b.txt").unlink()
    assert run("build")[0] == 0
    assert not (project / "build/2026/02/06").exists()


def test_out_option_and_pagination(project: Path):
    write_tree(project, {"newsgen.yaml": "page_size: 2\nbase_url: https://news.example.org/archive/\n"})
    for day in range(1, 6):
        write_tree(project, {f"seeds/{day}.txt": f"date 2026-03-0{day} خبر رقم {day}\n\nنص.\n"})
    code, _, _ = run("build", "--out", "site")
    assert code == 0
    site = project / "site"
    assert (site / "page/3/index.html").is_file() and not (site / "page/4").exists()
    first = (site / "index.html").read_text(encoding="utf-8")
    assert first.index("خبر رقم 5") < first.index("خبر رقم 4")
    assert 'href="/archive/page/2/"' in first
    assert '<link rel="canonical" href="https://news.example.org/archive/">' in first


def test_script_in_title_is_text_in_page_and_feed(project: Path):
    write_tree(project, {"seeds/x.md": "---\ntitle: '<script>alert(1)</script> عاجل'\ndate: 2026-02-05\n---\n"
                         "نص <b>غامق</b> و [رابط](javascript:alert(1)).\n"})
    assert run("build")[0] == 0
    page = next((project / "build/2026/02/05").glob("*/index.html")).read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and 'href="javascript' not in page
    feed_bytes = (project / "build/feed.xml").read_bytes()
    ET.fromstring(feed_bytes)  # well-formed
    feed = feedparser.parse(feed_bytes)
    assert not feed.bozo
    assert feed.entries[0].title.endswith("<script>alert(1)</script> عاجل")  # text, shown as text


def test_bidi_override_is_stripped_from_title(project: Path):
    write_tree(project, {"seeds/a.txt": "date 2026-02-05 الملف \u202efdp.exe\n\nنص.\n"})
    assert run("build")[0] == 0
    built = b"".join(tree_bytes(project / "build").values()).decode("utf-8", "replace")
    assert "\u202e" not in built


def test_python_dash_m_entry_point(project: Path):
    write_tree(project, {"seeds/a.txt": GOOD})
    done = subprocess.run([sys.executable, "-m", "newsgen", "build"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (project / "build/index.html").is_file()


def test_ignore_files_skips_non_articles(project: Path):
    write_tree(project, {"seeds/README.md": "# not an article\n", "seeds/a.txt": GOOD,
                         "seeds/.hidden/b.txt": "broken", "seeds/notes~": "x"})
    code, _, err = run("build")
    assert code == 1 and "seeds/README.md:1: a Markdown article must start with" in err
    write_tree(project, {"newsgen.yaml": "ignore_files: [README.md]\n"})
    code, out, err = run("build")
    assert (code, err) == (0, "") and out.startswith("newsgen: 1 articles")


def test_progress_bar_draws_in_place_and_ends_with_a_newline():
    from newsgen.cli import ProgressBar
    stream = io.StringIO()
    bar = ProgressBar(stream, width=10)
    for done in range(1, 1001):
        bar(done, 1000)
    text = stream.getvalue()
    assert text.endswith("\r[##########] 1000/1000 pages\n")
    assert text.count("\r") == 101  # once per percent, not once per page
    quiet = io.StringIO()
    ProgressBar(quiet)(5, 10)  # short builds draw nothing
    assert quiet.getvalue() == ""
