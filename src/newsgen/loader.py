"""Read articles from the seeds folder: native wire copy and Markdown with front matter."""
from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from newsgen import frontmatter
from newsgen.chars import fold_digits
from newsgen.clock import parse_when
from newsgen.decode import decode
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.model import QUARANTINE, Article, Finding
from newsgen.normalize import normalize
from newsgen.decode import quarantine_reason

SUFFIXES = {".txt": "native", ".md": "markdown", ".markdown": "markdown"}
# Spec E6, with the date token loose so a bad date gets its own message (D2 folds digits first).
_HEADER = re.compile(r"^\s*date\s+(?P<date>\S+)(?:\s+(?P<title>\S.*?))?\s*$")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class Fields:
    """What one file says, before normalization."""

    title: str
    body: str
    body_line: int
    meta: dict[str, Any]


def article_paths(seeds_dir: Path, ignore: tuple[str, ...] = ()) -> list[Path]:
    """Article files below `seeds_dir`, sorted; hidden files and folders, and `ignore` globs, skipped.
    Links to folders are not followed (as os.walk does); links to files are read."""
    found: list[tuple[list[str], str]] = []
    _walk(str(seeds_dir), "", ignore, found)
    found.sort()  # by parts, as Paths sort, without making every Path's parts first
    return [Path(path) for _, path in found]


def _walk(folder: str, rel: str, ignore: tuple[str, ...], found: list[tuple[list[str], str]]) -> None:
    # os.scandir, not os.walk or rglob: its entries know their type without a stat per file.
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError:
        return  # unreadable or gone: os.walk skips it too
    for entry in listed:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir():
                if not entry.is_symlink():
                    _walk(entry.path, rel + name + "/", ignore, found)
                continue
            wanted = os.path.splitext(name)[1] in SUFFIXES and entry.is_file()
        except OSError:
            continue
        if wanted and not any(fnmatch.fnmatchcase(rel + name, pattern) for pattern in ignore):
            found.append(((rel + name).split("/"), entry.path))


def load_articles(seeds_dir: Path, tz: tzinfo, ignore: tuple[str, ...] = ()) -> tuple[Article, ...]:
    """Every article, or BuildFailed listing every bad file at once."""
    articles, errors = [], []
    for path in article_paths(seeds_dir, ignore):
        try:
            articles.append(read_article(path, seeds_dir, tz))
        except NewsgenError as exc:
            errors.append(exc)
    if errors:
        raise BuildFailed(errors)
    return tuple(articles)


def read_article(path: Path, seeds_dir: Path, tz: tzinfo) -> Article:
    # The source id names the seeds folder too (`seeds/a.txt`), as spec S6/S-10 hashes it.
    return parse_article(read_source(path), path, source_id_of(path, seeds_dir), tz)


def read_source(path: Path) -> bytes:
    """The whole file, with os.read: io's buffered reader costs more than the read itself."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def source_id_of(path: Path, seeds_dir: Path) -> str:
    """path.relative_to(seeds_dir.parent).as_posix(), by string slicing when `path` plainly lies
    below (POSIX paths): pathlib's own parsing costs more than reading the file."""
    base, full = os.path.dirname(str(seeds_dir)), str(path)
    if os.sep == "/" and base not in ("", "/") and full.startswith(base + "/"):
        return full[len(base) + 1:]
    return path.relative_to(seeds_dir.parent).as_posix()


def parse_article(data: bytes, path: Path, source_id: str, tz: tzinfo) -> Article:
    """Decode, split, check and normalize one file (pure: no file access)."""
    decoded = decode(data)
    text = decoded.text
    kind = SUFFIXES.get(path.suffix, "native")
    fields = _markdown_fields(text, path) if kind == "markdown" else _native_fields(text, path)
    body = normalize(fields.body, first_line=fields.body_line)
    title = normalize(fields.title, order=body.order, first_line=_title_line(fields))
    if not title.text.strip():
        raise NewsgenError(path, _title_line(fields), "empty title")
    if not body.text.strip():
        raise NewsgenError(path, fields.body_line, "empty body: an article needs at least one paragraph")
    findings = decoded.findings + title.findings + body.findings
    reason = quarantine_reason(title.text, body.text)
    if reason:
        findings += (Finding(code="quarantine", rule="E3", message=reason, severity=QUARANTINE, line=1),)
    text_body = _markdown_body(fields.body, body.order) if kind == "markdown" else body.text
    return _article(path, source_id, kind, title.text, text_body, fields, findings, tz)


