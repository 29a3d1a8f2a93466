"""The only module that writes to disk: the whole site into a temporary folder, then swapped in."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

from newsgen.errors import NewsgenError
from newsgen.model import Output


class WriteError(Exception):
    """A page that cannot be written: two outputs on one path, or a path leaving the build folder."""


@dataclass(frozen=True, slots=True)
class Written:
    files: int


def write_site(outputs: Iterable[Output], static_dir: Path, build_dir: Path,
               finish: Callable[[Path], None] | None = None) -> Written:
    """Write every output and static file into `build_dir.tmp-<pid>`, then swap it in.

    `finish` runs on the complete staging folder before the swap (the search indexer).
    On any error the temporary folder is removed and `build_dir` is left exactly as it was.
    """
    build_dir = build_dir.resolve()
    staging = build_dir.with_name(f"{build_dir.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        seen: set[str] = set()
        for output in outputs:
            _write(staging, output.path, output.data, seen)
        for source in sorted(static_dir.rglob("*")) if static_dir.is_dir() else []:
            if source.is_file() and not source.name.startswith("."):
                rel = PurePosixPath("static", source.relative_to(static_dir).as_posix())
                _write(staging, str(rel), source.read_bytes(), seen)
        if finish is not None:
            finish(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, build_dir)
    return Written(files=len(seen))


def _write(root: Path, rel: str, data: bytes, seen: set[str]) -> None:
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise WriteError(f"refusing to write outside the build folder: {rel}")
    key = path.as_posix()
    if key in seen:
        raise WriteError(f"two outputs want the same path: {rel}")
    seen.add(key)
    target = root.joinpath(*path.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _swap(staging: Path, build_dir: Path) -> None:
    """Two renames (POSIX rename() cannot replace a non-empty folder), then drop the old tree."""
    old = build_dir.with_name(f"{build_dir.name}.old-{os.getpid()}")
    if build_dir.exists():
        os.replace(build_dir, old)
    os.replace(staging, build_dir)
    shutil.rmtree(old, ignore_errors=True)


def create_file(path: Path, text: str) -> Path:
    """Create a new file for the user (`newsgen new`); never overwrites an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewsgenError(path, None, "already exists; newsgen new never overwrites a file") from None
    return path
