"""Offline full-text search: run Pagefind over a finished site folder (spec K2, K3).

Pagefind indexes only elements marked `data-pagefind-body` (the article pages) and writes its
bundle into `<site>/pagefind/`; the search page (`templates/search.html`, `static/search.js`)
loads it from there, so the site needs no server and no network. Pagefind 1.5.2's output was
byte-identical across runs, paths and thread counts on the same input (see tests/test_search.py).
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

BUNDLE = "pagefind"          # output folder inside the site, fixed: static/search.js loads ../pagefind/
MARKER = b"data-pagefind-body"


class SearchError(Exception):
    """Pagefind is missing or failed; the message is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class SearchIndex:
    pages: int        # pages in the index (0 when the site has no page marked data-pagefind-body)
    seconds: float    # wall time of the Pagefind run
    version: str = "" # Pagefind version that wrote the bundle ("" when it did not run)


def pagefind_command() -> list[str]:
    """The Pagefind binary shipped in the `pagefind_bin` wheel, else `python -m pagefind`."""
    try:
        import pagefind_bin
        return [str(pagefind_bin.get_executable())]
    except (ImportError, FileNotFoundError):
        pass
    if importlib.util.find_spec("pagefind") is not None:
        return [sys.executable, "-m", "pagefind"]
    raise SearchError("Pagefind is not installed: run pip install 'pagefind[bin]',"
                      " or set 'search: false' in newsgen.yaml")


def index_site(site_dir: Path, *, language: str = "ar") -> SearchIndex:
    """Index `site_dir` with Pagefind into `site_dir/pagefind/` and count the pages indexed.

    A site without any `data-pagefind-body` page gets no bundle: Pagefind would otherwise index
    every page (home, lists), and with no HTML at all it fails.
    """
    started = time.perf_counter()
    site_dir = Path(site_dir).resolve()
    bundle = site_dir / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)  # stale fragments would survive a re-run
    if not _has_marked_page(site_dir):
        return SearchIndex(pages=0, seconds=time.perf_counter() - started)
    command = [*pagefind_command(), "--site", str(site_dir), "--output-subdir", BUNDLE,
               "--force-language", language.split("-")[0].lower() or "ar", "--silent"]
    # Hermetic: no PAGEFIND_* variables and no pagefind.yml from the user's folder change the output.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        done = subprocess.run(command, cwd=site_dir, env=env, capture_output=True,
                              text=True, encoding="utf-8", errors="replace", check=False)
    except OSError as exc:
        raise SearchError(f"could not run Pagefind ({command[0]}): {exc.strerror or exc}") from None
    if done.returncode != 0:
        raise SearchError(f"Pagefind failed (exit {done.returncode}): {_last_lines(done.stderr or done.stdout)}")
    pages, version = _read_entry(bundle)
    return SearchIndex(pages=pages, seconds=time.perf_counter() - started, version=version)


def _has_marked_page(site_dir: Path) -> bool:
    for path in site_dir.rglob("*.html"):
        if path.is_file() and BUNDLE not in path.relative_to(site_dir).parts[:1]:
            with path.open("rb") as handle:
                if MARKER in handle.read():
                    return True
    return False


def _read_entry(bundle: Path) -> tuple[int, str]:
    """Page count and version from `pagefind-entry.json`, the bundle's own table of contents."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        pages = sum(int(lang["page_count"]) for lang in entry["languages"].values())
        return pages, str(entry.get("version", ""))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SearchError(f"Pagefind ran but wrote no usable bundle in {bundle}: {exc}") from None


def _last_lines(text: str, count: int = 5) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no message"


def search_versions() -> str:
    versions = []
    for name in ("pagefind", "pagefind_bin"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return " ".join(versions)


def index_key(language: str, files: dict[str, tuple]) -> str:
    """The index depends on the HTML pages, the language, Pagefind and how newsgen calls it."""
    h = hashlib.sha1()
    h.update(f"{search_versions()} {language}\0".encode())
    h.update(Path(__file__).read_bytes())
    for rel in sorted(r for r in files if r.endswith(".html")):
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + files[rel][1])
    return h.hexdigest()
