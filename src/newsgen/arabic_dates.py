"""Arabic dates for people (spec D5, D6): CLDR month names through Babel, Hijri via hijridate.

Output of these functions is final display text: never run the input normalizer
over it (O2). The `short` pattern carries RLMs on purpose.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.dates import get_month_names
from hijridate import Gregorian

from newsgen.date_extract import HIJRI_MONTHS, FoundDate, find_dates

__all__ = ["format_date", "dual_month", "hijri_date", "arabic_digits", "find_dates", "FoundDate"]

_ARABIC_INDIC = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
_DIGIT_SYSTEMS = ("latn", "arab")


def arabic_digits(text: str) -> str:
    """ASCII digits of a formatted string to Arabic-Indic (D5: Babel dates are always ASCII)."""
    return text.translate(_ARABIC_INDIC)


@lru_cache(maxsize=4096)  # pure, and an archive formats the same few thousand dates again and again
def format_date(value: date, *, locale: str = "ar", digits: str = "latn", style: str = "long") -> str:
    """`5 فبراير 2026` in the given CLDR locale.

    style: "long", "full", "short", "medium" or a Babel pattern (passed to Babel), or
    "dual" for AFP's `5 شباط/فبراير 2026` (no CLDR locale has it; `locale` is ignored).
    digits: "latn" (as Babel gives them) or "arab" (Arabic-Indic).
    """
    if style == "dual":
        text = f"{value.day} {dual_month(value.month)} {value.year}"
    else:
        text = babel_format_date(value, style, locale=locale)
    return arabic_digits(text) if digits == "arab" else text


def dual_month(month: int) -> str:
    """`شباط/فبراير`: Levantine (ar_LB) then MSA (ar) month name, as AFP writes it."""
    levant = get_month_names("wide", locale="ar_LB")[month]
    msa = get_month_names("wide", locale="ar")[month]
    return levant if levant == msa else f"{levant}/{msa}"


def hijri_date(value: date, *, digits: str = "latn") -> str | None:
    """`17 شعبان 1447 هـ` (Umm al-Qura, D6); None outside hijridate's range (1343-1500 AH)."""
    if digits not in _DIGIT_SYSTEMS:
        raise ValueError(f"digits must be one of {_DIGIT_SYSTEMS}, not {digits!r}")
    try:
        hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    except OverflowError:
        return None
    # CLDR names (ربيع الآخر), not hijridate's own (ربيع الثاني).
    text = f"{hijri.day} {HIJRI_MONTHS[hijri.month - 1][0]} {hijri.year} \u0647\u0640"
    return arabic_digits(text) if digits == "arab" else text
