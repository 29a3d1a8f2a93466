"""Arabic punctuation and quotes in display text (spec U1-U3)."""
from __future__ import annotations

import re
from collections.abc import Container
from itertools import compress, count, repeat
from operator import mod, ne

from newsgen.model import FLAG, Finding
from newsgen.rulekit import (CLOSING_PUNCT, LETTERS, MARKS, Doc, Step, char_set, idle_when, matches_at,
                             triggered_by)

# U1: a Latin , ; ? after an Arabic letter or mark (spaces may come between).
_U1_PUNCT = re.compile("[,;?]")
_LETTER_CHARS = char_set(LETTERS)
_SCRIPT_CHARS = _LETTER_CHARS | char_set(MARKS)
_ARABIC_PUNCT = {"?": "\u061f", ",": "\u060c", ";": "\u061b"}
_U1_CHARS = frozenset(_ARABIC_PUNCT)
_URL = re.compile(r"(?:https?://|www\.)\S+")
# U2: one literal-first pattern per character, tried only when its pair of characters occurs
# (Doc.pairs holds the " x" with x closing punctuation; the opening brackets and ؛ are rare).
_SPACE_BEFORE = tuple((" " + c, re.compile(" +" + re.escape(c)), c) for c in CLOSING_PUNCT)
_SPACE_AFTER = tuple((c + " ", re.compile(re.escape(c) + " +"), c) for c in "([{\u00ab")
_SPACE_BEFORE_PAIRS = frozenset(pair for pair, _, _ in _SPACE_BEFORE)
_OPENERS = frozenset(char for _, _, char in _SPACE_AFTER)
_COMMA_LETTER = re.compile("\u060c(?=[^\\W\\d_])")
_SEMICOLON_LETTER = re.compile("\u061b(?=[^\\W\\d_])")
# U3: which curly mark opens quotes in this document (AFP/English “…” or CLDR ar ”…“)? A mark is in
# an opening slot after whitespace or an opening bracket/dash, in a closing slot before whitespace
# or punctuation. Literal-first patterns, matched on "\n" + text + "\n" so edges need no anchors.
_OPENS = "[\\s(\\[{\u00ab/\u2013\u2014-]"
_CLOSES = "[\\s.,:;!?\u060c\u061b\u061f)\\]}\u00bb\u2026\u2013\u2014-]"
_ENGLISH = (re.compile(f"\u201c(?=\\S)(?<={_OPENS}\u201c)"), re.compile(f"\u201d(?={_CLOSES})(?<=\\S\u201d)"))
_CLDR = (re.compile(f"\u201d(?=\\S)(?<={_OPENS}\u201d)"), re.compile(f"\u201c(?={_CLOSES})(?<=\\S\u201c)"))
_MISQUOTE = re.compile(f"\u0640\u201d(?=[{LETTERS}])(?<=[{LETTERS}{MARKS}]\u0640\u201d)")
_GUILLEMETS = frozenset("\u00ab\u00bb")


def _in_url(text: str) -> list[tuple[int, int]]:
    if "://" not in text and "www." not in text:
        return []
    return [m.span() for m in _URL.finditer(text)]


@triggered_by(frozenset(",;?"))
def arabic_punctuation(text: str, doc: Doc) -> Step:
    """U1: Latin , ; ? in Arabic context to ، ؛ ؟; never inside URLs or numbers (1,5)."""
    if not doc.has_any(text, _U1_CHARS):
        return Step(text)
    urls = _in_url(text)

    def swap(m: re.Match[str]) -> str:
        punct, i, j = m.group(), m.start() - 1, m.end()
        while i >= 0 and text[i] == " ":
            i -= 1
        while j < len(text) and text[j] == " ":
            j += 1
        if i < 0 or text[i] not in _SCRIPT_CHARS or any(a <= m.start() < b for a, b in urls):
            return punct
        if punct != "?" and (j == len(text) or text[j] not in _LETTER_CHARS):
            return punct
        return _ARABIC_PUNCT[punct]

    return Step(_U1_PUNCT.sub(swap, text))


