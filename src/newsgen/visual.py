"""Visually ordered ("reversed") Arabic (spec V1-V5): decide the order per document, restore lines.

Votes are read from an evidence view that later rules cannot change (no bidi controls, joiners or
orphan marks; hamza and madda composed; presentation forms as letters for V2). A second run of
the pipeline therefore reads the votes the first run read, which keeps O3.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import NamedTuple

from newsgen.chars import BIDI_CONTROLS
from newsgen.forms import FORM_CHARS, FORMS_RE, JOINING, to_letters
from newsgen.model import FLAG, INFO, Finding
from newsgen.restore import restore_line
from newsgen.rulekit import FORMS_CLASS, LETTERS, MARKS, ORPHAN_MARKS_RE, Doc, Step, idle_when, orphans_possible

_FORM_WORD = re.compile(f"[{FORMS_CLASS}]+")
_LOGICAL_PAIRS = frozenset({("I", "M"), ("I", "F"), ("M", "F")})
_VISUAL_PAIRS = frozenset({("F", "M"), ("F", "I"), ("M", "I")})

# V2 signals, each counted on its own (reproduces the spec's sample scores, 276:1). Every pattern
# starts with a literal so the regex engine skips ahead fast; word boundaries are lookarounds.
_W = f"[{LETTERS}{MARKS}\u0640]"
_V2_VISUAL = tuple(re.compile(p) for p in (
    f"\u0629(?<!{_W}\u0629)", f"\u0649(?<!{_W}\u0649)",        # teh marbuta / alef maksura first
    f"\u0644\u0627(?!{_W})(?<={_W}{_W}\u0644\u0627)"))          # ends in lam-alef, > 3 letters
_V2_LOGICAL = tuple(re.compile(p) for p in (
    f"\u0629(?!{_W})", f"\u0649(?!{_W})",                         # teh marbuta / alef maksura last
    f"\u0627\u0644(?={_W}{_W})(?<!{_W}\u0627\u0644)"))          # starts with the article, > 3 letters
_ARABIC = re.compile(f"[{LETTERS}{FORMS_CLASS}]")
_REMOVED_LATER = BIDI_CONTROLS + "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"   # by B1-B3, W3, W4
_REMOVED_CHARS = frozenset(_REMOVED_LATER)
_REMOVED_RE = re.compile(f"[{_REMOVED_LATER}]+")
_COMPOSING = frozenset("\u0653\u0654\u0655")   # madda, hamza above/below: N1 composes them


class Evidence(NamedTuple):
    order: str      # "logical" | "visual" | "undecided"
    logical: int
    visual: int
    method: str     # "joining-forms" | "letter-positions"
    forms: bool     # the text holds presentation forms


def _decide(logical: int, visual: int, minimum: int) -> str:
    total = logical + visual
    if total >= minimum and max(logical, visual) >= 0.9 * total:
        return "logical" if logical > visual else "visual"
    return "undecided"


def _form_votes(text: str) -> tuple[int, int]:
    """V1: each shaped word votes for the side with more joining pairs."""
    logical = visual = 0
    for m in _FORM_WORD.finditer(text):
        kinds = [JOINING[ord(c)] for c in m.group() if ord(c) in JOINING]
        pairs = list(zip(kinds, kinds[1:]))
        lg = sum(p in _LOGICAL_PAIRS for p in pairs)
        vs = sum(p in _VISUAL_PAIRS for p in pairs)
        logical += lg > vs
        visual += vs > lg
    return logical, visual


def _letter_votes(text: str) -> tuple[int, int]:
    """V2 votes. Logical votes are counted only as far as the decision needs (fast path)."""
    visual = sum(len(r.findall(text)) for r in _V2_VISUAL)
    need = max(9 * visual, 5 - visual, 1)
    logical = 0
    for regex in _V2_LOGICAL:
        for _ in regex.finditer(text):
            logical += 1
            if logical >= need:
                return logical, visual
    return logical, visual


def evidence_view(text: str, doc: Doc) -> str:
    """`text` without what B, W3/W4 and T2 remove, with what N1 composes composed."""
    rare = doc.chars(text)
    if not _REMOVED_CHARS.isdisjoint(rare):
        text = _REMOVED_RE.sub("", text)
        doc = replace(doc, pairs=None)   # a removal can put a mark right after a space
    if not _COMPOSING.isdisjoint(rare):
        text = unicodedata.normalize("NFC", text)
        doc = replace(doc, pairs=None)
    if orphans_possible(text, doc):
        text = ORPHAN_MARKS_RE.sub("", text)
    return text


def detect_order(text: str, doc: Doc | None = None) -> Evidence:
    """V1 when at least two shaped words vote, else V2 on the letters."""
    doc = doc or Doc()
    view = evidence_view(text, doc)
    forms = doc.has_any(text, FORM_CHARS) and FORMS_RE.search(view) is not None
    logical, visual = _letter_votes(to_letters(view) if forms else view)
    by_letters = Evidence(_decide(logical, visual, 5), logical, visual, "letter-positions", forms)
    if forms:
        logical, visual = _form_votes(view)
        # A second run sees letters only: when they say "visual", so must the first run (O3).
        if logical + visual >= 2 and by_letters.order != "visual":
            return Evidence(_decide(logical, visual, 2), logical, visual, "joining-forms", True)
    return by_letters


def _order_given(text: str, doc: Doc) -> bool:
    return doc.order is not None


@idle_when(_order_given)
def order_rule(text: str, doc: Doc) -> Step:
    """V1, V2, V5: decide the document's order unless the caller gave it (titles inherit it)."""
    if _order_given(text, doc):
        return Step(text)
    ev = detect_order(text, doc)
    found: tuple[Finding, ...] = ()
    if ev.order == "undecided" and (ev.forms or ev.visual):
        found = (doc.finding("order-undecided", "V5",
                             f"order undecided ({ev.method}: {ev.logical} logical, {ev.visual} visual votes); "
                             "text left in stored order", text=text, pos=0, severity=FLAG),)
    return Step(text, found, ev.order)


