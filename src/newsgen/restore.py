"""V3: restore one visually ordered line to logical order, verified with python-bidi (UAX #9).

Reverse the line, keep LTR runs (Latin words joined by single spaces, digit groups) left to right,
optionally swap mirrored brackets, and accept a candidate only if laying it out again at an RTL
paragraph level gives back the input exactly and its brackets are well formed.
"""
from __future__ import annotations

import re

from bidi import get_display
from bidi.algorithm import get_display as legacy_get_display

_LATIN = "A-Za-z\u00c0-\u024f\u1e00-\u1eff"
_LW = f"[{_LATIN}](?:[{_LATIN}0-9.'\u2019&/_@:+\\-]*[{_LATIN}0-9+#])?"
# Digit groups as python-bidi lays them out: common separators join, '-' '%' do not.
_NUM = "[0-9\u06f0-\u06f9]+(?:[.,:/][0-9\u06f0-\u06f9]+)*|[\u0660-\u0669]+(?:[.,:/\u066b\u066c][\u0660-\u0669]+)*"
_SEPARATE = re.compile(f"{_LW}(?: {_LW})*|{_NUM}")
_JOINED = re.compile(f"(?:(?:{_NUM}) )*{_LW}(?: (?:{_LW}|{_NUM}))*|{_NUM}")
# A Latin token next to a number across a space has two logical readings (vector V-08).
_AMBIGUOUS = re.compile(f"(?:{_LW}) (?:{_NUM})|(?:{_NUM}) (?:{_LW})")
_MIRROR = str.maketrans("()[]{}<>\u00ab\u00bb", ")(][}{><\u00bb\u00ab")
_CLOSERS = {")": "(", "]": "[", "}": "{", "\u00bb": "\u00ab"}


def _reverse(line: str, ltr: re.Pattern[str], swap: bool) -> str:
    parts: list[str] = []
    pos = 0
    for m in ltr.finditer(line):
        rtl = line[pos:m.start()]
        parts.extend(rtl.translate(_MIRROR) if swap else rtl)
        parts.append(m.group())
        pos = m.end()
    parts.extend(line[pos:].translate(_MIRROR) if swap else line[pos:])
    return "".join(reversed(parts))


def _well_formed(text: str) -> bool:
    stack: list[str] = []
    for ch in text:
        if ch in "([{\u00ab":
            stack.append(ch)
        elif ch in _CLOSERS and (not stack or stack.pop() != _CLOSERS[ch]):
            return False
    return not stack


def _verifies(candidate: str, line: str) -> bool:
    """The candidate, laid out by UAX #9 at RTL paragraph level, must give back the input."""
    if not _well_formed(candidate):
        return False
    if get_display(candidate, base_dir="R") == line:
        return True
    try:  # the legacy producer mirrors brackets; it raises on isolates
        return legacy_get_display(candidate, base_dir="R") == line
    except Exception:  # noqa: BLE001 - a failure of the legacy path only means "not verified"
        return False


def restore_line(line: str) -> tuple[str | None, bool]:
    """(logical line, or None when nothing verifies; True when the result is ambiguous)."""
    tried: set[str] = set()
    for ltr in (_SEPARATE, _JOINED):       # digits not joined to the Latin run, then joined
        for swap in (True, False):         # un-mirrored, then as-is
            candidate = _reverse(line, ltr, swap)
            if candidate not in tried and _verifies(candidate, line):
                return candidate, _AMBIGUOUS.search(line) is not None
            tried.add(candidate)
    return None, False
