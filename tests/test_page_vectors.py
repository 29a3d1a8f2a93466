"""The spec vectors about whole pages and the header line (E-09, H-12, H-17, H-18), on real output."""
from __future__ import annotations

import json
import re
from pathlib import Path

from zoneinfo import ZoneInfo

from newsgen.loader import parse_article

HERE = Path(__file__).parent
VECTORS = {v["id"]: v for v in json.loads((HERE / "data/normalizer_vectors.json").read_text(encoding="utf-8"))}
GOLDEN = HERE / "golden/seed"


def test_e09_header_line_with_leading_space():
    vector = VECTORS["E-09"]
    article = parse_article((vector["input"] + "\n\nنص.\n").encode("utf-8"), Path("seeds/a.txt"), "seeds/a.txt",
                            ZoneInfo("UTC"))
    assert f"{article.date.date().isoformat()}|{article.title}" == vector["expected"]


def test_h12_every_page_declares_rtl_arabic_on_html():
    pages = sorted(GOLDEN.rglob("*.html"))
    assert pages
    for page in pages:
        tag = re.search(r"<html[^>]*>", page.read_text(encoding="utf-8")).group()
        assert 'dir="rtl"' in tag and 'lang="ar"' in tag, page
    assert "direction:" not in (HERE.parent / "static/style.css").read_text(encoding="utf-8").replace(
        "direction: ltr", "")  # B5: base direction never from CSS (only code is forced LTR)


def test_h17_terms_of_unknown_direction_are_isolated():
    template = (HERE.parent / "templates/article.html").read_text(encoding="utf-8")
    for taxonomy in ("tags", "categories", "authors"):
        assert re.search(r"term_folders\['" + taxonomy + r"'\]\[name\]\|url \}\}\"><bdi>\{\{ name \}\}</bdi>", template)


def test_h18_search_box_is_dir_auto():
    page = (GOLDEN / "search/index.html").read_text(encoding="utf-8")
    field = re.search(r'<input[^>]*type="search"[^>]*>', page).group()
    assert 'dir="auto"' in field and 'name="q"' in field
