"""Incremental and parallel builds: every rebuild's tree equals a clean build's, byte for byte."""
from __future__ import annotations

import dataclasses
import gc
import io
import json
import re
import shutil
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import pytest
from markupsafe import Markup

from conftest import SEED, tree_bytes, write_tree
from newsgen import parallel, writer
from newsgen.build import _compact, _expand, _report_json
from newsgen.store import from_blob, to_blob
from newsgen.fingerprint import Fingerprints
from newsgen.cli import main
from newsgen.model import Finding

NOW = "2026-03-01"
CONFIG = "search: false\npage_size: 4\nfeed_size: 5\nrelated: 3\n"


def _article(n: int) -> tuple[str, str]:
    day = f"2025-{1 + n % 12:02d}-{1 + n % 27:02d}"
    if n % 3:
        return f"seeds/n{n:02d}.txt", f"date {day} خبر رقم {n} عن الاقتصاد\n\nفقرة أولى من الخبر {n}.\n\nفقرة ثانية.\n"
    tags = ["سياسة", "اقتصاد", "رياضة"][n % 3: n % 3 + 2]
    return f"seeds/m{n:02d}.md", (f"---\ntitle: تقرير {n} حول السياسة\ndate: {day}T1{n % 10}:00:00+03:00\n"
                                  f"tags: [{', '.join(tags)}]\ncategories: [دولي]\nauthor: كاتب {n % 2}\n---\n\n"
                                  f"نص **التقرير** رقم {n}.\n\n## عنوان فرعي\n\nفقرة أخيرة.\n")


@pytest.fixture
def site(project: Path) -> Path:
    write_tree(project, dict(_article(n) for n in range(18)) | {"newsgen.yaml": CONFIG})
    return project


def run(project: Path, *args: str, now: str = NOW) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", "--now", now, *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def clean_tree(project: Path, tmp_path: Path, slug_map: bytes | None, now: str = NOW) -> dict[str, bytes]:
    """The site built from scratch by one process: the same inputs, no cache, no old pages.

    Only the slug map is carried over, as a user would: it is an input (published URLs never move).
    """
    ref = tmp_path / "reference"
    shutil.rmtree(ref, ignore_errors=True)
    for name in ("seeds", "templates", "static"):
        shutil.copytree(project / name, ref / name)
    shutil.copy(project / "newsgen.yaml", ref / "newsgen.yaml")
    if slug_map is not None:
        write_tree(ref, {"build/slug-map.json": slug_map})
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", "--now", now, "--jobs", "1", "--config", str(ref / "newsgen.yaml")],
                out=out, err=err) == 0, err.getvalue()
    return tree_bytes(ref / "build")


def _edit(p: Path) -> None:
    with open(p / "seeds/n04.txt", "a", encoding="utf-8") as handle:
        handle.write("\nفقرة أضيفت بعد النشر.\n")


def _edit_title(p: Path) -> None:
    write_tree(p, {"seeds/m03.md": (p / "seeds/m03.md").read_text(encoding="utf-8").replace("تقرير 3", "تقرير ثالث")})


CHANGES: dict[str, Callable[[Path], None]] = {
    "edit": _edit,
    "edit-title-and-tags": lambda p: (_edit_title(p), write_tree(p, {"seeds/m06.md": _article(6)[1].replace(
        "tags: [سياسة, اقتصاد]", "tags: [ثقافة]")})),
    "add-newest": lambda p: write_tree(p, {"seeds/new.txt": "date 2026-02-27 خبر جديد في الصدارة\n\nنص جديد.\n"}),
    "add-oldest": lambda p: write_tree(p, {"seeds/old.md": "---\ntitle: خبر قديم\ndate: 2020-05-05\ntags: [تاريخ]\n---\n\nنص.\n"}),
    "delete": lambda p: (p / "seeds/m09.md").unlink(),
    "template": lambda p: write_tree(p, {"templates/_macros.html": (p / "templates/_macros.html").read_text(
        encoding="utf-8").replace('class="article-item"', 'class="article-item item"')}),
    "config": lambda p: write_tree(p, {"newsgen.yaml": CONFIG.replace("page_size: 4", "page_size: 3")
                                       + "site_title: أرشيف آخر\n"}),
    "static": lambda p: write_tree(p, {"static/style.css": "body { color: black; }\n", "static/extra/logo.svg": "<svg/>"}),
    "static-removed": lambda p: (p / "static/style.css").unlink(),
    "embargo-lifts": lambda p: None,  # with a later clock, see the test
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_rebuild_equals_a_clean_build(site: Path, tmp_path: Path, change: str):
    if change == "embargo-lifts":
        write_tree(site, {"seeds/later.txt": "date 2026-03-05 خبر مؤجل\n\nنص.\n"})
    assert run(site)[0] == 0
    slug_map = (site / "build/slug-map.json").read_bytes()
    CHANGES[change](site)
    now = "2026-03-06" if change == "embargo-lifts" else NOW
    code, _, err = run(site, now=now)
    assert code == 0, err
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map, now)
    if change == "embargo-lifts":
        assert "خبر مؤجل" in (site / "build/index.html").read_text(encoding="utf-8")