def _native_fields(text: str, path: Path) -> Fields:
    header, _, body = text.partition("\n")   # the body as one string: no split and join per line
    match = _HEADER.match(header)
    if not match:
        raise NewsgenError(path, 1, "missing header: line 1 must be 'date YYYY-MM-DD <title>'")
    day = fold_digits(match.group("date"))
    if not _ISO_DAY.fullmatch(day):
        raise NewsgenError(path, 1, f"bad date '{match.group('date')}': expected YYYY-MM-DD")
    if not match.group("title"):
        raise NewsgenError(path, 1, "missing title after the date")
    return Fields(match.group("title"), body, 2, {"date": day})


def _markdown_fields(text: str, path: Path) -> Fields:
    try:
        fm = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        raise NewsgenError(path, exc.line, str(exc)) from None
    problems = frontmatter.check(fm)
    if problems:
        # One file, several problems: report the first here; BuildFailed gathers across files.
        line, message = problems[0]
        raise NewsgenError(path, line, message)
    if "title" not in fm.meta:
        raise NewsgenError(path, 2, "missing title: add 'title:' to the front matter")
    if "date" not in fm.meta:
        raise NewsgenError(path, 2, "missing date: add 'date: YYYY-MM-DD' to the front matter")
    meta = dict(fm.meta, _lines=fm.key_lines)
    return Fields(str(fm.meta["title"]), fm.body, fm.body_line, meta)


def _title_line(fields: Fields) -> int:
    return fields.meta.get("_lines", {}).get("title", 1)


def _article(path: Path, source_id: str, kind: str, title: str, body: str,
             fields: Fields, findings: tuple[Finding, ...], tz: tzinfo) -> Article:
    meta = fields.meta
    lines = meta.get("_lines", {})
    when = {}
    for key in ("date", "updated", "expires"):
        if meta.get(key) is not None:
            try:
                when[key] = _when(meta[key], tz)
            except ValueError as exc:
                raise NewsgenError(path, lines.get(key, 1), str(exc)) from None
    authors = frontmatter.text_list(meta.get("authors")) or frontmatter.text_list(meta.get("author"))
    return Article(
        source=path, source_id=source_id, format=kind, title=title, date=when["date"],
        slug=str(meta.get("slug", "")).strip(), body=body, body_line=fields.body_line,
        summary=_clean(meta.get("summary", "")), tags=_clean_list(meta.get("tags")),
        categories=_clean_list(meta.get("categories")), authors=tuple(_clean(a) for a in authors),
        image=str(meta.get("image", "")).strip(), draft=bool(meta.get("draft", False)),
        updated=when.get("updated"), expires=when.get("expires"), findings=findings,
    )


def _when(value: Any, tz: tzinfo) -> datetime:
    """parse_when(), with a fast path for a plain YYYY-MM-DD day (every native header)."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return datetime(int(value[:4]), int(value[5:7]), int(value[8:]), tzinfo=tz)
        except ValueError:
            pass   # no such day: parse_when() words the error
    return parse_when(value, tz)


def _clean(value: str) -> str:
    return normalize(value).text if value else ""


def _clean_list(value: Any) -> tuple[str, ...]:
    if not value:   # what text_list() makes of None, "" and []
        return ()
    return tuple(filter(None, (_clean(v) for v in frontmatter.text_list(value))))


def _markdown_body(source: str, order: str) -> str:
    """Normalize Markdown line by line, keeping indentation, blank lines and code blocks as they are."""
    out, in_fence = [], False
    for line in source.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or _FENCE.match(line) or not line.strip() or line.startswith(("    ", "\t")):
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.append(indent + normalize(line.strip(), order=order).text)
    return "\n".join(out).strip("\n") + "\n"
