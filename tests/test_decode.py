"""Bytes to text (spec E1-E3) and the E3 quarantine rule."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsgen.decode import decode, quarantine_finding, quarantine_reason
from newsgen.model import FLAG, QUARANTINE

ROOT = Path(__file__).resolve().parents[1]
VECTORS = {v["id"]: v for v in json.loads((ROOT / "tests/data/normalizer_vectors.json").read_text(encoding="utf-8"))}
SENTENCE = "وشارك دبلوماسيون من روسيا والولايات المتحدة منذ الأربعاء في مفاوضات"


def hex_input(vid: str) -> bytes:
    return bytes.fromhex(VECTORS[vid]["input"].removeprefix("hex:"))


@pytest.mark.parametrize(("vid", "encoding"), [
    ("E-01", "utf-8-sig"), ("E-03", "cp1256"), ("E-03b", "iso8859_6"), ("E-04", "utf-8-replace"),
])
def test_encoding_is_recorded(vid: str, encoding: str) -> None:
    decoded = decode(hex_input(vid))
    assert decoded.encoding == encoding
    note = next(f for f in decoded.findings if f.code == "encoding")
    assert encoding in note.message


def test_strict_utf8_wins() -> None:
    decoded = decode(SENTENCE.encode("utf-8"))
    assert (decoded.text, decoded.encoding) == (SENTENCE, "utf-8")
    assert [f.code for f in decoded.findings] == ["encoding"]


def test_utf16_with_bom() -> None:
    decoded = decode("\ufeff".encode("utf-16-le") + SENTENCE.encode("utf-16-le"))
    assert (decoded.text, decoded.encoding) == (SENTENCE, "utf-16")


def test_invalid_utf8_keeps_fffd_visible_and_flags_it() -> None:
    decoded = decode(b"date 2026-02-05 x\n\n" + hex_input("E-04"))
    assert decoded.text.endswith(VECTORS["E-04"]["expected"])
    bad = next(f for f in decoded.findings if f.code == "invalid-utf8")
    assert (bad.severity, bad.count, bad.line) == (FLAG, 1, 3)


def test_cp1256_title_and_body() -> None:
    data = f"date 2026-02-05 عنوان\n\n{SENTENCE}\n".encode("cp1256")
    assert decode(data).text == f"date 2026-02-05 عنوان\n\n{SENTENCE}\n"


def test_quarantine_on_fffd_in_title() -> None:
    assert quarantine_reason("عنوان\ufffd", "نص سليم") is not None
    finding = quarantine_finding("عنوان\ufffd", "نص سليم", line=1)
    assert finding is not None and (finding.code, finding.severity, finding.line) == ("quarantine", QUARANTINE, 1)


def test_quarantine_on_more_than_a_thousandth_of_the_body() -> None:
    body = "ب" * 2000
    assert quarantine_reason("عنوان", body[:-2] + "\ufffd\ufffd") is None        # exactly 0.1 %
    assert quarantine_reason("عنوان", body[:-3] + "\ufffd\ufffd\ufffd") is not None
    assert quarantine_finding("عنوان", body) is None
