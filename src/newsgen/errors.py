"""Errors meant for people: every one names a file and, when known, a line."""
from __future__ import annotations

from pathlib import Path


class NewsgenError(Exception):
    """One problem in one input file, printed as `path:line: message`."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return self.display()

    def display(self, cwd: Path | None = None) -> str:
        """`path:line: message`, the path relative to `cwd` when it lies below it."""
        path = self.path
        if cwd is not None and path.is_absolute() and path.is_relative_to(cwd):
            path = path.relative_to(cwd)
        where = f"{path}:{self.line}" if self.line is not None else str(path)
        return f"{where}: {self.message}"

    def sort_key(self) -> tuple[str, int]:
        return (str(self.path), self.line or 0)


class BuildFailed(Exception):
    """Every error of a run, collected so the user sees them all at once."""

    def __init__(self, errors: list[NewsgenError] | tuple[NewsgenError, ...]) -> None:
        self.errors = tuple(sorted(errors, key=NewsgenError.sort_key))
        super().__init__("\n".join(str(e) for e in self.errors))