def _reads_logical(line: str, doc: Doc) -> bool:
    """A line whose own evidence is logical stays as it is."""
    view = evidence_view(line, doc)
    logical, visual = _form_votes(view)
    if not logical + visual:  # no shaped word votes: letters decide
        logical, visual = _letter_votes(to_letters(view))
    return logical > visual


def _unverified(line: int, message: str) -> Finding:
    return Finding(code="visual-unverified", rule="V3", severity=FLAG, line=line, message=message)


def _not_visual(text: str, doc: Doc) -> bool:
    return doc.order != "visual"


@idle_when(_not_visual)
def restore_rule(text: str, doc: Doc) -> Step:
    """V3, V4: restore every visual line with Arabic letters, line by line, in place.

    The result is kept only if a second run would not call it visual again (O3); otherwise, or
    when no line could be restored, the text stays as stored and the order becomes "undecided"."""
    if _not_visual(text, doc):
        return Step(text)
    lines = text.split("\n")
    found: list[Finding] = []
    for i, line in enumerate(lines):
        if not _ARABIC.search(line):
            continue
        candidate, ambiguous = (None, False) if _reads_logical(line, doc) else restore_line(line)
        if candidate is None:
            found.append(_unverified(doc.first_line + i, "visual line could not be restored and verified"))
            continue
        lines[i] = candidate
        if ambiguous:
            found.append(Finding(code="needs-review", rule="V3", severity=FLAG, line=doc.first_line + i,
                                 message="Latin text next to a number: restored order is ambiguous"))
    restored = sum(a != b for a, b in zip(lines, text.split("\n")))
    result = "\n".join(lines)
    view = evidence_view(result, replace(doc, pairs=None))   # reversed lines: other space pairs
    if not restored or _decide(*_letter_votes(to_letters(view)), 5) == "visual":
        found.append(_unverified(doc.first_line, "visual order not restored: text left as stored"))
        return Step(text, tuple(f for f in found if f.code == "visual-unverified"), "undecided")
    found.insert(0, Finding(code="order", rule="V3", line=doc.first_line, count=restored,
                            message=f"visual order restored on {restored} line(s)", severity=INFO))
    return Step(result, tuple(found))