def _stamps(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


def test_no_change_rebuild_writes_no_file(site: Path):
    assert run(site)[0] == 0
    before = _stamps(site / "build")
    cache_before = _stamps(site / ".newsgen-cache")
    code, out, _ = run(site)
    assert code == 0 and out.startswith("newsgen: ")
    assert _stamps(site / "build") == before
    assert _stamps(site / ".newsgen-cache") == cache_before  # the shortcut writes nothing at all
    (site / "seeds/n01.txt").touch()  # new mtime, same bytes: hashed again, nothing rewritten
    assert run(site)[0] == 0
    assert _stamps(site / "build") == before


def test_a_first_build_records_every_input_as_a_full_scan_would(site: Path, monkeypatch: pytest.MonkeyPatch):
    """With nothing cached, the scan leaves the seed files unread and each is hashed once, by the
    loader as it parses it, or after loading when it is no article: the manifest must come out as
    a scan that reads everything makes it, so the next run takes the nothing-changed shortcut."""
    from newsgen import build as build_module
    from newsgen.cache import cache_dir, load_manifest
    from newsgen.config import load_config
    from newsgen.sources import scan

    write_tree(site, {"seeds/photo.jpg": b"\xff\xd8 not an article", "seeds/notes/sources.csv": "outlet,url\n"})
    for args in ((), ("--clean",)):
        assert run(site, *args)[0] == 0
        config = load_config(site / "newsgen.yaml")
        folder = cache_dir(config.build_dir.resolve())
        recorded = load_manifest(folder, config.build_dir.resolve())
        full = scan(dataclasses.replace(config, build_dir=config.build_dir.resolve()), build_module.BuildOptions(), None)
        assert recorded.seeds == full.seeds and recorded.inputs_key == full.inputs_key != b""
    monkeypatch.setattr(build_module, "load", None)  # the shortcut loads nothing: calling it would fail
    assert run(site)[0] == 0
    write_tree(site, {"seeds/photo.jpg": b"\xff\xd8 another photo"})  # an input, though no article
    monkeypatch.undo()
    code, out, _ = run(site)
    assert code == 0 and out.startswith("newsgen: ")


def test_an_edit_rewrites_only_what_shows_it(site: Path):
    assert run(site)[0] == 0
    before = _stamps(site / "build")
    _edit(site)
    assert run(site)[0] == 0
    after = _stamps(site / "build")
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert any("/n04" not in rel for rel in changed) and "newsgen-report.json" not in changed
    assert len(changed) < len(after) // 3, sorted(changed)


def test_jobs_1_and_2_give_identical_trees(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)  # fork even for this small site
    assert run(site, "--jobs", "2")[0] == 0
    two = tree_bytes(site / "build")
    assert two == clean_tree(site, tmp_path, None)
    _edit(site)
    CHANGES["template"](site)
    assert run(site, "--jobs", "2")[0] == 0
    assert run(site, "--jobs", "1", "--clean")[0] == 0
    one = tree_bytes(site / "build")
    shutil.rmtree(site / "build")
    assert run(site, "--jobs", "2")[0] == 0
    assert tree_bytes(site / "build") == one


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_failing_rebuild_leaves_the_previous_build_whole(site: Path, jobs: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    assert run(site)[0] == 0
    before = tree_bytes(site / "build")
    _edit(site)
    write_tree(site, {"templates/term.html": "{% extends 'base.html' %}{% block main %}{{ nothing.here }}{% endblock %}"})
    code, _, err = run(site, "--jobs", jobs)
    assert code == 1 and "term.html" in err
    write_tree(site, {"seeds/bad.txt": "date 2026-13-01 عنوان\n\nنص.\n"})
    code, _, err = run(site, "--jobs", jobs)
    assert code == 1 and "seeds/bad.txt:1:" in err
    assert tree_bytes(site / "build") == before
    assert not list(site.glob("build.tmp-*")) and not list((site / ".newsgen-cache/build").glob("stage-*"))


def test_a_build_hands_its_objects_back_to_the_collector(site: Path, monkeypatch: pytest.MonkeyPatch):
    """build() keeps its articles and pages out of the cyclic collector while it runs (gc.freeze);
    `serve` builds again and again in one process, so each build, failed or not, must unfreeze."""
    monkeypatch.setattr(parallel, "MIN_PER_WORKER", 1)
    assert gc.get_freeze_count() == 0
    assert run(site, "--jobs", "2")[0] == 0
    assert gc.get_freeze_count() == 0
    _edit(site)
    assert run(site, "--jobs", "1")[0] == 0
    assert gc.get_freeze_count() == 0
    write_tree(site, {"templates/term.html": "{% extends 'base.html' %}{% block main %}{{ nothing.here }}{% endblock %}"})
    assert run(site, "--jobs", "2")[0] == 1
    assert gc.get_freeze_count() == 0


def test_killed_while_applying_is_repaired_by_the_next_run(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    assert run(site)[0] == 0
    slug_map = (site / "build/slug-map.json").read_bytes()
    CHANGES["template"](site)
    CHANGES["delete"](site)
    moved = []
    real_move = writer._move

    def dying_move(source: Path, target: Path) -> None:
        if len(moved) == 5:
            raise KeyboardInterrupt("killed")  # not caught by the CLI, as a signal would not be
        moved.append(target)
        real_move(source, target)

    monkeypatch.setattr(writer, "_move", dying_move)
    with pytest.raises(KeyboardInterrupt):
        run(site)
    assert (site / ".newsgen-cache/build/journal.json").is_file()
    monkeypatch.setattr(writer, "_move", real_move)
    assert run(site)[0] == 0
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map)
    assert not (site / ".newsgen-cache/build/journal.json").exists()


def test_damaged_output_is_rebuilt(site: Path, tmp_path: Path):
    assert run(site)[0] == 0
    reference = tree_bytes(site / "build")
    (site / "build/index.html").unlink()
    (site / "build/feed.xml").write_text("hand edited", encoding="utf-8")
    write_tree(site, {"build/stray.html": "left by hand"})
    assert run(site)[0] == 0
    assert tree_bytes(site / "build") == reference | {"stray.html": b"left by hand"}
    assert run(site, "--clean")[0] == 0  # --clean trusts nothing: the stray file goes too
    assert tree_bytes(site / "build") == reference


def test_search_index_follows_the_pages(site: Path, tmp_path: Path):
    pytest.importorskip("pagefind_bin")
    write_tree(site, {"newsgen.yaml": CONFIG.replace("search: false", "search: true")})
    assert run(site)[0] == 0
    slug_map = (site / "build/slug-map.json").read_bytes()
    assert (site / "build/pagefind/pagefind-entry.json").is_file()
    code, out, _ = run(site)
    assert code == 0 and "search index" not in out  # nothing changed: Pagefind not run
    _edit(site)
    code, out, _ = run(site)
    assert code == 0 and "search index" in out
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map)
    write_tree(site, {"newsgen.yaml": CONFIG})
    assert run(site)[0] == 0
    assert not (site / "build/pagefind").exists()


def test_report_json_matches_json_dumps():
    odd = Finding(code="quote-fixed", rule="U3", message="نص \\ «مقتبس»\n\u202e \"", line=None)
    plain = Finding(code="y", rule="z", severity="flag", line=12, message="")
    twin = Finding(code="y", rule="z", severity="flag", line=12, message="")  # equal, not the same object
    findings = (("seeds/a\"b.txt", odd), ("x", plain), ("seeds/c.md", odd), ("w", twin))
    rows = [{"source": sid, "code": f.code, "rule": f.rule, "severity": f.severity, "line": f.line,
             "message": f.message} for sid, f in findings]
    assert _report_json(findings) == json.dumps(rows, ensure_ascii=False, indent=1)
    assert _report_json(()) == json.dumps([], ensure_ascii=False, indent=1)
    names, table, rows = _compact({"findings": findings})["findings"]
    assert len(table) == 2 and [n for _, n in rows] == [0, 1, 0, 1]
    assert _expand(_compact({"findings": findings}))["findings"] == findings


def test_the_store_shares_equal_findings(tmp_path: Path):
    """Equal findings of different articles come back as one object (the report and the
    manifest then encode each once)."""
    from newsgen.store import ArticleStore

    store = ArticleStore(tmp_path, b"k")
    from datetime import datetime, timezone

    from newsgen.model import Article

    made = [Article(source=Path(f"seeds/{n}.txt"), source_id=f"seeds/{n}.txt", format="native", title="t",
                    date=datetime(2024, 1, 1, tzinfo=timezone.utc), slug="", body="نص", body_line=2,
                    findings=(Finding(code="c", rule="R", message="m"),)) for n in range(3)]
    light = [store.add(None, store.keep(a, b"source digest")) for a in made]
    assert all(a.findings == b.findings for a, b in zip(light, made))
    assert light[0].findings[0] is light[1].findings[0] is light[2].findings[0]


def test_no_change_summary_is_the_full_builds(site: Path):
    shutil.copy(SEED, site / "seeds")  # it has findings
    code, first, _ = run(site)
    assert code == 0
    code, again, _ = run(site)  # the shortcut: the report comes from the manifest
    assert code == 0
    strip = lambda text: re.sub(r" in [0-9.]+s", "", text)  # noqa: E731
    assert strip(again) == strip(first) and "findings:" in first


def test_fingerprints_see_types_and_refuse_the_unknown():
    prints = Fingerprints(b"salt")
    assert prints.value("<b>") != prints.value(Markup("<b>"))
    assert prints.value(1) != prints.value(True) != prints.value(1.0)
    assert prints.value((1, "a")) != prints.value(["a", 1]) != prints.value((1, "a", None))
    assert prints.value({"a": 1}) == Fingerprints(b"other").value({"a": 1})
    assert prints.page("x.html", "t.html", {"f": lambda: 1}) == (None, None)  # unknown: always rendered
    assert prints.page("x.html", "t.html", {"a": 1})[0] != prints.page("y.html", "t.html", {"a": 1})[0]
    assert prints.page("x.html", "t.html", {"a": 1})[0] != prints.page("x.html", "u.html", {"a": 1})[0]


def test_fingerprints_follow_the_articles_a_page_shows(site: Path):
    from dataclasses import replace
    from newsgen.loader import read_article
    seeds = sorted((site / "seeds").iterdir())
    a, b = (read_article(path, site / "seeds", ZoneInfo("UTC")) for path in seeds[:2])
    known = {x.source_id: (x, b"digest of " + x.source_id.encode()) for x in (a, b)}
    mark = lambda prints, context: prints.page("i.html", "t.html", context)[0]  # noqa: E731
    prints = Fingerprints(b"salt", known)
    base = mark(prints, {"articles": (a, b)})
    assert base == mark(Fingerprints(b"salt", known), {"articles": (a, b)})  # a new build agrees
    assert base != mark(prints, {"articles": (b, a)})  # order is seen
    assert base != mark(prints, {"articles": (a, replace(b, slug="x"))})  # a field the site set
    assert base != mark(prints, {"articles": (a, replace(b, title="عنوان آخر"))})
    other = {**known, b.source_id: (b, b"another digest")}  # b's bytes changed since it was cached
    assert base != mark(Fingerprints(b"salt", other), {"articles": (a, b)})
    assert base != mark(Fingerprints(b"other salt", known), {"articles": (a, b)})  # templates, config, code
    unknown = mark(Fingerprints(b"salt"), {"articles": (a, b)})  # not from the loader: digested whole
    assert unknown == mark(Fingerprints(b"salt"), {"articles": (a, b)})
    assert unknown != mark(Fingerprints(b"salt"), {"articles": (a, replace(b, body=b.body + "."))})
    _, (blob, shown) = prints.page("i.html", "t.html", {"articles": (a, b), "newer": b})
    assert shown == tuple(sorted((a.source_id, b.source_id))) and a.title.encode() not in blob


def test_cached_articles_come_back_equal(site: Path):
    from newsgen.loader import read_article
    for path in sorted((site / "seeds").iterdir())[:4]:
        article = read_article(path, site / "seeds", ZoneInfo("UTC"))
        assert from_blob(to_blob(article)) == article
        assert to_blob(from_blob(to_blob(article))) == to_blob(article)  # the digest is stable


def test_paths_leaving_the_build_folder_or_claimed_twice_are_refused():
    writer.check_paths(["index.html", "a/b/index.html", "a//c.html"])
    for bad in (["../x"], ["/etc/x"], ["a/../../x"], ["a/b.html", "a//b.html"], ["x", "./x"]):
        with pytest.raises(writer.WriteError):
            writer.check_paths(bad)


def _append(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


PATCHES: dict[str, Callable[[Path], None]] = {  # edits that leave the site's shape as it was
    "native-body": _edit,
    "markdown-body": lambda p: _append(p / "seeds/m03.md", "\nفقرة **جديدة** مع [رابط](https://example.com/).\n"),
    "new-findings": lambda p: _append(p / "seeds/n05.txt", "\nقال \"نعم\" ثم قال \u202eمقلوب\u202c.\n"),
    "two-files": lambda p: (_edit(p), _append(p / "seeds/n07.txt", "\nسطر.\n")),
    "draft-body": lambda p: _append(p / "seeds/draft.md", "\nتعديل على المسودة.\n"),
}


@pytest.mark.parametrize("change", sorted(PATCHES))
def test_body_edits_take_the_patch_path_and_equal_a_clean_build(site: Path, tmp_path: Path, change: str,
                                                                  monkeypatch: pytest.MonkeyPatch):
    import newsgen.build
    write_tree(site, {"seeds/draft.md": "---\ntitle: مسودة\ndate: 2025-03-03\ndraft: true\n---\n\nنص.\n"})
    assert run(site)[0] == 0
    slug_map = (site / "build/slug-map.json").read_bytes()
    PATCHES[change](site)

    def no_full_build(*args, **kwargs):
        raise AssertionError("the full build ran")
    with monkeypatch.context() as m:
        m.setattr(newsgen.build, "load", no_full_build)
        code, out, err = run(site)
    assert code == 0, err
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map)
    timeless = lambda text: re.sub(r" in [0-9.]+s", "", text)  # noqa: E731
    assert timeless(run(site)[1]) == timeless(out)  # the summary (counts, findings) is the full build's
    PATCHES["native-body"](site)  # a second patch over the first
    assert run(site)[0] == 0
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map)


