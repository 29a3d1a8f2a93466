"""Strict, time-zone-aware dates (STYLE habit 8) and the build clock."""
from __future__ import annotations

import os
import re
from datetime import date, datetime, timezone, tzinfo

from dateutil.parser import isoparse

from newsgen.chars import fold_digits

_ISO_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?")


def parse_when(value: object, tz: tzinfo) -> datetime:
    """An ISO date or datetime (optional offset) as an aware datetime.

    A date alone is midnight in `tz`, so `2026-02-05` never shifts to the 4th.
    Raises ValueError with a message for people.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz)
    if not isinstance(value, str):
        raise ValueError(f"date must be text like 2026-02-05, not {type(value).__name__}")
    text = fold_digits(value.strip())
    if not _ISO_START.fullmatch(text):
        raise ValueError(f"bad date '{value}': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[+HH:MM]")
    try:
        parsed = isoparse(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"bad date '{value}': {exc}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def build_clock(now: str | None, tz: tzinfo) -> datetime:
    """The build's 'now': `--now`, else SOURCE_DATE_EPOCH, else the real clock."""
    if now:
        return parse_when(now, tz)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH must be whole seconds, not '{epoch}'")
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc)
