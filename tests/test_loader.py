"""The loader: both formats, strict dates, and every error with its exact `path:line: message`."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsgen.errors import BuildFailed, NewsgenError
from newsgen.loader import load_articles, parse_article

UTC = ZoneInfo("UTC")


def parse(text: str | bytes, name: str = "a.txt", tz=UTC):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_article(data, Path("seeds") / name, name, tz)


def error_of(text: str | bytes, name: str = "a.txt") -> str:
    with pytest.raises(NewsgenError) as info:
        parse(text, name)
    return str(info.value)


def test_native_header_with_leading_space_bom_and_crlf():
    article = parse(b"\xef\xbb\xbf  date 2026-02-05 \xd8\xb9\xd9\x86\xd9\x88\xd8\xa7\xd9\x86\r\n\r\n\xd9\x86\xd8\xb5.\r\n")
    assert article.title == "عنوان"
    assert article.date == datetime(2026, 2, 5, tzinfo=UTC)
    assert article.body == "نص."
    assert article.format == "native"


def test_date_alone_is_midnight_in_site_zone():
    article = parse("date 2026-02-05 عنوان\n\nنص.\n", tz=ZoneInfo("Asia/Beirut"))
    assert article.date.isoformat() == "2026-02-05T00:00:00+02:00"
    assert article.date.date().day == 5


def test_arabic_indic_digits_in_header_date_are_folded():
    assert parse("date ٢٠٢٦-٠٢-٠٥ عنوان\n\nنص.\n").date.date().isoformat() == "2026-02-05"


def test_native_paragraphs_are_text_not_markdown():
    article = parse("date 2026-02-05 عنوان\n\n1. أولا\n\n# ليس عنوانا\n\n* نجمة\n")
    assert article.body == "1. أولا\n\n# ليس عنوانا\n\n* نجمة"


def test_markdown_front_matter():
    article = parse(
        "---\ntitle: عنوان\ndate: 2026-02-05T10:30:00+03:00\nslug: my-slug\nsummary: ملخص\n"
        "tags: [سياسة, اقتصاد]\nauthor: كاتب\ndraft: false\n---\n\nنص *مائل*.\n", "b.md")
    assert (article.title, article.slug, article.summary) == ("عنوان", "my-slug", "ملخص")
    assert article.date == datetime(2026, 2, 5, 7, 30, tzinfo=timezone.utc)
    assert article.tags == ("سياسة", "اقتصاد") and article.authors == ("كاتب",)
    assert article.format == "markdown" and article.body == "نص *مائل*.\n"
    assert article.body_line == 10


@pytest.mark.parametrize("text, message", [
    ("date 2026-02-30 عنوان\n\nنص.\n", "a.txt:1: bad date '2026-02-30': day is out of range for month"),
    ("date 2026-13-01 عنوان\n\nنص.\n", "a.txt:1: bad date '2026-13-01': month must be in 1..12"),
    ("date 2026/02/05 عنوان\n\nنص.\n", "a.txt:1: bad date '2026/02/05': expected YYYY-MM-DD"),
    ("عنوان بلا تاريخ\n\nنص.\n", "a.txt:1: missing header: line 1 must be 'date YYYY-MM-DD <title>'"),
    ("date 2026-02-05\n\nنص.\n", "a.txt:1: missing title after the date"),
    ("date 2026-02-05 \u200f\u200f\n\nنص.\n", "a.txt:1: empty title"),
    ("date 2026-02-05 عنوان\n\n \n\n", "a.txt:2: empty body: an article needs at least one paragraph"),
    ("", "a.txt:1: missing header: line 1 must be 'date YYYY-MM-DD <title>'"),
])
def test_native_errors(text, message):
    assert error_of(text) == f"seeds/{message}"


@pytest.mark.parametrize("text, message", [
    ("---\ntitle: [unclosed\ndate: 2026-02-05\n---\nنص\n", "b.md:3: bad YAML: "),
    ("---\n- a\n- b\n---\nنص\n", "b.md:2: front matter must be a mapping of keys to values, not list"),
    ("---\ntitle: ع\ndate: 2026-02-05\ntagz: [a]\n---\nنص\n", "b.md:4: unknown front-matter key 'tagz' (did you mean 'tags'?)"),
    ("---\ndate: 2026-02-05\n---\nنص\n", "b.md:2: missing title: add 'title:' to the front matter"),
    ("---\ntitle: ع\n---\nنص\n", "b.md:2: missing date: add 'date: YYYY-MM-DD' to the front matter"),
    ("---\ntitle: ''\ndate: 2026-02-05\n---\nنص\n", "b.md:2: empty title"),
    ("---\ntitle: ع\ndate: 2026-02-30\n---\nنص\n", "b.md:3: bad date '2026-02-30': day is out of range for month"),
    ("---\ntitle: ع\ndate: 2026-02-05\n---\n\n", "b.md:5: empty body: an article needs at least one paragraph"),
    ("---\ntitle: ع\ndate: 2026-02-05\ndraft: maybe\n---\nنص\n", "b.md:4: 'draft' must be true or false"),
    ("---\ntitle: ع\ndate: 2026-02-05\n", "b.md:1: front matter is not closed with '---'"),
    ("نص بلا رأس\n", "b.md:1: a Markdown article must start with a '---' front-matter block"),
])
def test_markdown_errors(text, message):
    assert error_of(text, "b.md").startswith(f"seeds/{message}")


def test_undecodable_bytes_are_an_error_or_a_visible_finding():
    # Random bytes that are neither UTF-8 nor plausible Arabic: decoded with U+FFFD and quarantined (spec E3).
    article = parse(b"date 2026-02-05 \xff\xfe\xfa title\n\nbody \xff\n")
    assert article.quarantined


def test_every_bad_file_is_reported_before_failing(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("date 2026-02-30 عنوان\n\nنص.\n", encoding="utf-8")
    (seeds / "b.md").write_text("---\ntitle: ع\n---\nنص\n", encoding="utf-8")
    (seeds / "c.txt").write_text("date 2026-02-05 عنوان\n\nنص.\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as info:
        load_articles(seeds, UTC)
    assert [str(e) for e in info.value.errors] == [
        f"{seeds}/a.txt:1: bad date '2026-02-30': day is out of range for month",
        f"{seeds}/b.md:2: missing date: add 'date: YYYY-MM-DD' to the front matter",
    ]


def test_article_paths_walk_rules(tmp_path: Path):
    """Sorted as paths (a folder's files before a longer sibling name), hidden entries, globs
    and non-article suffixes skipped, links to files read, links to folders not followed."""
    from newsgen.loader import article_paths

    seeds, outside = tmp_path / "seeds", tmp_path / "outside"
    for rel in ("a/b.txt", "a-c.md", "a/.h.txt", ".hid/x.txt", "sub/skip/me.txt", "sub/keep.markdown",
                "notes.txt~", "readme.md"):
        (seeds / rel).parent.mkdir(parents=True, exist_ok=True)
        (seeds / rel).write_text("date 2020-01-01 t\n", encoding="utf-8")
    (outside / "o.txt").parent.mkdir(parents=True)
    (outside / "o.txt").write_text("date 2020-01-01 t\n", encoding="utf-8")
    (seeds / "link.txt").symlink_to(outside / "o.txt")
    (seeds / "linked").symlink_to(outside, target_is_directory=True)
    (seeds / "dangling.txt").symlink_to(tmp_path / "nothing.txt")
    found = article_paths(seeds, ("sub/skip/*", "readme.md"))
    assert [p.relative_to(seeds).as_posix() for p in found] == ["a/b.txt", "a-c.md", "link.txt", "sub/keep.markdown"]
    assert article_paths(tmp_path / "missing") == []
