"""Shared test helpers: inline mini-sites (hugo's `-- file --` idea, mkdocs' @tempdir)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SEED = PROJECT / "seeds" / "000_a63a7b9a017dd040.txt"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with the real templates and static files and an empty seeds/; cwd is set to it."""
    shutil.copytree(PROJECT / "templates", tmp_path / "templates")
    shutil.copytree(PROJECT / "static", tmp_path / "static")
    (tmp_path / "seeds").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file below root, keyed by relative POSIX path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_text_equal(actual: str, expected: str) -> None:
    """On mismatch show ascii() of both, so RLM, NBSP and tatweel are visible."""
    assert actual == expected, f"\nactual:   {ascii(actual)}\nexpected: {ascii(expected)}"


