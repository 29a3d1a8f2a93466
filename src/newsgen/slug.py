"""Slugs and URL paths from titles (spec §10, S1-S8). Pure functions, no file I/O."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from newsgen.chars import ARABIC_LETTER_CLASS, ARABIC_MARKS_RE, TATWEEL, fold_digits
from newsgen.model import Finding

MAX_BYTES = 80  # S4: ~40 Arabic letters, <= 240 characters once percent-encoded

# S1.3: every letter with a canonical decomposition (plus ٱ and the Persian forms),
# so that NFC(slug) == NFD(slug) on every filesystem. ة and ى stay: they read better.
_FOLD = tuple({
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",  # آ أ إ ٱ
    "\u0624": "\u0648",                                                              # ؤ
    "\u0626": "\u064a", "\u06d3": "\u064a", "\u06cc": "\u064a",                      # ئ ۓ ی
    "\u06c0": "\u0647", "\u06c2": "\u0647",                                          # ۀ ۂ
    "\u06a9": "\u0643",                                                              # ک
}.items())  # replaced one by one: str.translate's dict lookup per character is ~5x slower
# S2: a 1-2 letter proclitic written with tatweel (`بـ “مفاوضات”`) joins the next Arabic
# word, across spaces and opening quotes.
_PROCLITIC_RE = re.compile(
    f"(?<![{ARABIC_LETTER_CLASS}])([{ARABIC_LETTER_CLASS}]{{1,2}}){TATWEEL}+"
    f"[\\s\"'\u201c\u201d\u2018\u2019\u00ab\u00bb(\\[]*(?=[{ARABIC_LETTER_CLASS}])"
)
# S3: what survives; everything else becomes a separator. پ چ ژ ڤ گ are kept for foreign names.
_SAFE_RE = re.compile("[a-z0-9\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a4\u06af]+")
# S7: Windows device names (S3 leaves no `.ext` that could hide one).
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)
_PATH_RE = re.compile("^[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/]+$")
# Latin to U+02FF, Arabic letters, digits and signs, general punctuation: no combining marks
# (a test checks each), so a title of only these skips S1.5's per-character filter.
_NO_MARKS_RE = re.compile("[\x00-\u02ff\u0600-\u060f\u061b-\u064a\u0660-\u066f\u0671-\u06d5"
                          "\u06dd\u06de\u06e5\u06e6\u06e9\u06ee-\u06ff\u2000-\u206f]*")


def slugify(title: str) -> str:
    """The URL slug of a title (S1-S4, S7); "" when nothing usable is left (then S5)."""
    text = unicodedata.normalize("NFKC", title)          # S1.1: allowed, not display text
    text = ARABIC_MARKS_RE.sub("", text)                  # S1.2
    if TATWEEL in text:
        text = _PROCLITIC_RE.sub(r"\1", text).replace(TATWEEL, "")  # S2
    text = fold_digits(_folded(text))                     # S1.3, S1.4
    # S1.5, casefold so that ß -> ss. The Arabic letters with decompositions are gone
    # already, so NFD only splits accents off Latin (other scripts S3 drops anyway).
    text = unicodedata.normalize("NFD", text.casefold())
    if not _NO_MARKS_RE.fullmatch(text):
        text = "".join(c for c in text if not unicodedata.combining(c))
    slug = "-".join(_SAFE_RE.findall(text))               # S3: unsafe runs -> one `-`, trimmed
    slug = _cap(slug)
    return f"{slug}-1" if slug in _RESERVED else slug     # S7


def _folded(text: str) -> str:
    for letter, replacement in _FOLD:  # no replacement is itself folded: one pass, as translate
        if letter in text:
            text = text.replace(letter, replacement)
    return text


def _cap(slug: str) -> str:
    """Cut at the last `-` within MAX_BYTES (S4)."""
    raw = slug.encode("utf-8")
    if len(raw) <= MAX_BYTES:
        return slug
    head = raw[: MAX_BYTES + 1].decode("utf-8", errors="ignore")  # +1: a `-` right at the limit
    cut = head.rfind("-")
    if cut > 0:
        return head[:cut]
    # One word longer than the cap: the byte limit protects filesystems, so it wins.
    return raw[:MAX_BYTES].decode("utf-8", errors="ignore")


def hash8(source_id: str) -> str:
    """First 8 hex digits of sha256(source_id): the collision suffix (S6)."""
    return hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:8]


def fallback_slug(day: date, source_id: str) -> str:
    """`<yyyy>-<mm>-<dd>-<hash8>` for a title that slugifies to nothing (S5)."""
    return f"{day:%Y-%m-%d}-{hash8(source_id)}"


def href(slug: str) -> str:
    """Percent-encoded UTF-8 of the NFC slug, for links (S8)."""
    return quote(slug, safe="-")


def path_href(path: str) -> str:
    """Like href() for a whole `YYYY/MM/DD/slug` path: the slashes stay."""
    return quote(path, safe="-/")


@dataclass(frozen=True, slots=True)
class SlugClaim:
    source_id: str      # POSIX path relative to the seeds folder
    day: str            # "YYYY/MM/DD" of the article's date
    slug: str           # from `slug:` front matter, or slugify(title), or fallback_slug
    sort_key: tuple     # (date, source_id): earliest keeps the bare slug


def assign_slugs(
    claims: Sequence[SlugClaim], published: Mapping[str, str]
) -> tuple[dict[str, str], tuple[tuple[str, Finding], ...]]:
    """Final `YYYY/MM/DD/slug` path of every claim, and one finding per suffixed article (S6).

    A claim whose published path still has the same day and base slug keeps it, so a
    back-filled older article cannot take over a URL that is already out there.
    """
    ordered = sorted(claims, key=lambda c: (c.sort_key, c.source_id))
    if len({c.source_id for c in ordered}) != len(ordered):
        raise ValueError("assign_slugs: duplicate source_id")
    paths: dict[str, str] = {}
    owner: dict[str, str] = {}   # path -> source_id holding it
    for claim in ordered:        # first pass: keep what is published and still valid
        old = published.get(claim.source_id)
        if old in _candidates(claim) and old not in owner:
            paths[claim.source_id] = old
            owner[old] = claim.source_id
    for claim in ordered:        # second pass: S6 in (date, source_id) order
        if claim.source_id not in paths:
            path = next((p for p in _candidates(claim) if p not in owner), None)
            if path is None:
                raise ValueError(f"assign_slugs: no free path for {claim.source_id}")
            paths[claim.source_id] = path
            owner[path] = claim.source_id
    findings = tuple(
        (c.source_id, _collision(c, paths[c.source_id], owner.get(_bare(c))))
        for c in ordered
        if paths[c.source_id] != _bare(c)
    )
    return dict(sorted(paths.items())), findings


def _bare(claim: SlugClaim) -> str:
    slug = claim.slug or fallback_slug(date(*map(int, claim.day.split("/"))), claim.source_id)
    return f"{claim.day}/{slug}"


def _candidates(claim: SlugClaim) -> tuple[str, str, str]:
    bare = _bare(claim)
    digest = hashlib.sha256(claim.source_id.encode("utf-8")).hexdigest()
    # The third form only matters if a title happens to slugify to `<slug>-<hash8>`.
    return (bare, f"{bare}-{digest[:8]}", f"{bare}-{digest[:16]}")


def _collision(claim: SlugClaim, path: str, holder: str | None) -> Finding:
    why = f"is taken by {holder}" if holder else "was taken when first published"
    message = f"{_bare(claim)} {why}; published as {path}"
    return Finding(code="slug-collision", rule="S6", message=message)


def slug_map_json(mapping: Mapping[str, str]) -> str:
    """The persisted slug map: source_id -> path, sorted, one entry per line."""
    return json.dumps(dict(sorted(mapping.items())), ensure_ascii=False, indent=1) + "\n"


def parse_slug_map(text: str) -> dict[str, str]:
    """Read slug-map.json text; ValueError when it is not a {source_id: path} object."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("slug map: expected a JSON object")
    for key, value in data.items():
        if not isinstance(value, str) or not _PATH_RE.match(value):
            raise ValueError(f"slug map: bad path for {key!r}: {value!r}")
    return dict(data)