@pytest.mark.parametrize("change", ["title", "date", "tags", "error", "added", "hand-deleted-page"])
def test_other_edits_take_the_full_build(site: Path, tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch):
    import newsgen.build
    assert run(site)[0] == 0
    slug_map = (site / "build/slug-map.json").read_bytes()
    text = (site / "seeds/m03.md").read_text(encoding="utf-8")
    edits = {
        "title": lambda: write_tree(site, {"seeds/m03.md": text.replace("تقرير 3", "تقرير ثالث")}),
        "date": lambda: write_tree(site, {"seeds/m03.md": text.replace("2025-04-04", "2025-04-05")}),
        "tags": lambda: write_tree(site, {"seeds/m03.md": text.replace("tags: [سياسة, اقتصاد]", "tags: [سياسة]")}),
        "error": lambda: write_tree(site, {"seeds/n04.txt": "no date line\n"}),
        "added": lambda: write_tree(site, {"seeds/n99.txt": "date 2025-01-01 خبر\n\nنص.\n"}),
        "hand-deleted-page": lambda: (_edit(site), (site / "build/archive/index.html").unlink()),
    }
    edits[change]()
    calls = []
    real = newsgen.build.load
    monkeypatch.setattr(newsgen.build, "load", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    code, _, err = run(site)
    assert calls, "the patch path ran"
    if change == "error":
        assert code == 1 and "n04.txt:1:" in err
        return
    assert code == 0, err
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map)


