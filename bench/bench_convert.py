"""Convert a folder of newsgen-native articles (*.txt, seed format) into the
Pelican and Hugo Markdown formats of make_corpus.py, so the peers can build
the same articles (used by bench.py for `--corpus PATH`).

The renderers are make_corpus.py's own (render_pelican, render_hugo), loaded
from the shared bench folder, so a converted real corpus has exactly the shape
of a synthetic one. The slug of each article is its file name, lower-cased and
reduced to [a-z0-9-] (Hugo lower-cases paths anyway), so every peer page can
be matched to its source file. The converted copy goes to the scratch folder
only, never into the project.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType


def load_make_corpus(shared_bench: Path) -> ModuleType:
    path = shared_bench / "make_corpus.py"
    spec = importlib.util.spec_from_file_location("bench_make_corpus", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def slug_for(path: Path) -> str:
    s = re.sub(r"[^a-z0-9-]+", "-", path.stem.lower()).strip("-")
    return s or "article"


def parse_native(text: str, mc: ModuleType):
    """(date, title, blocks) with blocks = [("h"|"p", text)], like make_corpus."""
    lines = text.replace("\r\n", "\n").split("\n")
    m = mc.FIRST_LINE_RE.match(lines[0].lstrip("\ufeff"))
    if not m:
        return None
    date = dt.date.fromisoformat(m.group(1))
    body = "\n".join(lines[1:])
    blocks = []
    for p in re.split(r"\n\s*\n", body):
        p = p.strip()
        if not p:
            continue
        hm = mc.HEADING_RE.match(p)
        blocks.append(("h", hm.group(1)) if hm else ("p", p))
    return date, m.group(2), blocks


def convert(src: Path, dest: Path, shared_bench: Path) -> dict:
    """Write dest/pelican/*.md and dest/hugo/*.md; return counts and problems."""
    mc = load_make_corpus(shared_bench)
    (dest / "pelican").mkdir(parents=True, exist_ok=True)
    (dest / "hugo").mkdir(parents=True, exist_ok=True)
    seen: dict[str, Path] = {}
    skipped, replaced = [], []
    slugs = []
    for path in sorted(src.glob("*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="replace")
            replaced.append(path.name)
        parsed = parse_native(text, mc)
        if parsed is None:
            skipped.append(path.name)
            continue
        date, title, blocks = parsed
        slug = slug_for(path)
        if slug in seen:
            raise SystemExit(f"slug collision: {path.name} and {seen[slug].name} -> {slug}")
        seen[slug] = path
        slugs.append(slug)
        (dest / "pelican" / f"{slug}.md").write_text(
            mc.render_pelican(slug, date, title, blocks), encoding="utf-8")
        (dest / "hugo" / f"{slug}.md").write_text(
            mc.render_hugo(slug, date, title, blocks), encoding="utf-8")
    return {"converted": len(slugs), "skipped_unparsable": skipped,
            "undecodable_utf8": replaced}
