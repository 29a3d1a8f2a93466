"""Markdown articles: a YAML front-matter block, then Markdown (python-frontmatter's shape, strict)."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

import yaml

KEYS = ("title", "date", "slug", "summary", "tags", "categories", "author",
        "authors", "draft", "updated", "expires", "image")
LIST_KEYS = ("tags", "categories", "authors")
TEXT_KEYS = ("title", "slug", "summary", "author", "image")
_FENCE = re.compile(r"^---[ \t]*$")
_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


class FrontMatterError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so our strict parser sees them (and 2026-02-30 is our error)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True, slots=True)
class FrontMatter:
    meta: dict[str, Any]
    key_lines: dict[str, int]  # key -> source line, for messages
    body: str
    body_line: int


def split(text: str) -> FrontMatter:
    """Split `---\\nYAML\\n---\\nbody`; every problem is a FrontMatterError with a line."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise FrontMatterError(1, "a Markdown article must start with a '---' front-matter block")
    end = next((i for i in range(1, len(lines)) if _END.match(lines[i])), None)
    if end is None:
        raise FrontMatterError(1, "front matter is not closed with '---'")
    source = "\n".join(lines[1:end])
    try:
        meta = yaml.load(source, Loader=_TextLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise FrontMatterError(line, f"bad YAML: {getattr(exc, 'problem', None) or exc}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError(2, f"front matter must be a mapping of keys to values, not {type(meta).__name__}")
    key_lines = _key_lines(lines[1:end])
    return FrontMatter(meta, key_lines, "\n".join(lines[end + 1:]), end + 2)


def check(fm: FrontMatter) -> list[tuple[int, str]]:
    """Every problem in the keys and value types, as (line, message)."""
    problems = []
    for key, value in fm.meta.items():
        line = fm.key_lines.get(str(key), 2)
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append((line, f"unknown front-matter key '{key}'{hint}"))
        elif key in LIST_KEYS and not _is_text_list(value):
            problems.append((line, f"'{key}' must be a list of text"))
        elif key in TEXT_KEYS and not isinstance(value, str):
            problems.append((line, f"'{key}' must be text, not {type(value).__name__}"))
        elif key == "draft" and not isinstance(value, bool):
            problems.append((line, "'draft' must be true or false"))
    return problems


def text_list(value: Any) -> tuple[str, ...]:
    """A YAML list (or one comma-separated string) as stripped, non-empty strings."""
    items = value.split(",") if isinstance(value, str) else (value or [])
    return tuple(s.strip() for s in items if s.strip())


def _is_text_list(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _key_lines(lines: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for offset, line in enumerate(lines):
        match = re.match(r"^([^\s#:][^:]*):", line)
        if match:
            found.setdefault(match.group(1).strip().strip("'\""), offset + 2)
    return found
