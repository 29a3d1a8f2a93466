"""The seed article built with the real templates, compared file by file with tests/golden/seed/.

Regenerate after an intended change with `NEWSGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`,
then read the diff before committing it.
"""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

from conftest import tree_bytes
from newsgen.cli import main

HERE = Path(__file__).parent / "golden"
EXPECTED = HERE / "seed"


def test_seed_build_matches_golden(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    out, err = io.StringIO(), io.StringIO()
    code = main(["build", "--config", str(HERE / "newsgen.yaml"), "--out", str(tmp_path / "site"),
                 "--now", "2026-02-06T00:00:00+00:00"], out=out, err=err)
    assert code == 0, err.getvalue()
    actual = tree_bytes(tmp_path / "site")
    # static/ is copied byte for byte: compare it with the project's folder, not a second copy.
    static = {name: data for name, data in actual.items() if name.startswith("static/")}
    assert static == {f"static/{k}": v for k, v in tree_bytes(HERE.parents[1] / "static").items()}
    actual = {name: data for name, data in actual.items() if name not in static}
    if os.environ.get("NEWSGEN_UPDATE_GOLDEN") == "1":
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(tmp_path / "site", EXPECTED, ignore=lambda folder, names: ["static"] if folder == str(tmp_path / "site") else [])
    expected = tree_bytes(EXPECTED)
    assert sorted(actual) == sorted(expected)
    for name, data in expected.items():
        assert actual[name].decode("utf-8") == data.decode("utf-8"), name
