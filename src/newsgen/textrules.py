"""Character-level display rules: N1, W1-W4, T1, T2, D1 (spec §3, §6, §8, §9).

Every rule keeps one line per source line (only W2-paragraphs, last, re-lays the text), so a
finding's line number is the source line. Each rule starts with a cheap check that skips the work
on clean text.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import chain

from newsgen.rulekit import (LETTERS, MARK_CHARS, MARKS, ORPHAN_MARKS_RE, Doc, Step, char_set, idle_when,
                             matches_at, orphans_possible, triggered_by)

# W3, W4
_INVISIBLE_CHARS = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
_REMOVED = re.compile("[\u2060\ufeff\u00ad\u180e]+")
_JOINER_RUN = re.compile("\u200b+|\u200c+|\u200d+")
_SCRIPT = re.compile(f"[{LETTERS}{MARKS}]")
# T2, W1, W2, T1, D1
_SPACE_CHARS = char_set("\t", "\u00a0", "\u1680", "\u2000-\u200a", "\u202f", "\u205f", "\u3000")
_SPACE_RUN = re.compile(" {2,}")
_LOOSE_PAIRS = frozenset({"  ", " \n", "\n "})
_TATWEELS = re.compile(f"\u0640[{MARKS}\u0640]*")
_LETTER_CHARS = char_set(LETTERS)
_TATWEEL_RUN = re.compile("\u0640{2,}")
# Fast path: T1 changes nothing unless a kashida run is followed by a letter, or two kashidas meet.
_TATWEEL_CHANGE = re.compile(f"\u0640(?:\u0640|[{MARKS}\u0640]*(?=[{LETTERS}]))")
_EXTENDED_CHARS = char_set("\u06f0-\u06f9")
# N1's fast path, by the quick check of UAX #15: a text is NFC when every character is NFC_QC=Yes
# and no combining mark follows one of a higher class. The inert characters below (ccc 0, NFC as
# themselves, never the second of a composition: those with ccc 0 lie in U+0900-U+1FFF and above
# U+10000) and the Arabic harakat other than madda and hamza (which compose with alef) qualify,
# so for a text of them all NFC could do is reorder two adjacent marks.
_MARK_CLASSES = {m: unicodedata.combining(m) for m in MARK_CHARS - frozenset("\u0653\u0654\u0655")
                 if unicodedata.combining(m)}
_OUT_OF_ORDER = {m: re.compile(f"{m}[{''.join(b for b, cb in _MARK_CLASSES.items() if cb < cm)}]")
                 for m, cm in _MARK_CLASSES.items() if min(_MARK_CLASSES.values()) < cm}
_NFC_INERT = frozenset(ch for ch in map(chr, chain(range(0x900), range(0x2000, 0x2C00)))
                       if not unicodedata.combining(ch) and unicodedata.is_normalized("NFC", ch))


def _marks_in_order(text: str, rare: frozenset[str]) -> bool:
    """True when NFC certainly leaves `text` alone (one set difference, a search per mark at most)."""
    marks = rare - _NFC_INERT
    if not marks:
        return True
    if not marks <= _MARK_CLASSES.keys():
        return False
    lowest = min(map(_MARK_CLASSES.__getitem__, marks))   # a mark of this class follows none
    return not any(_MARK_CLASSES[m] > lowest and _OUT_OF_ORDER[m].search(text) for m in marks)


def _nfc_certain(text: str, doc: Doc) -> bool:
    return _marks_in_order(text, doc.chars(text))


@idle_when(_nfc_certain)
def nfc(text: str, doc: Doc) -> Step:
    """N1 (also run last: later removals can leave marks out of canonical order)."""
    if _nfc_certain(text, doc) or unicodedata.is_normalized("NFC", text):
        return Step(text)
    return Step(unicodedata.normalize("NFC", text))


def _joiner(m: re.Match[str]) -> str:
    """W3/W4 for one run of ZWSP, ZWNJ or ZWJ, judged by its neighbours."""
    text, run = m.string, m.group()
    before = text[m.start() - 1] if m.start() else "\n"
    after = text[m.end()] if m.end() < len(text) else "\n"
    if run[0] == "\u200c":   # ZWNJ only between two Arabic-script letters or marks
        keep = bool(_SCRIPT.match(before) and _SCRIPT.match(after))
    elif run[0] == "\u200d":  # ZWJ: not at line start nor after whitespace
        keep = not before.isspace()
    else:                     # ZWSP: not next to whitespace or a line edge
        keep = not before.isspace() and not after.isspace()
    return run[0] if keep else ""


@triggered_by(_INVISIBLE_CHARS)
def invisibles(text: str, doc: Doc) -> Step:
    """W3 joiners and W4 invisible characters, repeated until stable (a removal can expose another)."""
    if not doc.has_any(text, _INVISIBLE_CHARS):
        return Step(text)
    while True:
        fixed = _JOINER_RUN.sub(_joiner, _REMOVED.sub("", text))
        if fixed == text:
            return Step(text)
        text = fixed


def _no_orphans(text: str, doc: Doc) -> bool:
    return not orphans_possible(text, doc)


@triggered_by(MARK_CHARS)
@idle_when(_no_orphans)
def orphan_marks(text: str, doc: Doc) -> Step:
    """T2: a mark at line start or after whitespace would sit on a dotted circle.
    Removing one can leave a joiner after whitespace, and removing that can orphan another mark,
    so T2 and W3/W4 alternate until nothing changes (O3)."""
    if _no_orphans(text, doc):
        return Step(text)
    source, count = text, 0
    while hits := [m.start() for m in ORPHAN_MARKS_RE.finditer(text)]:
        count += len(hits)
        text = invisibles(ORPHAN_MARKS_RE.sub("", text), doc).text
    if not count:
        return Step(text)
    first = ORPHAN_MARKS_RE.search(source)
    note = doc.finding("orphan-marks", "T2", f"{count} orphan mark(s) removed", text=source,
                       pos=first.start() if first else 0, count=count)
    return Step(text, (note,))


@triggered_by(_SPACE_CHARS)
def spaces(text: str, doc: Doc) -> Step:
    """W1: NBSP, the other space characters and TAB become U+0020."""
    for ch in doc.chars(text) & _SPACE_CHARS:   # str.replace per character beats str.translate
        text = text.replace(ch, " ")
    return Step(text)


def _single_spaced(text: str, doc: Doc) -> bool:
    return _LOOSE_PAIRS.isdisjoint(doc.spaced(text)) and not text.startswith(" ") and not text.endswith(" ")


@idle_when(_single_spaced)
def collapse(text: str, doc: Doc) -> Step:
    """W2: one space between words, no space at either end of a line."""
    if _single_spaced(text, doc):
        return Step(text)
    return Step("\n".join(line.strip(" ") for line in _SPACE_RUN.sub(" ", text).split("\n")))


def _tatweel_run(m: re.Match[str]) -> str:
    """Between two letters (marks may come between) a kashida goes, keeping its marks; else collapse."""
    text, end, i = m.string, m.end(), m.start() - 1
    while i >= 0 and text[i] in MARK_CHARS:
        i -= 1
    if i >= 0 and text[i] in _LETTER_CHARS and end < len(text) and text[end] in _LETTER_CHARS:
        return m.group().replace("\u0640", "")
    return _TATWEEL_RUN.sub("\u0640", m.group())


@triggered_by(frozenset("\u0640"))
def tatweel(text: str, doc: Doc) -> Step:
    """T1: drop kashida between letters (its marks stay on the letter before); collapse runs."""
    if "\u0640" not in doc.chars(text) or not matches_at(_TATWEEL_CHANGE, text, "\u0640"):
        return Step(text)
    return Step(_TATWEELS.sub(_tatweel_run, text))


@triggered_by(_EXTENDED_CHARS)
def digits(text: str, doc: Doc) -> Step:
    """D1: Extended (Persian) digits to Arabic-Indic; ASCII digits are never touched."""
    for ch in doc.chars(text) & _EXTENDED_CHARS:
        text = text.replace(ch, chr(ord(ch) - 0x90))   # U+06F0.. to U+0660..
    return Step(text)


def _one_line(text: str, doc: Doc) -> bool:
    return "\n" not in text   # then the join below gives `text` back (a title)


@idle_when(_one_line)
def paragraphs(text: str, doc: Doc) -> Step:
    """W2: every non-empty line is a paragraph; paragraphs are separated by one blank line."""
    return Step("\n\n".join(filter(None, text.split("\n"))))
