"""arabic_dates and date_extract: D2, D3, D5, D6 on the spec vectors."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from newsgen.arabic_dates import arabic_digits, dual_month, format_date, hijri_date
from newsgen.date_extract import GREGORIAN, HIJRI, ascii_numbers, find_dates

VECTORS = json.loads((Path(__file__).parent / "data" / "normalizer_vectors.json").read_text("utf-8"))
BY_ID = {v["id"]: v for v in VECTORS}
FIND = [BY_ID[f"D-0{n}"] for n in range(1, 10)]
# D5 vectors: input "2026-02-05 long(ar_LB)" -> (date, style, locale).
FORMAT = {
    "D-12": ("long", "ar"), "D-13": ("long", "ar_LB"), "D-14": ("long", "ar_DZ"),
    "D-15": ("short", "ar_EG"), "D-16": ("full", "ar"), "D-17": ("dual", "ar"), "D-18": ("long", "ar_MA"),
}
FEB5 = date(2026, 2, 5)


def found_key(text: str) -> str:
    return "|".join(d.iso for d in find_dates(text))


@pytest.mark.parametrize("vector", FIND, ids=[v["id"] for v in FIND])
def test_find_dates_vectors(vector: dict) -> None:
    assert found_key(vector["input"]) == vector["expected"]


def test_d11_digit_folding() -> None:
    assert "|".join(ascii_numbers(BY_ID["D-11"]["input"])) == BY_ID["D-11"]["expected"]
    assert ascii_numbers("١٢٣ १२३ 7") == ("123", "7")   # Devanagari is not [0-9]


@pytest.mark.parametrize("vid", sorted(FORMAT))
def test_format_date_vectors(vid: str) -> None:
    vector = BY_ID[vid]
    value = date.fromisoformat(vector["input"].split()[0])
    style, locale = FORMAT[vid]
    assert format_date(value, locale=locale, style=style) == vector["expected"]


def test_found_date_fields() -> None:
    (found,) = find_dates("قال في 5 شباط/فبراير 2026 إن")
    assert (found.start, found.end, found.text) == (7, 25, "5 شباط/فبراير 2026")
    assert (found.calendar, found.year, found.month, found.day, found.gregorian) == (GREGORIAN, 2026, 2, 5, FEB5)


def test_hijri_found_date() -> None:
    (found,) = find_dates(BY_ID["D-09"]["input"])
    assert found.calendar == HIJRI and (found.year, found.month, found.day) == (1447, 8, 17)
    assert found.text == "17 شعبان 1447 هـ"


@pytest.mark.parametrize("text, expected", [
    ("5 فبراير", "--02-05"),                            # day only
    ("29 فبراير", "--02-29"),
    ("31 فبراير 2026", ""),                              # no such day
    ("29 فبراير 2024", "2024-02-29"),
    ("30 نيسان", "--04-30"),
    ("31 نيسان", ""),
    ("في مايو الماضي", ""),                              # no day, no year
    ("نيسان تطلق سيارة", ""),
    ("جوان قال", ""),
    ("5 يوليو/أغسطس 2020", ""),                          # a dual form must name one month
    ("أغسطس/آب 2020", "2020-08"),
    ("10 كانون   الأول، 2019", "2019-12-10"),            # several spaces, Arabic comma
    ("15 تشرين الاول 2025", "2025-10-15"),               # without hamza
    ("3 ابريل 2024 و4 إبريل 2024 و5 أفريل 2024", "2024-04-03|2024-04-04|2024-04-05"),
    ("1 يونية 2020 و1 يوليه 2020", "2020-06-01|2020-07-01"),
    ("نيسان 2024م", "2024-04"),
    ("2 ذي الحجة 1446هـ", "2025-05-29"),
    ("1 رمضان 1600 هـ", "1600-09-01"),                   # outside hijridate's range: kept, not converted
    ("1 جمادى الآخرة 1447 و1 جمادي الثانية 1447", "2025-11-22|2025-11-22"),
    ("1 ربيع الآخر 1447 و1 ربيع الثاني 1447", "2025-09-23|2025-09-23"),
    ("ومارس 2000", ""),                                  # month glued to a proclitic: not taken
    ("123 فبراير 2026", "2026-02"),                     # 3 digits are no day; month-year remains
    ("5 فبراير 20260", "--02-05"),                       # 5-digit number is not a year
    ("٥ فبراير ۲۰۲۶", "2026-02-05"),                     # Extended digits too (D2)
    ("في 5 مارس 2026 ومارس الرئيس ضغوطا", "2026-03-05"),
])
def test_find_dates_cases(text: str, expected: str) -> None:
    assert found_key(text) == expected


def test_find_dates_two_word_months_all_rows() -> None:
    for number, name in ((1, "كانون الثاني"), (10, "تشرين الأول"), (11, "تشرين الثاني"), (12, "كانون الأول")):
        (found,) = find_dates(f"7 {name} 2025")
        assert found.month == number


def test_format_date_default_and_digits() -> None:
    assert format_date(FEB5) == "5 فبراير 2026"
    assert format_date(FEB5, digits="arab") == "٥ فبراير ٢٠٢٦"
    assert format_date(FEB5, style="dual", digits="arab") == "٥ شباط/فبراير ٢٠٢٦"
    assert format_date(FEB5, locale="ar_EG", style="short", digits="arab") == "٥\u200f/٢\u200f/٢٠٢٦"
    assert format_date(FEB5, style="d MMMM y") == "5 فبراير 2026"   # Babel patterns still pass through


def test_format_date_full_arab_digits() -> None:
    assert format_date(FEB5, style="full", digits="arab") == "الخميس، ٥ فبراير ٢٠٢٦"


def test_dual_month_every_month() -> None:
    assert [dual_month(m) for m in (1, 8, 10)] == ["كانون الثاني/يناير", "آب/أغسطس", "تشرين الأول/أكتوبر"]


def test_arabic_digits() -> None:
    assert arabic_digits("2026-02-05") == "٢٠٢٦-٠٢-٠٥"


def test_hijri_date() -> None:
    assert hijri_date(FEB5) == "17 شعبان 1447 هـ"
    assert hijri_date(FEB5, digits="arab") == "١٧ شعبان ١٤٤٧ هـ"


def test_hijri_date_uses_cldr_names() -> None:
    assert hijri_date(date(2025, 10, 1)) == "9 ربيع الآخر 1447 هـ"


@pytest.mark.parametrize("value, expected", [
    (date(1924, 7, 31), None), (date(1924, 8, 1), "1 محرم 1343 هـ"),
    (date(2077, 11, 16), "30 ذو الحجة 1500 هـ"), (date(2077, 11, 17), None),
])
def test_hijri_date_range(value: date, expected: str | None) -> None:
    assert hijri_date(value) == expected


def test_hijri_date_rejects_unknown_digits() -> None:
    with pytest.raises(ValueError):
        hijri_date(FEB5, digits="deva")


def test_hijri_round_trip_through_find_dates() -> None:
    for day in (date(2025, 3, 1), FEB5, date(2030, 12, 31)):
        (found,) = find_dates(hijri_date(day) or "")
        assert found.gregorian == day
