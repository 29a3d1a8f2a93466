"""In-text date extraction (spec D2, D3): a month-name table and one regex, no fuzzy parsing.

A month word counts only with an adjacent day or 4-digit year: `مارس` is also a
verb, `نيسان` a car brand, `جوان` a first name. The header date (E6) always wins;
what is found here is metadata for linking and indexing (D4).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from hijridate import Hijri

from newsgen.chars import ARABIC_LETTER_CLASS, fold_digits

GREGORIAN = "gregorian"
HIJRI = "hijri"

# D3 table, one row per month: MSA/Egypt, Levant/Iraq, Algeria/Tunisia, Morocco, variants.
# Spellings with or without hamza, ى/ي and ة/ه all match, because both the names
# and the text are folded by _fold() before matching.
GREGORIAN_MONTHS: tuple[tuple[str, ...], ...] = (
    ("يناير", "كانون الثاني", "جانفي"),
    ("فبراير", "شباط", "فيفري", "فبرير"),
    ("مارس", "آذار"),
    ("أبريل", "نيسان", "أفريل"),
    ("مايو", "أيار", "ماي"),
    ("يونيو", "حزيران", "جوان", "يونية"),
    ("يوليو", "تموز", "جويلية", "يوليوز", "يولية"),
    ("أغسطس", "آب", "أوت", "غشت"),
    ("سبتمبر", "أيلول", "شتنبر"),
    ("أكتوبر", "تشرين الأول"),
    ("نوفمبر", "تشرين الثاني", "نونبر"),
    ("ديسمبر", "كانون الأول", "دجنبر"),
)
# CLDR `ar` islamic calendar names first (used for display), then the common variants.
HIJRI_MONTHS: tuple[tuple[str, ...], ...] = (
    ("محرم",),
    ("صفر",),
    ("ربيع الأول",),
    ("ربيع الآخر", "ربيع الثاني"),
    ("جمادى الأولى",),
    ("جمادى الآخرة", "جمادى الثانية"),
    ("رجب",),
    ("شعبان",),
    ("رمضان",),
    ("شوال",),
    ("ذو القعدة", "ذي القعدة"),
    ("ذو الحجة", "ذي الحجة"),
)

# One-for-one character folds, so match offsets in the folded text are offsets in the input.
# D2: Arabic-Indic and Extended digits become ASCII, then only [0-9] is matched.
_FOLD = dict(zip("أإآٱىة", "اااايه"))
_FOLD.update((d, fold_digits(d)) for d in "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
_FOLD_RE = re.compile(f"[{''.join(_FOLD)}]")


def _fold(text: str) -> str:
    # re.sub touches only the few characters that change: several times faster than
    # str.translate over a whole article.
    return _FOLD_RE.sub(lambda m: _FOLD[m.group()], text)


def _month_index() -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for cal, table in ((GREGORIAN, GREGORIAN_MONTHS), (HIJRI, HIJRI_MONTHS)):
        for number, names in enumerate(table, start=1):
            index.update((_fold(name), (cal, number)) for name in names)
    return index


_MONTHS = _month_index()
# Longest names first, so `كانون الثاني` is not read as a shorter name; any run of
# spaces may separate the two words of a name.
_NAME = "|".join(re.escape(n).replace("\\ ", "\\s+") for n in sorted(_MONTHS, key=len, reverse=True))
_L = ARABIC_LETTER_CLASS
# The leading lookahead lets the scan skip positions where no date can start.
_STARTS = "".join(sorted({name[0] for name in _MONTHS}))
_ERA = f"(?:\\s*(?P<era>\u0647\u0640?|\u0645)(?![{_L}]))"     # هـ (Hijri) or م (Gregorian)
_DATE_RE = re.compile(
    f"(?=[0-9{_STARTS}])(?:(?<![0-9])(?P<day>[0-9]{{1,2}})\\s+)?"
    f"(?<![{_L}])(?P<m1>{_NAME})(?:\\s*/\\s*(?P<m2>{_NAME}))?(?![{_L}])"
    f"(?:\\s*[,\u060c]?\\s+(?P<year>[0-9]{{4}})(?![0-9]){_ERA}?)?"
)


_DIGIT_RE = re.compile("[0-9\u0660-\u0669\u06f0-\u06f9]")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date mentioned in text. `start`/`end` index the original string."""

    start: int
    end: int
    text: str
    calendar: str           # GREGORIAN or HIJRI: the calendar of the month name
    year: int | None
    month: int
    day: int | None
    gregorian: date | None  # when day, month and year are known (Hijri converted, D6)

    @property
    def iso(self) -> str:
        """Gregorian `YYYY-MM-DD` when known, else `YYYY-MM[-DD]` or `--MM-DD` in `calendar`."""
        if self.gregorian is not None:
            return self.gregorian.isoformat()
        year = "-" if self.year is None else f"{self.year:04d}"
        day = "" if self.day is None else f"-{self.day:02d}"
        return f"{year}-{self.month:02d}{day}"


def find_dates(text: str) -> tuple[FoundDate, ...]:
    """Every day-month(-year) or month-year date in `text`, in order (D3)."""
    if _DIGIT_RE.search(text) is None:
        return ()  # every date has a day or a year
    found = (_found(text, m) for m in _DATE_RE.finditer(_fold(text)))
    return tuple(f for f in found if f is not None)


def _found(text: str, match: re.Match[str]) -> FoundDate | None:
    cal, month = _MONTHS[_spaced(match["m1"])]
    if match["m2"] is not None and _MONTHS[_spaced(match["m2"])] != (cal, month):
        return None  # `X/Y` names two different months: not a dual form
    day = int(match["day"]) if match["day"] else None
    year = int(match["year"]) if match["year"] else None
    if day is None and year is None:
        return None  # a bare month word: probably not a date at all
    if day is not None and not _valid_day(cal, year, month, day):
        return None
    return FoundDate(
        start=match.start(), end=match.end(), text=text[match.start():match.end()],
        calendar=cal, year=year, month=month, day=day,
        gregorian=_to_gregorian(cal, year, month, day),
    )


def _spaced(name: str) -> str:
    return " ".join(name.split())


def _valid_day(cal: str, year: int | None, month: int, day: int) -> bool:
    if cal == HIJRI:
        return 1 <= day <= 30
    # Without a year, 29 February must pass: 2000 is a leap year.
    return 1 <= day <= calendar.monthrange(year or 2000, month)[1]


def _to_gregorian(cal: str, year: int | None, month: int, day: int | None) -> date | None:
    if year is None or day is None:
        return None
    if cal == GREGORIAN:
        return date(year, month, day) if year >= 1 else None
    try:
        result = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):  # outside 1343-1500 AH or no such day: keep the text
        return None
    return date(result.year, result.month, result.day)


def ascii_numbers(text: str) -> tuple[str, ...]:
    """Digit runs of any Arabic family as ASCII strings (D2); other scripts' digits are ignored."""
    return tuple(re.findall("[0-9]+", fold_digits(text)))
