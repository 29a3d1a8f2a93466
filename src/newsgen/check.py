"""`newsgen check`: the findings of every article, per file, without building."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Iterable, TextIO

from newsgen.config import Config
from newsgen.errors import NewsgenError
from newsgen.loader import SUFFIXES, article_paths, read_article
from newsgen.model import INFO, QUARANTINE


def files_to_check(paths: Iterable[Path], config: Config) -> list[tuple[Path, Path]]:
    """(file, folder its source id is relative to) for every article named or found below a folder."""
    found = []
    for path in paths or [config.seeds_dir]:
        path = path.resolve()
        if path.is_dir():
            found += [(p, path) for p in article_paths(path, config.ignore_files)]
        elif path.suffix in SUFFIXES:
            found.append((path, path.parent))
        else:
            raise NewsgenError(path, None, "not an article file (.txt, .md) or folder")
    return found


def check(paths: Iterable[Path], config: Config, out: TextIO, strict: bool = False) -> int:
    """Print `path:line: severity code (rule): message` per finding; 1 if any error (or flag under strict)."""
    cwd = Path.cwd()
    counts: Counter[str] = Counter()
    failed = 0
    files = files_to_check(paths, config)
    for path, root in files:
        shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
        try:
            article = read_article(path, root, config.tz)
        except NewsgenError as exc:
            print(f"{exc.display(cwd)} [error]", file=out)
            counts["error"] += 1
            failed += 1
            continue
        bad = False
        for finding in article.findings:
            counts[finding.code] += 1
            if finding.severity == INFO and finding.code == "encoding" and "utf-8" in finding.message:
                continue  # plain UTF-8 is not news
            where = f"{shown}:{finding.line}" if finding.line else str(shown)
            print(f"{where}: {finding.severity} {finding.code} ({finding.rule}): {finding.message}", file=out)
            bad |= finding.severity == QUARANTINE or (strict and finding.severity != INFO)
        failed += bad
    summary = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
    print(f"newsgen check: {len(files)} files, {failed} with errors; findings: {summary or 'none'}", file=out)
    return 1 if failed else 0
