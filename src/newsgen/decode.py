"""Bytes to text (spec E1-E3). Mojibake repair (E4) and line endings (E5) are rules of normalize.

decode() never fails: undecodable bytes become a visible U+FFFD and a finding. Whether the article
may be published depends on where the U+FFFD sit, which only the loader knows (title vs body):
it calls quarantine_reason(title, body) after splitting the header, and adds a `quarantine`
finding (severity QUARANTINE) when that returns a reason.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from newsgen.model import FLAG, QUARANTINE, Finding

__all__ = ["Decoded", "decode", "quarantine_reason", "quarantine_finding"]

_BOM8 = b"\xef\xbb\xbf"
_BOM16 = (b"\xff\xfe", b"\xfe\xff")
# E3 plausibility: Arabic letters and the punctuation of Arabic copy (spec), plus harakat, which
# vocalised cp1256 text (e.g. Quran quotations) carries in quantity.
_ARABIC_TEXT = re.compile("[\u0621-\u0652\u060c\u061b\u061f\u201c\u201d\u2013\u00ab\u00bb]")
_NON_ASCII = re.compile("[^\x00-\x7f]")
_LATIN1_LETTER = "[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]"   # U+00C0-U+00FF without the signs × ÷
_LATIN1_TOUCHING = re.compile(f"{_LATIN1_LETTER}[\u0621-\u064a]|[\u0621-\u064a]{_LATIN1_LETTER}")
_MAX_BODY_FFFD = 0.001   # E3: quarantine above 0.1 % of body characters


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str          # utf-8 | utf-8-sig | utf-16 | cp1256 | iso8859_6 | utf-8-replace
    findings: tuple[Finding, ...]


def _plausible(text: str) -> bool:
    """E3 (a) >= 80 % of non-ASCII characters are Arabic, (b) no Latin-1 letter touches an Arabic one."""
    non_ascii = len(_NON_ASCII.findall(text))
    arabic = len(_ARABIC_TEXT.findall(text))
    return non_ascii > 0 and arabic >= 0.8 * non_ascii and not _LATIN1_TOUCHING.search(text)


def _encoding_note(encoding: str, rule: str) -> Finding:
    return Finding(code="encoding", rule=rule, message=f"decoded as {encoding}", line=1)


# The note of nearly every file, built once: findings are frozen values, so files can share it.
_UTF8_NOTES = (_encoding_note("utf-8", "E2"),)


def _replaced(text: str, encoding: str) -> Decoded:
    """E3 last resort: keep U+FFFD visible and say how many."""
    count = text.count("\ufffd")
    found = [_encoding_note(encoding, "E3")]
    if count:
        line = 1 + text.count("\n", 0, text.index("\ufffd"))
        found.append(Finding(code="invalid-utf8", rule="E3", severity=FLAG, line=line, count=count,
                             message=f"{count} undecodable byte sequence(s) shown as U+FFFD"))
    return Decoded(text, encoding, tuple(found))


def decode(data: bytes) -> Decoded:
    """E1 BOM, E2 strict UTF-8, E3 strict cp1256 / iso8859_6 with plausibility, else UTF-8 with U+FFFD."""
    if data.startswith(_BOM8):
        try:
            return Decoded(data[3:].decode("utf-8"), "utf-8-sig", (_encoding_note("utf-8-sig", "E1"),))
        except UnicodeDecodeError:
            return _replaced(data[3:].decode("utf-8", errors="replace"), "utf-8-replace")
    if data.startswith(_BOM16):
        return _replaced(data.decode("utf-16", errors="replace"), "utf-16")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", _UTF8_NOTES)
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1256", "iso8859_6"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return Decoded(text, encoding, (_encoding_note(encoding, "E3"),))
    return _replaced(data.decode("utf-8", errors="replace"), "utf-8-replace")


def quarantine_reason(title: str, body: str) -> str | None:
    """E3: why the article must not be published (U+FFFD in the title, or > 0.1 % of the body)."""
    if "\ufffd" in title:
        return "title contains U+FFFD (undecodable bytes)"
    bad = body.count("\ufffd") if "\ufffd" in body else 0   # `in` skips ahead faster than count()
    if bad and bad > _MAX_BODY_FFFD * len(body):
        return f"{bad} U+FFFD in {len(body)} body characters (more than 0.1 %)"
    return None


def quarantine_finding(title: str, body: str, *, line: int | None = None) -> Finding | None:
    """quarantine_reason() as the §12 `quarantine` finding, or None."""
    reason = quarantine_reason(title, body)
    if reason is None:
        return None
    return Finding(code="quarantine", rule="E3", message=reason, severity=QUARANTINE, line=line)