def _cache_files(site: Path) -> dict[str, Path]:
    return {p.name: p for p in (site / ".newsgen-cache/build/articles").rglob("*") if p.is_file()}


def test_article_cache_survives_a_cut_record_and_clean_rebuilds_do_not_grow_it(site: Path, tmp_path: Path):
    assert run(site)[0] == 0
    before = {name: p.stat().st_size for name, p in _cache_files(site).items()}
    assert any(n.endswith(".seg") for n in before) and "index.pickle" in before
    assert run(site, "--clean")[0] == 0
    after = {name: p.stat().st_size for name, p in _cache_files(site).items()}
    # --clean parses every file again into a new segment; the old one, named by no entry, is gone
    assert sum(after.values()) == sum(before.values()) and after.keys() != before.keys()
    segment = next(p for name, p in _cache_files(site).items() if name.endswith(".seg"))
    segment.write_bytes(segment.read_bytes()[:-7])  # a body cut short, as by a kill
    _edit(site)
    assert run(site)[0] == 0
    slug_map = (site / "build/slug-map.json").read_bytes()
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map)
    index = _cache_files(site)["index.pickle"]
    index.write_bytes(index.read_bytes()[:-7])  # the index cut short: every article is parsed again
    _edit(site)
    assert run(site)[0] == 0
    assert tree_bytes(site / "build") == clean_tree(site, tmp_path, slug_map)
    assert len([n for n in _cache_files(site) if n.endswith(".seg")]) <= 2  # the unnamed ones deleted
