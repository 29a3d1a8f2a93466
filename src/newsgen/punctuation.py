"""Arabic punctuation and quotes in display text (spec U1-U3)."""
from __future__ import annotations

import re

from newsgen.model import FLAG, Finding
from newsgen.rulekit import LETTERS, MARKS, Doc, Step, char_set

# U1: a Latin , ; ? after an Arabic letter or mark (spaces may come between).
_U1_PUNCT = re.compile("[,;?]")
_LETTER_CHARS = char_set(LETTERS)
_SCRIPT_CHARS = _LETTER_CHARS | char_set(MARKS)
_ARABIC_PUNCT = {"?": "\u061f", ",": "\u060c", ";": "\u061b"}
_URL = re.compile(r"(?:https?://|www\.)\S+")
# U2: one literal-first pattern per character, tried only when its pair of characters occurs.
_SPACE_BEFORE = tuple((" " + c, re.compile(" +" + re.escape(c)), c) for c in "\u060c\u061b\u061f!.:,;)]}\u00bb")
_ANY_SPACE_BEFORE = re.compile(" [\u060c\u061b\u061f!.:,;)\\]}\u00bb]")
_SPACE_AFTER = tuple((c + " ", re.compile(re.escape(c) + " +"), c) for c in "([{\u00ab")
_NO_SPACE_AFTER_COMMA = tuple(re.compile(c + "(?=[^\\W\\d_])") for c in "\u060c\u061b")
# U3: which curly mark opens quotes in this document (AFP/English “…” or CLDR ar ”…“)? A mark is in
# an opening slot after whitespace or an opening bracket/dash, in a closing slot before whitespace
# or punctuation. Literal-first patterns, matched on "\n" + text + "\n" so edges need no anchors.
_OPENS = "[\\s(\\[{\u00ab/\u2013\u2014-]"
_CLOSES = "[\\s.,:;!?\u060c\u061b\u061f)\\]}\u00bb\u2026\u2013\u2014-]"
_ENGLISH = (re.compile(f"\u201c(?=\\S)(?<={_OPENS}\u201c)"), re.compile(f"\u201d(?={_CLOSES})(?<=\\S\u201d)"))
_CLDR = (re.compile(f"\u201d(?=\\S)(?<={_OPENS}\u201d)"), re.compile(f"\u201c(?={_CLOSES})(?<=\\S\u201c)"))
_MISQUOTE = re.compile(f"\u0640\u201d(?=[{LETTERS}])(?<=[{LETTERS}{MARKS}]\u0640\u201d)")
_QUOTE_CHARS = '"\u201c\u201d\u00ab\u00bb'


def _in_url(text: str) -> list[tuple[int, int]]:
    if "://" not in text and "www." not in text:
        return []
    return [m.span() for m in _URL.finditer(text)]


def arabic_punctuation(text: str, doc: Doc) -> Step:
    """U1: Latin , ; ? in Arabic context to ، ؛ ؟; never inside URLs or numbers (1,5)."""
    if "," not in text and ";" not in text and "?" not in text:
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


def spacing(text: str, doc: Doc) -> Step:
    """U2: no space before closing punctuation, none after an opening bracket, one after ، ؛."""
    if _ANY_SPACE_BEFORE.search(text):
        for pair, regex, char in _SPACE_BEFORE:
            if pair in text:
                text = regex.sub(char, text)
    for pair, regex, char in _SPACE_AFTER:
        if char in text and pair in text:   # one-character test first: it is much faster
            text = regex.sub(char, text)
    for regex, char in zip(_NO_SPACE_AFTER_COMMA, "\u060c\u061b"):
        if char in text:
            text = regex.sub(char + " ", text)
    return Step(text)


def _opens_with_201c(text: str) -> bool:
    """The document opens quotes with U+201C and never uses the CLDR ar order ”…“.
    (A misquote `ـ”letter` sits in neither slot, so it does not count.)"""
    framed = "\n" + text + "\n"
    return any(r.search(framed) for r in _ENGLISH) and not any(r.search(framed) for r in _CLDR)


def _unbalanced(text: str, doc: Doc) -> list[Finding]:
    """Lines (paragraphs) whose quotation marks do not pair up. Only the kinds present are counted."""
    lines = text.split("\n")
    bad: set[int] = set()
    for o, c in (("\u201c", "\u201d"), ("\u00ab", "\u00bb")):
        if o in text or c in text:
            bad.update(i for i, line in enumerate(lines) if line.count(o) != line.count(c))
    if '"' in text:
        bad.update(i for i, line in enumerate(lines) if line.count('"') % 2)
    return [Finding(code="quotes-unbalanced", rule="U3", severity=FLAG, line=doc.first_line + i,
                    message="quotation marks do not pair up in this paragraph") for i in sorted(bad)]


def quotes(text: str, doc: Doc) -> Step:
    """U3: styles are kept; `بـ”كلمة` becomes `بـ“كلمة` in a “…” document; unbalanced quotes are flagged."""
    if not any(q in text for q in _QUOTE_CHARS):
        return Step(text)
    found: list[Finding] = []
    if "\u0640\u201d" in text and _MISQUOTE.search(text) and _opens_with_201c(text):
        found = [doc.finding("quote-fixed", "U3", "closing mark ” used as opener after ـ: now “",
                             text=text, pos=m.start() + 1) for m in _MISQUOTE.finditer(text)]
        text = _MISQUOTE.sub("\u0640\u201c", text)
    return Step(text, tuple(found + _unbalanced(text, doc)))
