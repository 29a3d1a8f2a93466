"""Build a site the way a user does (`newsgen build --config F --out DIR`) and map its URLs to files."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from quality.env import CLOCK


class BuildError(AssertionError):
    """`newsgen build` exited non-zero: the message carries its stderr."""


@dataclass(frozen=True)
class BuiltSite:
    name: str
    root: Path       # the build folder
    base_url: str    # config.site_url: absolute, ends with "/"
    stdout: str = ""

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def html_pages(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.html") if p.is_file())

    def stylesheets(self) -> list[Path]:
        """The project's own stylesheets (build/static/); generated third-party assets are not ours to validate."""
        return sorted(p for p in (self.root / "static").rglob("*.css") if p.is_file())

    def all_stylesheets(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.css") if p.is_file())

    def url_path(self, page: Path) -> str:
        """The URL path a page is served at (clean URLs: `x/index.html` -> `/base/x/`)."""
        rel = self.rel(page)
        if rel == "index.html":
            rel = ""
        elif rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return self.base_path + quote(rel, safe="/-._~")

    def url(self, page: Path) -> str:
        return self.origin + self.url_path(page)

    def file_for(self, url_path: str) -> Path | None:
        """The built file a URL path (percent-encoded, under base_path) is served from, or None."""
        if not url_path.startswith(self.base_path):
            return None
        rel = unquote(url_path[len(self.base_path):], errors="strict")
        if rel.startswith("/") or any(part == ".." for part in rel.split("/")):
            return None
        target = self.root / rel
        if rel == "" or rel.endswith("/"):
            target = target / "index.html"
        return target if target.is_file() else None


def build_site(name: str, config: Path, out: Path, now: str = CLOCK) -> BuiltSite:
    """One `newsgen build` through the CLI entry point; BuildError with stderr when it fails."""
    from newsgen.cli import main  # noqa: PLC0415 - imported late: a broken newsgen fails the test, not collection
    from newsgen.config import load_config  # noqa: PLC0415

    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["build", "--config", str(config), "--out", str(out), "--now", now], out=stdout, err=stderr)
    if code != 0:
        raise BuildError(f"newsgen build --config {config} exited {code}:\n{stderr.getvalue()}{stdout.getvalue()}")
    return BuiltSite(name=name, root=out, base_url=load_config(config).site_url, stdout=stdout.getvalue())


def corpus_project(corpus: Path, project: Path, count: int, templates: Path, static: Path) -> Path:
    """A throw-away project holding the first `count` articles of the corpus index.tsv; its config path."""
    seeds = project / "seeds"
    seeds.mkdir(parents=True)
    with (corpus / "index.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows[:count]:
        shutil.copy2(corpus / row["filename"], seeds / row["filename"])
    config = project / "newsgen.yaml"
    config.write_text(
        "site_title: عينة من مدونة ANT\n"
        "base_url: https://corpus.example.org/ant/\n"
        f"templates_dir: {json.dumps(str(templates))}\nstatic_dir: {json.dumps(str(static))}\n",
        encoding="utf-8")
    return config


def sample_pages(site: BuiltSite, size: int) -> list[Path]:
    """A deterministic sample: the first and last index pages, then pages in sha256(path) order."""
    pages = site.html_pages()
    indexes = sorted((p for p in pages if site.rel(p) == "index.html" or site.rel(p).startswith("page/")),
                     key=lambda p: int("0" + "".join(c for c in site.rel(p) if c.isdigit())))
    chosen = list(dict.fromkeys(indexes[:1] + indexes[-1:]))
    rest = sorted((p for p in pages if p not in chosen), key=lambda p: hashlib.sha256(site.rel(p).encode()).hexdigest())
    for page in rest:
        if len(chosen) >= size:
            break
        chosen.append(page)
    return sorted(set(chosen))
