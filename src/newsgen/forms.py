"""Arabic presentation forms (spec P1-P3): tables built once from the Unicode names.

Only called after the order is known (O1): lam-alef decomposes correctly only in logical order.
"""
from __future__ import annotations

import re
import unicodedata
from itertools import chain

from newsgen.model import INFO
from newsgen.rulekit import FORMS_CLASS, Doc, Step, char_set, triggered_by

_SUFFIXES = {"ISOLATED FORM": "S", "INITIAL FORM": "I", "MEDIAL FORM": "M", "FINAL FORM": "F"}
_WORD_LIGATURES = range(0xFDF0, 0xFDFE)      # P3: kept for display, except U+FDF2
_LAM_ALEF = range(0xFEF5, 0xFEFD)            # P2
# Harakat forms and mark ligatures: NFKC puts a SPACE or TATWEEL in front (vector P-06).
_MARK_FORMS = frozenset(chain(range(0xFE70, 0xFE80), range(0xFC5E, 0xFC64), range(0xFCF2, 0xFCF5)))
ALLAH = "\u0627\u0644\u0644\u0647"


def _tables() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """(P1 map, P2 map, joining type of every positional letter form: S/I/M/F)."""
    p1: dict[int, str] = {}
    p2: dict[int, str] = {}
    joining: dict[int, str] = {}
    for cp in chain(range(0xFB50, 0xFE00), range(0xFE70, 0xFEFD)):
        name = unicodedata.name(chr(cp), "")
        kind = next((k for s, k in _SUFFIXES.items() if name.endswith(s)), None)
        if kind is None or cp in _WORD_LIGATURES:
            continue
        mapped = unicodedata.normalize("NFKC", chr(cp))
        if cp in _MARK_FORMS:
            mapped = mapped.replace(" ", "").replace("\u0640", "")
        else:
            joining[cp] = kind       # marks do not join, so they carry no order evidence (V1)
        (p2 if cp in _LAM_ALEF else p1)[cp] = mapped
    return p1, p2, joining


P1_MAP, P2_MAP, JOINING = _tables()
P3_MAP = {0xFDF2: ALLAH}
PRESENTATION = {**P1_MAP, **P2_MAP, **P3_MAP}
FORMS_RE = re.compile(f"[{FORMS_CLASS}]")
FORM_CHARS = char_set(FORMS_CLASS)
_P2_CHARS = frozenset(map(chr, P2_MAP))
POSITIONAL_RE = re.compile("[" + "".join(map(chr, sorted({**P1_MAP, **P2_MAP}))) + "]")
_P1_RE = re.compile("[" + "".join(map(chr, sorted(P1_MAP))) + "]")
_P2_RE = re.compile("[" + "".join(map(chr, sorted(P2_MAP))) + "]")


def to_letters(text: str) -> str:
    """Every positional form (and U+FDF2) to base letters, for evidence counting (V2)."""
    return text.translate(PRESENTATION)


def _band(count: int) -> str:
    # arabic-lint's bands: a stray form, a partly shaped text, a reshaped text.
    return "stray" if count == 1 else "partial" if count < 5 else "reshaped"


@triggered_by(FORM_CHARS)
def positional_forms(text: str, doc: Doc) -> Step:
    """P1: positional forms to base letters (harakat forms to bare marks). Reports P1-P3 together."""
    if not doc.has_any(text, FORM_CHARS):
        return Step(text)
    hits = [m.start() for m in POSITIONAL_RE.finditer(text)]
    hits += [m.start() for m in re.finditer("\ufdf2", text)]
    if not hits:
        return Step(text)
    finding = doc.finding("presentation-forms", "P1",
                          f"{len(hits)} presentation form(s) mapped to letters ({_band(len(hits))})",
                          text=text, pos=min(hits), severity=INFO, count=len(hits))
    return Step(_P1_RE.sub(lambda m: P1_MAP[ord(m.group())], text), (finding,))


@triggered_by(_P2_CHARS)
def lam_alef(text: str, doc: Doc) -> Step:
    """P2: lam-alef ligatures to lam + alef; safe only because V ran first."""
    if not doc.has_any(text, _P2_CHARS):
        return Step(text)
    return Step(_P2_RE.sub(lambda m: P2_MAP[ord(m.group())], text))


@triggered_by(frozenset("\ufdf2"))
def allah_ligature(text: str, doc: Doc) -> Step:
    """P3: U+FDF2 is a shaping artefact of arabic_reshaper; the other word ligatures stay."""
    if "\ufdf2" not in doc.chars(text):
        return Step(text)
    return Step(text.replace("\ufdf2", ALLAH))
