"""Real-world Arabic damage, end to end: each kind comes out right, or flagged/quarantined per the spec."""
from __future__ import annotations

import io
import json
from pathlib import Path

from conftest import write_tree
from newsgen.cli import main

CLEAN = "وشارك دبلوماسيون من روسيا والولايات المتحدة في مفاوضات مع الأوكرانيين في الإمارات العربية المتحدة."
MOJIBAKE = CLEAN.encode("utf-8").decode("cp1256", errors="replace")
# Visual order with presentation forms (spec vector V-01/V-02 shapes), two shaped lines.
VISUAL = "ﺓﺪﺤﺘﻤﻟﺍ ﺔﻴﺑﺮﻌﻟﺍ ﺕﺍﺭﺎﻣﻹﺍ\n\nﻢﻜﻴﻠﻋ ﻡﻼﺴﻟﺍ"


def build(project: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", "--now", "2026-03-01", *args], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def pages(project: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((project / "build").rglob("index.html")))


def report(project: Path) -> list[dict]:
    return json.loads((project / "build/newsgen-report.json").read_text(encoding="utf-8"))


def test_cp1256_visual_rlo_and_mojibake_articles(project: Path):
    write_tree(project, {
        "newsgen.yaml": "search: false\n",
        "seeds/cp1256.txt": f"date 2026-02-01 خبر بترميز ويندوز\n\n{CLEAN}\n".encode("cp1256"),
        "seeds/visual.txt": f"date 2026-02-02 خبر معكوس\n\n{VISUAL}\n",
        "seeds/rlo.txt": "date 2026-02-03 الملف \u202efdp.exe\n\nنص الخبر.\n",
        "seeds/mojibake.txt": f"date 2026-02-04 خبر مشوه\n\n{MOJIBAKE}\n",
    })
    code, out, err = build(project)
    assert code == 0, err
    html = pages(project)
    assert html.count(CLEAN) >= 2                      # cp1256 and mojibake both repaired
    assert "الإمارات العربية المتحدة" in html and "السلام عليكم" in html  # visual order restored
    assert "\u202e" not in html and "الملف fdp.exe" in html
    codes = {(f["source"], f["code"]) for f in report(project)}
    assert ("seeds/cp1256.txt", "encoding") in codes
    assert ("seeds/mojibake.txt", "mojibake-repaired") in codes
    assert ("seeds/rlo.txt", "bidi-override") in codes
    assert ("seeds/visual.txt", "order") in codes
    assert "findings:" in out


def test_strict_turns_flags_into_errors(project: Path):
    write_tree(project, {"seeds/rlo.txt": "date 2026-02-03 الملف \u202efdp.exe\n\nنص الخبر.\n"})
    code, _, err = build(project, "--strict")
    assert code == 1
    assert "seeds/rlo.txt:1: bidi-override (B4)" in err


def test_undecodable_title_is_quarantined_not_published(project: Path):
    write_tree(project, {
        "newsgen.yaml": "search: false\n",
        "seeds/ok.txt": "date 2026-02-01 خبر سليم\n\nنص.\n",
        "seeds/bad.txt": b"date 2026-02-02 \xff\xfe zzbroken \x81\n\nbody \xff\xfe text\n",
    })
    code, out, _ = build(project)
    assert code == 0
    assert "quarantined: seeds/bad.txt" in out
    assert "خبر سليم" in pages(project) and "zzbroken" not in pages(project)


def test_check_prints_findings_per_file_and_fails_on_errors(project: Path):
    write_tree(project, {
        "seeds/rlo.txt": "date 2026-02-03 الملف \u202efdp.exe\n\nنص الخبر.\n",
        "seeds/bad.txt": "date 2026-02-30 عنوان\n\nنص.\n",
    })
    out, err = io.StringIO(), io.StringIO()
    assert main(["check"], out=out, err=err) == 1
    lines = out.getvalue().splitlines()
    assert "seeds/bad.txt:1: bad date '2026-02-30': day is out of range for month [error]" in lines
    assert any(line.startswith("seeds/rlo.txt:1: flag bidi-override (B4)") for line in lines)
    assert lines[-1].startswith("newsgen check: 2 files, 1 with errors; findings: ")
    assert not (project / "build").exists()
