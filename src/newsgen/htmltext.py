"""Display text to HTML and to text-only contexts (spec B5-B9, U4).

Input is DISPLAY TEXT: already normalized, one paragraph per non-empty line.
Every character of the input is HTML-escaped; the only markup this module
ever emits is `<p>`, `<h2>` and `<span dir="ltr">`.
"""
from __future__ import annotations

import re
import unicodedata
from html import escape

from newsgen.chars import BIDI_CONTROL_RE, RLM

# Latin letters of the B6 reference regex, minus the symbols × and ÷ that sit in that range.
_LAT = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# A B6 token: starts with a Latin letter (a leading digit group is kept with it, so that
# `5G` is not split in two isolates), may contain . ' ’ & / _ @ : + -, ends on a letter,
# digit, `+` or `#` (C++, C#).
_TOKEN = f"[0-9]*[{_LAT}](?:[{_LAT}0-9.'\u2019&/_@:+\\-]*[{_LAT}0-9+#])?"
_LATIN_RUN = f"{_TOKEN}(?:[ ]+{_TOKEN})*"
# URLs stop before whitespace and never end on sentence punctuation or a closing quote.
_URL = "(?:https?://|www\\.)[^\\s<>\"]*[^\\s<>\".,;:!?\u060c\u061b\u061f\u2026'\u2019\u201d)\\]}\u00bb]"
_EMAIL = "[A-Za-z0-9][A-Za-z0-9._%+\\-]*@[A-Za-z0-9\\-]+(?:\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,}"
# B7: at least three space-separated digit groups form one identifier (phone numbers).
# Two groups or `10 - 12` stay plain: RTL order reads correctly for them.
_PHONE = "(?<![0-9A-Za-z+])\\+?[0-9]{1,4}(?:[ \u00a0-][0-9]{1,6}){2,}(?![0-9])"

# One alternation, tried left to right at each position: the more specific shapes first.
# The leading lookahead skips Arabic quickly (measured: six times faster than without).
_LTR_RE = re.compile(f"(?=[{_LAT}0-9+])(?:{_URL}|{_EMAIL}|{_PHONE}|(?<![0-9])(?:{_LATIN_RUN}))")
# Fast path: without one of these characters no B6/B7 phrase can start.
_TRIGGER_RE = re.compile(f"[{_LAT}0-9+@]")

# U4: an AFP crosshead `– text –`.
_CROSSHEAD_RE = re.compile("^[\u2013\u2014-]\\s*(?P<t>.{1,80}?)\\s*[\u2013\u2014-]$")
_SENTENCE_END = (".", "\u061f", "!", ":")

_STRONG_RTL = frozenset(("R", "AL"))


def inline_html(text: str) -> str:
    """Escape `text` and wrap each known-LTR phrase in `<span dir="ltr">` (B6, B7)."""
    if _TRIGGER_RE.search(text) is None:
        return escape(text)
    parts: list[str] = []
    pos = 0
    for match in _LTR_RE.finditer(text):
        # Escape each piece separately: matching on escaped text would let the
        # Latin regex wander into entities such as `&amp;`.
        parts.append(escape(text[pos:match.start()]))
        parts.append(f'<span dir="ltr">{escape(match.group())}</span>')
        pos = match.end()
    parts.append(escape(text[pos:]))
    return "".join(parts)


def crosshead(paragraph: str) -> str | None:
    """The heading text when `paragraph` is an AFP crosshead (U4), else None."""
    match = _CROSSHEAD_RE.match(paragraph)
    if match is None:
        return None
    title = match.group("t")
    if not any(ch.isalpha() for ch in title) or title.endswith(_SENTENCE_END):
        return None
    return title


def paragraphs_html(text: str) -> str:
    """One `<p>` (or `<h2>` for a crosshead) per non-empty line, joined with newlines."""
    blocks: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        title = crosshead(line)
        if title is None:
            blocks.append(f"<p>{inline_html(line)}</p>")
        else:
            blocks.append(f"<h2>{inline_html(title)}</h2>")
    return "\n".join(blocks)


def plain_text(text: str) -> str:
    """Text for contexts without markup (B8): no bidi controls, RLM first unless RTL-led.

    Browsers take a tab title's direction from its first strong character, so a title
    starting with Latin (or with none at all) gets an RLM in front.
    """
    text = BIDI_CONTROL_RE.sub("", text)
    return text if _first_strong(text) in _STRONG_RTL else RLM + text


def _first_strong(text: str) -> str | None:
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("L", "R", "AL"):
            return kind
    return None
