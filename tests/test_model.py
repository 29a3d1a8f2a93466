"""model.evolve: the fast dataclasses.replace the stages use on every article."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

import pytest

from newsgen.model import Article, Finding, evolve


def _article() -> Article:
    return Article(source=Path("seeds/a.txt"), source_id="seeds/a.txt", format="native", title="عنوان",
                   date=datetime(2024, 1, 2, tzinfo=timezone.utc), slug="", body="نص", body_line=3,
                   tags=("أ",), findings=(Finding(code="c", rule="R", message="m", severity="info"),))


def test_evolve_is_replace_and_keeps_the_untouched_fields_themselves():
    a = _article()
    b = evolve(a, slug="x", body=None)
    assert b == dataclasses.replace(a, slug="x", body=None) and type(b) is Article
    assert a.slug == "" and a.body == "نص"              # the original is untouched
    assert b.tags is a.tags and b.findings is a.findings  # fingerprints rely on this (newsgen.fingerprint)
    with pytest.raises(dataclasses.FrozenInstanceError):
        b.slug = "y"  # type: ignore[misc]
    with pytest.raises(TypeError, match="no field sluggy"):
        evolve(a, sluggy="x")
