"""Encoding damage and control characters in decoded text: E4, E5, B1-B4 (spec §2, §5).

These rules run first (E4, E5) or right after N1 (B), and keep one line per source line, so their
findings carry source line numbers.
"""
from __future__ import annotations

import re

from newsgen.chars import BIDI_CONTROL_RE, BIDI_CONTROLS, MARKS as BIDI_MARKS
from newsgen.model import FLAG, Finding
from newsgen.rulekit import Doc, Step, char_set, line_starts, triggered_by

# E4: UTF-8 that was read as cp1256 (spec regex) or as Latin-1/cp1252.
_CP1256_MOJIBAKE = re.compile(
    "(?:[\u0637\u0638][\u00a7-\u00bf\u0600-\u06ff\u2018-\u203a\u0152\u0153\u02c6\u0192]){3,}")
_CP1256_TOKEN = re.compile("[^ \t\n]*[\u0637\u0638][^ \t\n]*")
_LATIN1_MOJIBAKE = re.compile(
    "(?:[\u00d8\u00d9\u00da\u00db][\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160"
    "\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]){2,}")
# Fast-path triggers: the rare characters that UTF-8 continuation bytes become in cp1256, and the
# Latin-1 letters that UTF-8 lead bytes of Arabic become.
_CP1256_TRIGGER = (frozenset(bytes(range(0x80, 0xC0)).decode("cp1256"))
                   - frozenset("\u060c\u061b\u061f\u201c\u201d\u2013\u00ab\u00bb"))
