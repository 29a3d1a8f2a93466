"""Counters for the end-of-run summary: how much was actually checked."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

LABELS = {
    "pages_validated": "HTML pages validated by vnu",
    "css_validated": "stylesheets validated by vnu",
    "css_deferred": "CSS properties vnu 20.6 does not know, left to CSS.supports",
    "vnu_runs": "Java (vnu) invocations",
    "feeds_parsed": "feeds parsed",
    "feed_items": "feed items checked",
    "feed_body_links": "links inside feed item content checked",
    "link_pages": "pages link-checked",
    "links_checked": "internal links/resources checked",
    "fragments_checked": "of which #fragments",
    "external_links": "external links seen (not fetched)",
    "browser_pages": "browser page loads",
    "browser_checks": "browser checks",
    "axe_runs": "axe-core runs",
    "axe_rules": "axe rules run (summed over runs)",
    "bidi_cases": "bidi order cases",
    "css_declarations": "CSS declarations checked with CSS.supports",
    "screenshots": "screenshots kept",
    "negative_samples_validated": "hand-made broken samples validated by vnu",
}

STATS: Counter[str] = Counter()


def add(key: str, n: int = 1) -> None:
    STATS[key] += n


def lines() -> list[str]:
    return [f"{STATS[key]:>7}  {label}" for key, label in LABELS.items() if STATS[key]]


def save(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(dict(sorted(STATS.items())), indent=1) + "\n", encoding="utf-8")
