"""Character classes shared by the normalizer, HTML, slug and search stages."""
from __future__ import annotations

import re

# Bidi controls removed from input (spec B1-B3).
EMBEDDINGS = "\u202a\u202b\u202c\u202d\u202e"    # LRE RLE PDF LRO RLO
ISOLATES = "\u2066\u2067\u2068\u2069"            # LRI RLI FSI PDI
MARKS = "\u200e\u200f\u061c"                     # LRM RLM ALM
BIDI_CONTROLS = EMBEDDINGS + ISOLATES + MARKS
BIDI_CONTROL_RE = re.compile(f"[{BIDI_CONTROLS}]")

RLM = "\u200f"
TATWEEL = "\u0640"

# Arabic combining marks (spec T3).
ARABIC_MARKS_CLASS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
ARABIC_MARKS_RE = re.compile(f"[{ARABIC_MARKS_CLASS}]")
# Arabic letters proper (hamza to yeh) plus the extended Arabic-script letters.
ARABIC_LETTER_CLASS = "\u0621-\u063a\u0641-\u064a\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"

_DIGITS = str.maketrans(
    "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
    "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9\u066b\u066c",
    "0123456789" "0123456789" ".,",
)


_NON_ASCII_DIGIT_RE = re.compile("[\u0660-\u0669\u06f0-\u06f9\u066b\u066c]")


def fold_digits(text: str) -> str:
    """Arabic-Indic and Extended Arabic-Indic digits to ASCII (spec D2)."""
    # str.translate walks every character; most text has no such digit, so look first.
    return text.translate(_DIGITS) if _NON_ASCII_DIGIT_RE.search(text) else text
