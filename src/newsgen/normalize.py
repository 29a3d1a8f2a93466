"""Display-text normalizer: decoded text in, DISPLAY TEXT out (spec §1, rules E4-U3, findings §12).

The pipeline is the ordered tuple RULES of small pure functions `rule(text, doc) -> Step`, run in
the normative order of spec §1. Each rule returns the new text and what it changed or flagged.
`normalize(normalize(x).text).text == normalize(x).text` for every input (O3).

Use: the loader passes the body (order=None: decided per document, V1/V2), then the title with
`order=` the body's decision (titles never decide alone, V5). Never pass the `date …` header line,
template output or CLDR-formatted dates (O2).

Line numbers: findings give `first_line` + the number of line breaks before the spot, counted
after E5 (LF, CRLF, lone CR, NEL and LS are one break each; PS becomes a blank line, so two).
Split the header off at the first LF and pass first_line=2 for the body.

Speed: most rules change nothing in ordinary copy, and proving that is most of the cost. Two
regex passes per text (rulekit.rare_chars, space_pairs) tell which uncommon characters and which
space pairs it holds; a rule marked with a trigger set or an idle test (rulekit.triggered_by,
idle_when) is then skipped without being called. A text a rule changed is scanned again.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from newsgen import controls, forms, punctuation, textrules, visual
from newsgen.model import Finding
from newsgen.rulekit import ORDERS, Doc, Rule, Step, rare_chars, space_pairs

__all__ = ["Normalized", "RULES", "Doc", "Step", "Rule", "get_rule", "normalize"]


@dataclass(frozen=True, slots=True)
class Normalized:
    """The display text, the order decision to hand to the title, and the findings (spec §12)."""

    text: str                      # display text: LF lines, one paragraph per non-empty line, blank line between
    order: str                     # "logical" | "visual" (found visual and restored) | "undecided" (left as stored)
    findings: tuple[Finding, ...]


RULES: tuple[tuple[str, Rule], ...] = (
    ("E4-mojibake", controls.mojibake),
    ("E5-line-endings", controls.line_endings),
    ("E5-controls", controls.controls),
    ("V1-V2-order", visual.order_rule),            # O1: order before presentation forms
    ("V3-restore", visual.restore_rule),
    ("P1-positional-forms", forms.positional_forms),
    ("P2-lam-alef", forms.lam_alef),
    ("P3-allah-ligature", forms.allah_ligature),
    ("N1-nfc", textrules.nfc),
    ("B1-B4-bidi-controls", controls.bidi_controls),
    ("W3-W4-invisibles", textrules.invisibles),
    ("T2-orphan-marks", textrules.orphan_marks),
    ("W1-spaces", textrules.spaces),
    ("W2-collapse", textrules.collapse),
    ("T1-tatweel", textrules.tatweel),
    ("D1-digits", textrules.digits),
    ("U1-arabic-punctuation", punctuation.arabic_punctuation),
    ("U2-spacing", punctuation.spacing),
    ("U3-quotes", punctuation.quotes),
    ("N1-nfc-final", textrules.nfc),                # T1/W removals can leave marks unordered
    ("W2-paragraphs", textrules.paragraphs),        # last: earlier findings keep source lines
)
_NAMES = frozenset(name for name, _ in RULES)
# (name, rule, trigger, idle): normalize() skips a rule without calling it when the text holds
# none of its trigger characters, or when its idle test holds (rulekit.triggered_by, idle_when).
_STEPS = tuple((name, rule, getattr(rule, "trigger", None), getattr(rule, "idle", None))
               for name, rule in RULES)
# Rules whose output holds no rare character and no space pair its input did not: after the
# others, a changed text is scanned again (Doc.rare and Doc.pairs must stay supersets).
_KEEPS_SCAN = frozenset({"U3-quotes", "W2-paragraphs"})
# N1-final repeats N1, which is idempotent: it has nothing to do while the text is what N1 left,
# or was changed since only by rules that never put a mark next to another (U3 swaps ” for “).
_KEEPS_NFC = frozenset({"U3-quotes"})
_MOJIBAKE_TRIGGER: frozenset[str] = controls.mojibake.trigger   # type: ignore[attr-defined]


def _check_names(names: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(names)
    if unknown := chosen - _NAMES:
        raise ValueError(f"unknown normalizer rule(s): {', '.join(sorted(unknown))}")
    return chosen


def get_rule(name: str) -> Rule:
    """The rule function called `name`; ValueError for a name not in RULES."""
    _check_names((name,))
    return dict(RULES)[name]


def _scanned(text: str, first_line: int, order: str | None) -> Doc:
    return Doc(first_line=first_line, order=order, rare=rare_chars(text), pairs=space_pairs(text))


def _run(text: str, doc: Doc, skip: frozenset[str]) -> tuple[str, Doc, list[Finding], bool]:
    """One pass of RULES: (text, final doc, findings, whether V1/V2 called the text visual)."""
    findings: list[Finding] = []
    visual = False
    rare = doc.chars(text)
    nfc = None   # the text as N1 left it, while only _KEEPS_NFC rules changed it since
    for name, rule, trigger, idle in _STEPS:
        if (trigger is not None and trigger.isdisjoint(rare)) or name in skip:
            continue
        if name == "N1-nfc-final" and text is nfc:
            continue
        if idle and idle(text, doc):
            if name == "N1-nfc":
                nfc = text
            continue
        step: Step = rule(text, doc)
        if name == "N1-nfc" or (text is nfc and name in _KEEPS_NFC):
            nfc = step.text
        if step.text is not text and name not in _KEEPS_SCAN and step.text != text:
            doc = _scanned(step.text, doc.first_line, doc.order)
            rare = doc.chars(step.text)
        text = step.text
        if step.findings:
            findings.extend(step.findings)
        if step.order is not None:
            doc = Doc(first_line=doc.first_line, order=step.order, rare=doc.rare, pairs=doc.pairs)
            visual = visual or step.order == "visual"
    return text, doc, findings, visual


def _settles(text: str, doc: Doc, skip: frozenset[str], visual: bool) -> bool:
    """Would another pass leave `text` alone? Two things can change on a second pass: a mojibake
    sequence that controls had split (joined by B/W removals), and a visual line whose restoration
    depended on characters removed later. The first is tested directly, the second by rerunning."""
    mojibake = ("E4-mojibake" not in skip and doc.has_any(text, _MOJIBAKE_TRIGGER)
                and controls.mojibake(text, doc).text != text)
    return not (mojibake or visual)


def normalize(text: str, *, order: str | None = None, first_line: int = 1,
              disable: Iterable[str] = ()) -> Normalized:
    """Run RULES over `text` (a whole body, or one title line).

    order: None to decide per document (V1/V2), or the body's decision when normalizing its title.
    first_line: source line number of the text's first line; findings carry source line numbers.
    disable: names of RULES to skip (e.g. the optional "U3-quotes" fix); unknown names: ValueError.
    """
    if order is not None and order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS} or None, not {order!r}")
    skip = _check_names(disable) if disable else frozenset()
    text, doc, findings, visual = _run(text, _scanned(text, first_line, order), skip)
    decided = doc.order or "undecided"
    # O3: rerun until nothing changes (rare: mojibake or visual text only). A title whose order was
    # given is not reversed twice: its reruns see "logical" once it has been restored.
    again_order = None if order is None else "logical" if order == "visual" else order
    for _ in range(3):
        if _settles(text, doc, skip, visual and order is None):
            break
        more_text, doc, more, visual = _run(text, _scanned(text, first_line, again_order), skip)
        if more_text == text:
            break
        text = more_text
        findings += [replace(f, line=None) for f in more]   # lines of a rerun are not source lines
        decided = "visual" if doc.order == "visual" or decided == "visual" else decided
    return Normalized(text=text, order=decided, findings=tuple(findings))