_LATIN1_TRIGGER = frozenset("\u00d8\u00d9\u00da\u00db")
# E5
_BREAKS = re.compile("\r\n?|[\u0085\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BREAK_CHARS = frozenset("\r\u0085\u2028\u2029")
_CONTROL_CHARS = char_set("\x00-\x08", "\x0b-\x1f", "\x7f-\x9f")
# B4
_BIDI_CHARS = frozenset(BIDI_CONTROLS)
_OVERRIDES = "\u202d\u202e"
_EMBED_OPEN, _ISOLATE_OPEN = "\u202a\u202b\u202d\u202e", "\u2066\u2067\u2068"


def _repair_cp1256(chunk: str) -> str | None:
    try:
        return chunk.encode("cp1256").decode("utf-8")
    except UnicodeError:
        return None


def _ftfy(text: str) -> str:
    """ftfy with the spec's config (E4). Imported here: loading it costs more than all of newsgen,
    and only Latin-1 mojibake needs it. Never ftfy's defaults: they uncurl “…” in clean text."""
    import ftfy

    return ftfy.fix_text(text, ftfy.TextFixerConfig(uncurl_quotes=False, fix_character_width=False,
                                                    fix_latin_ligatures=False, normalization="NFC"))


def _cp1256_suspect(text: str, doc: Doc) -> bool:
    """ط or ظ (UTF-8 lead bytes D8, D9 in cp1256) right before a continuation-byte character."""
    return any("\u0637" + c in text or "\u0638" + c in text for c in doc.chars(text) & _CP1256_TRIGGER)


@triggered_by(_CP1256_TRIGGER | _LATIN1_TRIGGER)
def mojibake(text: str, doc: Doc) -> Step:
    """E4: repair UTF-8 read as cp1256 (strict round trip) or as Latin-1 (ftfy, spec config)."""
    if _cp1256_suspect(text, doc) and (m := _CP1256_MOJIBAKE.search(text)):
        fixed = _repair_cp1256(text)
        if fixed is None:  # mixed text: repair token by token, keep only strict successes
            fixed = _CP1256_TOKEN.sub(lambda t: _repair_cp1256(t.group()) or t.group(), text)
        if fixed != text:
            note = doc.finding("mojibake-repaired", "E4", "UTF-8 read as cp1256 repaired", text=text, pos=m.start())
            return Step(fixed, (note,))
    if doc.has_any(text, _LATIN1_TRIGGER) and (m := _LATIN1_MOJIBAKE.search(text)):
        fixed = _ftfy(text)
        if fixed != text:
            note = doc.finding("mojibake-repaired", "E4", "UTF-8 read as Latin-1 repaired (ftfy)",
                               text=text, pos=m.start())
            return Step(fixed, (note,))
    return Step(text)


@triggered_by(_BREAK_CHARS)
def line_endings(text: str, doc: Doc) -> Step:
    """E5: CRLF, CR, NEL, LS to LF; PS to a blank line. NEL counts as a C1 control (flagged)."""
    if not doc.has_any(text, _BREAK_CHARS):
        return Step(text)
    found = ()
    if (nel := text.count("\u0085")):
        found = (doc.finding("c1-controls", "E5", f"{nel} NEL (U+0085) control(s): usually mojibake",
                             text=text, pos=text.index("\u0085"), severity=FLAG, count=nel),)
    return Step(_BREAKS.sub(lambda m: "\n\n" if m.group() == "\u2029" else "\n", text), found)


@triggered_by(_CONTROL_CHARS)
def controls(text: str, doc: Doc) -> Step:
    """E5: remove C0 (but TAB, LF), DEL and C1; flag C1, which usually means mojibake."""
    if not doc.has_any(text, _CONTROL_CHARS):
        return Step(text)
    hits = [(m.start(), m.group()) for m in _CONTROLS.finditer(text)]
    c1 = [pos for pos, ch in hits if ch >= "\x80"]
    c0 = [pos for pos, ch in hits if ch < "\x80"]
    found = []
    if c1:
        found.append(doc.finding("c1-controls", "E5", f"{len(c1)} C1 control(s) removed: usually mojibake",
                                 text=text, pos=c1[0], severity=FLAG, count=len(c1)))
    if c0:  # reported too, so every changed article shows why (issue: a finding per damaged source)
        found.append(doc.finding("controls-removed", "E5", f"{len(c0)} C0 control character(s) removed",
                                 text=text, pos=c0[0], count=len(c0)))
    return Step(_CONTROLS.sub("", text), tuple(found))


def _unpaired(line: str) -> int:
    """Unterminated embeddings/isolates and stray PDF/PDI in one paragraph (UAX #9 X1-X8)."""
    stack: list[str] = []
    stray = 0
    for ch in BIDI_CONTROL_RE.findall(line):
        if ch in _EMBED_OPEN or ch in _ISOLATE_OPEN:
            stack.append(ch)
        elif ch == "\u202c":                       # PDF closes an embedding, never an isolate
            if stack and stack[-1] in _EMBED_OPEN:
                stack.pop()
            else:
                stray += 1
        elif ch == "\u2069":                       # PDI closes the isolate and what it holds
            if any(c in _ISOLATE_OPEN for c in stack):
                while stack.pop() not in _ISOLATE_OPEN:
                    stray += 1
            else:
                stray += 1
    return stray + len(stack)


@triggered_by(_BIDI_CHARS)
def bidi_controls(text: str, doc: Doc) -> Step:
    """B1-B3 remove every bidi control; B4 flags overrides and unbalanced paragraphs."""
    if not doc.has_any(text, _BIDI_CHARS):
        return Step(text)
    found: list[Finding] = []
    starts = line_starts(text)
    for i, start in enumerate(starts):
        line = text[start:starts[i + 1] - 1] if i + 1 < len(starts) else text[start:]
        if not BIDI_CONTROL_RE.search(line):
            continue
        if (n := sum(line.count(c) for c in _OVERRIDES)):
            found.append(Finding(code="bidi-override", rule="B4", severity=FLAG, line=doc.first_line + i,
                                 count=n, message=f"{n} LRO/RLO removed: displayed order differed from stored"))
        if (n := _unpaired(line)):
            found.append(Finding(code="bidi-unbalanced", rule="B4", severity=FLAG, line=doc.first_line + i,
                                 count=n, message=f"{n} unpaired embedding/isolate control(s) removed"))
    embeds = [m.start() for m in BIDI_CONTROL_RE.finditer(text) if m.group() not in BIDI_MARKS]
    if embeds:  # balanced ones are harmless, but still a change the report should show (B1, B2)
        found.append(doc.finding("bidi-controls-removed", "B1", f"{len(embeds)} embedding/isolate control(s) "
                                 "removed; direction comes from markup instead", text=text, pos=embeds[0],
                                 count=len(embeds)))
    marks = [m.start() for m in BIDI_CONTROL_RE.finditer(text) if m.group() in BIDI_MARKS]
    if marks:
        found.append(doc.finding("marks-removed", "B3", f"{len(marks)} LRM/RLM/ALM removed",
                                 text=text, pos=marks[0], count=len(marks)))
    return Step(BIDI_CONTROL_RE.sub("", text), tuple(found))
