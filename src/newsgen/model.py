"""The values that flow between stages. Frozen dataclasses, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# Severity of a normalizer finding (spec §12).
INFO = "info"              # the text was changed; nothing to review
FLAG = "flag"              # needs a person's eye; an error under --strict
QUARANTINE = "quarantine"  # the article must not be published


# Finding and Article have no __slots__: plain instances pickle in C, ten times faster (the
# loading workers send every article to the main process, and the cache stores them).
@dataclass(frozen=True, kw_only=True)
class Finding:
    """What one normalizer rule changed or flagged (spec §12)."""

    code: str                 # spec §12 name, e.g. "bidi-override", "encoding"
    rule: str                 # spec rule id, e.g. "B4"
    message: str              # for people, one line
    severity: str = INFO
    line: int | None = None   # 1-based line in the source file, when known
    count: int = 1


@dataclass(frozen=True, kw_only=True)
class Article:
    source: Path              # the file as found on disk
    source_id: str            # POSIX path from the seeds folder's parent: "seeds/a.txt" (spec S6)
    format: str               # "native" | "markdown"
    title: str                # display text, normalized
    date: datetime            # tz-aware; sets URL, order and feeds (spec D4)
    slug: str
    body: str                 # native: normalized paragraphs; markdown: Markdown source (after
                              # loading: a newsgen.store.StoredBody, read with store.body_text)
    body_line: int            # source line where the body starts
    summary: str = ""
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    image: str = ""
    draft: bool = False
    updated: datetime | None = None
    expires: datetime | None = None
    findings: tuple[Finding, ...] = ()

    @property
    def quarantined(self) -> bool:
        return any(f.severity == QUARANTINE for f in self.findings)


def assemble(values: dict[str, object]) -> Article:
    """`Article(**values)` for values that came from an Article (newsgen.store), without __init__."""
    article = object.__new__(Article)
    article.__dict__.update(values)
    return article


def evolve(article: Article, **changes: object) -> Article:
    """`dataclasses.replace(article, **changes)` in ~1 us, not ~10: it copies the fields instead of
    running __init__ again (Article's checks nothing), and stages do this once per article."""
    unknown = changes.keys() - article.__dict__.keys()
    if unknown:
        raise TypeError(f"Article has no field {', '.join(sorted(unknown))}")
    new = object.__new__(Article)
    new.__dict__.update(article.__dict__, **changes)
    return new


@dataclass(frozen=True, slots=True, kw_only=True)
class Output:
    """One file of the site: a path relative to the build root, and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """What a build did, for the summary line."""

    articles: int
    files: int
    seconds: float
    search_seconds: float | None = None     # the Pagefind index, timed apart
    findings: tuple[tuple[str, Finding], ...] = field(default=())
    quarantined: tuple[str, ...] = ()
