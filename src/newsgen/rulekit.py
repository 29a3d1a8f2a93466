"""What the display-text rules share: the per-call context, the step result, character classes.

A rule is a small pure function `rule(text, doc) -> Step` (see normalize.RULES). It never sees
global mutable state: everything it needs about the document travels in `Doc`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, NamedTuple

from newsgen.chars import ARABIC_LETTER_CLASS, ARABIC_MARKS_CLASS
from newsgen.model import INFO, Finding

# Letters of any Arabic-script language (base block, Supplement, Extended-A); used where the spec
# says "Arabic-script letter" (W3) or "Arabic letter" (T1, U1, V).
LETTERS = ARABIC_LETTER_CLASS + "\u0620\u066e\u066f\u0750-\u077f\u08a0-\u08c9"
MARKS = ARABIC_MARKS_CLASS
# Positional presentation forms live in these two blocks (spec P1, V1).
FORMS_CLASS = "\ufb50-\ufdff\ufe70-\ufefc"
# U2: punctuation that takes no space before it.
CLOSING_PUNCT = "\u060c\u061b\u061f!.:,;)]}\u00bb"

ORDERS = ("logical", "visual", "undecided")
# T2: a mark at line start or after whitespace (it would sit on a dotted circle).
ORPHAN_MARKS_RE = re.compile(f"(?:^|(?<=\\s))[{MARKS}]+", re.M)

# Characters of ordinary Arabic copy that no rule's fast path looks for. Everything else is
# "rare": rules skip their work when none of their characters is among a text's rare ones.
# Left out on purpose, so that a set test finds them: U1's , ; ? and U2's ( [ { « ؛ (and U3's »).
_COMMON_ASCII = "".join(re.escape(chr(c)) for c in range(0x20, 0x7F) if chr(c) not in ",;?([{")
_COMMON_RUNS = re.compile(f"[\n{_COMMON_ASCII}\u0621-\u063a\u0641-\u064a\u060c\u061f\u201c\u201d\u2013]+")
# What follows a space or a line break, where W2 (spaces), U2 (space before punctuation) or T2
# (orphan marks) has work to do. One regex pass each; clean copy has no match at all.
_AFTER_SPACE = re.compile(f" [ \n{re.escape(CLOSING_PUNCT)}{MARKS}]")
_AFTER_BREAK = re.compile(f"\n[ {MARKS}]")


def rare_chars(text: str) -> frozenset[str]:
    """The distinct uncommon characters of `text` (one regex pass; a set of the whole text is slower)."""
    return frozenset(_COMMON_RUNS.sub("", text))


def space_pairs(text: str) -> frozenset[str]:
    """The distinct pairs (a space or LF, then a space, LF, closing punctuation or mark) in `text`.
    They are read without overlap, so in "  x" the pair " x" hides behind "  ": a double space
    stands for any pair, and a rule that finds one looks in the text itself."""
    return frozenset(_AFTER_SPACE.findall(text)).union(_AFTER_BREAK.findall(text))


def char_set(*ranges: str) -> frozenset[str]:
    """Characters of regex-style ranges, e.g. char_set("\u0610-\u061a", "\u0670")."""
    out: set[str] = set()
    for item in ranges:
        for a, b in re.findall("(.)(?:-(.))?", item, re.S):
            out.update(map(chr, range(ord(a), ord(b or a) + 1)))
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Doc:
    """What a rule may know about the text it is given."""

    first_line: int = 1        # source line number of the text's first line
    order: str | None = None   # "logical" | "visual" | "undecided"; None until V1/V2 decide
    # A superset of rare_chars(text), kept by normalize() so each rule's fast path is a set test;
    # None: computed from the text on demand (a rule called on its own).
    rare: frozenset[str] | None = None
    # A superset of space_pairs(text), kept like `rare`; None: computed on demand.
    pairs: frozenset[str] | None = None

    def chars(self, text: str) -> frozenset[str]:
        """The rare characters `text` may hold (a superset of rare_chars(text))."""
        return self.rare if self.rare is not None else rare_chars(text)

    def spaced(self, text: str) -> frozenset[str]:
        """The space pairs `text` may hold (a superset of space_pairs(text))."""
        return self.pairs if self.pairs is not None else space_pairs(text)

    def has_any(self, text: str, chars: frozenset[str]) -> bool:
        """Might `text` hold one of `chars` (all of them rare)? False means certainly not."""
        return not chars.isdisjoint(self.chars(text))

    def line(self, text: str, pos: int) -> int:
        """Source line of `text[pos]`. Rules before W2-paragraphs keep one line per source line."""
        return self.first_line + text.count("\n", 0, pos)

    def finding(self, code: str, rule: str, message: str, *, text: str, pos: int,
                severity: str = INFO, count: int = 1) -> Finding:
        return Finding(code=code, rule=rule, message=message, severity=severity,
                       line=self.line(text, pos), count=count)


class Step(NamedTuple):
    """A rule's result: the new text, what it found or changed, and (V1/V2 only) the order."""

    text: str
    findings: tuple[Finding, ...] = ()
    order: str | None = None


Rule = Callable[[str, Doc], Step]


def triggered_by(chars: frozenset[str]) -> Callable[[Rule], Rule]:
    """Mark a rule that changes and reports nothing unless its text holds one of `chars` (all rare).
    normalize() then skips it with one set test, without the call; the rule still checks itself."""
    def mark(rule: Rule) -> Rule:
        rule.trigger = frozenset(chars)   # type: ignore[attr-defined]
        return rule
    return mark


def idle_when(test: Callable[[str, Doc], bool]) -> Callable[[Rule], Rule]:
    """Mark a rule that changes and reports nothing when `test(text, doc)` holds (its fast path).
    normalize() then calls the test alone, which spares the rule's call and its Step."""
    def mark(rule: Rule) -> Rule:
        rule.idle = test   # type: ignore[attr-defined]
        return rule
    return mark


def matches_at(regex: re.Pattern[str], text: str, char: str, tries: int = 8) -> list[re.Match[str]]:
    """regex.finditer(text), for a regex that only matches at `char`, a character the text holds
    few of: str.find jumps to each (memchr) where SRE steps through every character. After
    `tries` such jumps SRE scans the rest itself."""
    found = []
    pos = text.find(char)
    while pos != -1:
        if not tries:
            return found + list(regex.finditer(text, pos))
        tries -= 1
        if match := regex.match(text, pos):
            found.append(match)
            pos = text.find(char, match.end())
        else:
            pos = text.find(char, pos + 1)
    return found


def line_starts(text: str) -> list[int]:
    """Offsets of every line start, for rules that report per line."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


MARK_CHARS = char_set(MARKS)
_SPACE_CHARS = char_set("\t\n\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000")


def orphans_possible(text: str, doc: Doc) -> bool:
    """Some mark may sit at the start or right after a whitespace character (set tests first)."""
    rare = doc.chars(text)
    marks = rare & MARK_CHARS
    if not marks:
        return False
    pairs = doc.spaced(text)
    if rare.isdisjoint(_SPACE_CHARS) and "  " not in pairs:   # only spaces and LF: the pairs tell
        return text[:1] in marks or any(pair[1] in marks for pair in pairs)
    before = (rare & _SPACE_CHARS) | {" ", "\n"}
    return any(text.startswith(m) or any(w + m in text for w in before) for m in marks)