def _spaced_right(text: str, doc: Doc) -> bool:
    """U2 has nothing to do (its fast path: set tests, then at most two literal-first searches)."""
    rare, pairs = doc.chars(text), doc.spaced(text)
    return ("  " not in pairs and _SPACE_BEFORE_PAIRS.isdisjoint(pairs) and _OPENERS.isdisjoint(rare)
            and ("\u060c" not in text or not _COMMA_LETTER.search(text))
            and ("\u061b" not in rare or not _SEMICOLON_LETTER.search(text)))


@idle_when(_spaced_right)
def spacing(text: str, doc: Doc) -> Step:
    """U2: no space before closing punctuation, none after an opening bracket, one after ، ؛."""
    pairs, rare = doc.spaced(text), doc.chars(text)
    # A pair may hide behind a double space (left when W2-collapse is disabled): then ask the text.
    holder: Container[str] = text if "  " in pairs else pairs
    for pair, regex, char in _SPACE_BEFORE:   # removing spaces before one of them adds no pair
        if pair in holder:
            text = regex.sub(char, text)
    for pair, regex, char in _SPACE_AFTER:
        if char in rare and pair in text:
            text = regex.sub(char, text)
    if "\u060c" in text:
        text = _COMMA_LETTER.sub("\u060c ", text)
    if "\u061b" in rare:
        text = _SEMICOLON_LETTER.sub("\u061b ", text)
    return Step(text)


def _opens_with_201c(text: str) -> bool:
    """The document opens quotes with U+201C and never uses the CLDR ar order ”…“.
    (A misquote `ـ”letter` sits in neither slot, so it does not count.)"""
    framed = "\n" + text + "\n"
    return any(r.search(framed) for r in _ENGLISH) and not any(r.search(framed) for r in _CLDR)


def _unbalanced(text: str, doc: Doc) -> list[Finding]:
    """Lines (paragraphs) whose quotation marks do not pair up. Only the kinds present are counted,
    per line with map() and compared with compress(): C loops, no Python loop over the lines."""
    lines = text.split("\n")
    numbers = list(compress(count(), lines))   # empty lines hold no quotes: count the others only
    lines = list(filter(None, lines))
    bad: set[int] = set()
    kinds = [("\u201c", "\u201d")] + ([("\u00ab", "\u00bb")] if doc.has_any(text, _GUILLEMETS) else [])
    for o, c in kinds:
        opened, closed = list(map(str.count, lines, repeat(o))), list(map(str.count, lines, repeat(c)))
        if opened != closed:
            bad.update(compress(numbers, map(ne, opened, closed)))
    if '"' in text:
        bad.update(compress(numbers, map(mod, map(str.count, lines, repeat('"')), repeat(2))))
    return [Finding(code="quotes-unbalanced", rule="U3", severity=FLAG, line=doc.first_line + i,
                    message="quotation marks do not pair up in this paragraph") for i in sorted(bad)]


def _unquoted(text: str, doc: Doc) -> bool:
    """No quotation mark at all: U3 has nothing to do (one memchr per mark, a set test for « »)."""
    return '"' not in text and "\u201c" not in text and "\u201d" not in text and _GUILLEMETS.isdisjoint(doc.chars(text))


def _with_openers(text: str, spots: list[int]) -> str:
    """`text` with the ” at each of `spots` turned into “ (what _MISQUOTE.sub would do)."""
    parts, last = [], 0
    for spot in spots:
        parts += (text[last:spot], "\u201c")
        last = spot + 1
    return "".join(parts) + text[last:]


@idle_when(_unquoted)
def quotes(text: str, doc: Doc) -> Step:
    """U3: styles are kept; `بـ”كلمة` becomes `بـ“كلمة` in a “…” document; unbalanced quotes are flagged."""
    if _unquoted(text, doc):
        return Step(text)
    found: list[Finding] = []
    kashida = "\u0640" in doc.chars(text)   # a misquote `ـ”letter` starts with one: they are rare
    spots = [m.start() + 1 for m in matches_at(_MISQUOTE, text, "\u0640")] if kashida else []
    if spots and _opens_with_201c(text):
        found = [doc.finding("quote-fixed", "U3", "closing mark ” used as opener after ـ: now “",
                             text=text, pos=spot) for spot in spots]
        text = _with_openers(text, spots)
    return Step(text, tuple(found + _unbalanced(text, doc)))
