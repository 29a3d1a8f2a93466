"""Display text to HTML and to text-only contexts (spec B5-B9, U4).

Input is DISPLAY TEXT: already normalized, one paragraph per non-empty line.
Every character of the input is HTML-escaped; the only markup this module
ever emits is `<p>`, `<h2>` and `<span dir="ltr">`.
"""
from __future__ import annotations

import re
import unicodedata
from html import escape
from typing import Callable, Iterator

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
_DASHES = "\u2013\u2014-"  # a crosshead's first character (_CROSSHEAD_RE)

# For _ltr_possible: UTF-8 bytes kept and what they become. ASCII letters, and the lead bytes of
# the non-ASCII Latin letters of _LAT (U+00C0-U+024F: C3-C9; U+1E00-U+1EFF: E1), become "a";
# ASCII digits "0"; the separators of _PHONE (space, "-", and A0, the last byte of U+00A0) " ".
_LATIN_LEADS = b"\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xe1"
_NOT_LTR = bytes(b for b in range(256)
                 if not (chr(b).isascii() and chr(b).isalnum()) and b not in b" -\xa0" + _LATIN_LEADS)
_SHAPES = bytes.maketrans(bytes(range(256)), bytes(
    ord("0") if chr(b).isdigit() and b < 128 else ord(" ") if b in b" -\xa0" else ord("a") for b in range(256)))


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
    if _ltr_possible(text):
        return "\n".join(_blocks(text.splitlines(), inline_html))
    # Nothing to wrap: the whole text is escaped in one call. Escaping keeps every line break and
    # space and never makes or hides a dash, so its lines are the raw ones, escaped; a crosshead
    # is still judged on its raw line (an escaped `&` would count five characters).
    blocks: list[str] = []
    raw: list[str] | None = None
    for number, line in enumerate(escape(text).splitlines()):
        line = line.strip()
        if not line:
            continue
        title = None
        if line[0] in _DASHES:
            if "&" in line:
                raw = raw or text.splitlines()
                title = crosshead(raw[number].strip())
            else:
                title = crosshead(line)
        blocks.append(f"<p>{line}</p>" if title is None else f"<h2>{escape(title)}</h2>")
    return "\n".join(blocks)


def _blocks(lines: list[str], inline: Callable[[str], str]) -> Iterator[str]:
    for line in lines:
        line = line.strip()
        if not line:
            continue
        title = crosshead(line)
        yield f"<p>{inline(line)}</p>" if title is None else f"<h2>{inline(title)}</h2>"


def _ltr_possible(text: str) -> bool:
    """False when no B6/B7 phrase can occur anywhere in `text`: every one needs a Latin letter or
    two digits around a group separator. Tested on the UTF-8 bytes, with every byte that cannot be
    part of either deleted (one C pass; a regex scan of Arabic text costs five times more). What is
    left may pair up falsely, which only sends the text down the exact, slower path."""
    kept = text.encode("utf-8", "surrogatepass").translate(_SHAPES, _NOT_LTR)
    return b"a" in kept or b"0 0" in kept


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
