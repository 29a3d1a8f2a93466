#!/usr/bin/env python3
"""Audit a built corpus (spec §12, issue 'Arabic done right' item 7).

Counts, over every text file of a build: bidi controls that newsgen did not emit itself (newsgen emits
only a leading U+200F in text-only contexts, spec B8), positional presentation forms, and C0/C1 controls;
then checks that every source file holding such characters has a finding in newsgen-report.json.

    python bench/corpus_audit.py BUILD_DIR SEEDS_DIR
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u061c]|(?<![>\"\n\\[,{:] )(?<![>\"\n])\u200f")
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
FORM_NAMES = ("ISOLATED FORM", "INITIAL FORM", "MEDIAL FORM", "FINAL FORM")


def positional(text: str) -> int:
    return sum(1 for c in text if ("\ufb50" <= c <= "\ufdff" or "\ufe70" <= c <= "\ufefc")
               and unicodedata.name(c, "").endswith(FORM_NAMES) and not "\ufdf0" <= c <= "\ufdfd")


def audit_output(build: Path) -> Counter:
    counts: Counter = Counter()
    for path in build.rglob("*"):
        if path.is_dir() or path.suffix not in (".html", ".xml", ".json", ".txt") or "pagefind" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        counts["files"] += 1
        counts["bidi controls not emitted by newsgen"] += len(BIDI.findall(_strip_emitted_rlm(text)))
        counts["positional presentation forms"] += positional(text)
        counts["C0/C1 controls"] += len(CONTROLS.findall(text))
    return counts


def _strip_emitted_rlm(text: str) -> str:
    """Drop the RLMs newsgen itself puts at the start of text-only values (B8)."""
    return re.sub("(?<=[>\"])\u200f|(?<=: \")\u200f|(?<=content=\")\u200f", "", text)


def audit_sources(seeds: Path, report: list[dict]) -> Counter:
    noted = {(f["source"].split("/", 1)[-1], f["code"]) for f in report}
    counts: Counter = Counter()
    for path in sorted(seeds.glob("*.txt")):
        raw = path.read_bytes().decode("utf-8", "replace")
        kinds = {"bidi": re.search("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]", raw),
                 "forms": positional(raw) > 0,
                 "controls": CONTROLS.search(raw.replace("\r", ""))}
        for kind, present in kinds.items():
            if present:
                counts[f"sources with {kind}"] += 1
                if not any(name == path.name for name, _ in noted if _ != "encoding"):
                    counts[f"sources with {kind} but no finding"] += 1
    return counts


def main() -> int:
    build, seeds = Path(sys.argv[1]), Path(sys.argv[2])
    report = json.loads((build / "newsgen-report.json").read_text(encoding="utf-8"))
    results = audit_output(build) + audit_sources(seeds, report)
    for key, value in sorted(results.items()):
        print(f"{value:8d}  {key}")
    bad = sum(v for k, v in results.items() if k.startswith(("bidi controls", "positional", "C0/C1")) or "no finding" in k)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
