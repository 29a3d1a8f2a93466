"""Search keys (spec K1) and the same folding in JavaScript for queries (K3).

One key function serves documents and queries, so both sides meet: `مسؤول` and
`مسئول` give `مسءول`, `غزة` and `غزه` give `غزه`.
"""
from __future__ import annotations

import json
import re
import unicodedata

from newsgen.chars import ARABIC_MARKS_RE, BIDI_CONTROLS, TATWEEL, fold_digits

# K1.1: expanded before NFKC, which leaves U+FDFD alone and gives a Persian yeh for U+FDFC.
_EXPAND = {"\ufdfd": "بسم الله الرحمن الرحيم", "\ufdfc": "ريال"}


def _fold_table() -> dict[str, str]:
    """Character -> replacement ("" deletes) for K1 steps 2-5, from the shared classes."""
    table = {ch: "" for ch in BIDI_CONTROLS + "\u200c\u200d\u2060\ufeff\u00ad" + TATWEEL}  # K1.2
    table["\u200b"] = " "                                       # ZWSP marks a word boundary
    table.update((chr(cp), "") for cp in range(0x0600, 0x0700) if ARABIC_MARKS_RE.match(chr(cp)))  # K1.3
    table.update({                                              # K1.4 (Lucene + hamza carriers)
        "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627",  # أ إ آ ٱ -> ا
        "\u0649": "\u064a", "\u06cc": "\u064a", "\u06d3": "\u064a",  # ى ی ۓ -> ي
        "\u0629": "\u0647", "\u06c0": "\u0647", "\u06c1": "\u0647", "\u06c2": "\u0647",  # ة ۀ ہ ۂ -> ه
        "\u0624": "\u0621", "\u0626": "\u0621",                 # ؤ ئ -> ء
        "\u06a9": "\u0643",                                     # ک -> ك
    })
    digits = "".join(chr(cp) for cp in (*range(0x0660, 0x066D), *range(0x06F0, 0x06FA)))
    table.update((d, fold_digits(d)) for d in digits if fold_digits(d) != d)  # K1.5
    return table


_TABLE = _fold_table()
# str.translate looks every character up in a dict (~90 ns each); the same single-pass mapping
# as a deletion regex plus one str.replace per mapped character that occurs is ~4x faster. It is
# the same because no replacement is itself a key of the table.
_DROP_RE = re.compile("[" + "".join(re.escape(c) for c, r in _TABLE.items() if r == "") + "]+")
_MAPPED = tuple((c, r) for c, r in _TABLE.items() if r)
# K1.6: Python's \w is letters, numbers and `_`; the JS below uses [\p{L}\p{N}_] to match.
_WORD_RE = re.compile(r"\w+")
_LEFTOVER_MARK_RE = re.compile("[\u0300-\u036f]")


def search_key(text: str) -> str:
    """K1 search key of `text` (documents and queries alike)."""
    for ligature, words in _EXPAND.items():
        if ligature in text:
            text = text.replace(ligature, words)
    text = _fold(unicodedata.normalize("NFKC", text))
    # A second NFKC recomposes what casefold decomposes (`ǰ`), as Python's docs advise;
    # a Latin mark left over (`İ` -> i + U+0307) would otherwise split the word at K1.6.
    text = _LEFTOVER_MARK_RE.sub("", unicodedata.normalize("NFKC", text.casefold()))
    return " ".join(_WORD_RE.findall(text))  # each run of non-word characters -> one space, trimmed


def _fold(text: str) -> str:
    """K1 steps 2-5: what `text.translate(str.maketrans(_TABLE))` gives."""
    text = _DROP_RE.sub("", text)
    for char, replacement in _MAPPED:
        if char in text:
            text = text.replace(char, replacement)
    return text


def _js_literal(value: object) -> str:
    # ensure_ascii keeps the script pure ASCII; JSON escapes are valid JavaScript.
    return json.dumps(value, ensure_ascii=True)


def _js_class(chars: list[str]) -> str:
    """A regex character class with runs written as ranges, in \\u escapes."""
    points = sorted(ord(c) for c in chars)
    runs: list[list[int]] = []
    for cp in points:
        if runs and cp == runs[-1][1] + 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return "[" + "".join(
        f"\\u{a:04X}" if a == b else f"\\u{a:04X}-\\u{b:04X}" for a, b in runs
    ) + "]"


_JS_DROP = _js_class([c for c, r in _TABLE.items() if r == ""])
_JS_MAP = _js_literal({c: r for c, r in sorted(_TABLE.items()) if r})

# K3: the same folding for the query in the browser. Data comes from the tables above,
# so Python and JavaScript cannot drift apart. toLowerCase() plus ß/ς equals Python's
# casefold() for Latin once NFKC has run (tested through node).
SEARCH_FOLD_JS = f"""\
function newsgenSearchKey(s) {{
  var expand = {_js_literal(_EXPAND)};
  var fold = {_JS_MAP};
  var text = String(s).replace(/[\\uFDFC\\uFDFD]/g, function (c) {{ return expand[c]; }});
  text = text.normalize("NFKC").replace(/{_JS_DROP}/g, "");
  text = text.replace(/[^]/g, function (c) {{ return fold[c] === undefined ? c : fold[c]; }});
  text = text.toLowerCase().replace(/[\\u00DF\\u1E9E]/g, "ss").replace(/\\u03C2/g, "\\u03C3");
  text = text.normalize("NFKC").replace(/[\\u0300-\\u036F]/g, "");
  return text.replace(/[^\\p{{L}}\\p{{N}}_]+/gu, " ").trim();
}}
"""
