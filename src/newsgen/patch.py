"""A rebuild after edits to article bodies only: render just the pages that show those articles.

The usual newsroom edit fixes a sentence. Title, date, tags and the rest stay as they were, so the
site's shape (order, slugs, archives, related lists, feeds) is the one planned last time, which the
manifest keeps (newsgen.snapshot): every page's context, and which pages show which article. Those
pages are thawed, fingerprinted and rendered as in any update. Anything else (a file added, removed
or renamed, a changed title, date or tag, a parse error, a template, config or clock edge) gives
None, and the full incremental build runs instead.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any

from newsgen.cache import Manifest, digest, intact
from newsgen.config import Config
from newsgen.errors import NewsgenError
from newsgen.loader import parse_article, read_source, source_id_of
from newsgen.model import Article, Output, Report, evolve
from newsgen.pages import Page
from newsgen.snapshot import Snapshot, thaw
from newsgen.sources import Sources, same_clock
from newsgen.store import ArticleStore


class _Missing(Exception):
    """An article a page shows is not in the article cache: the full build reads it again."""


def patch_build(config: Config, sources: Sources, old: Manifest, clock: datetime,
                store: ArticleStore, folder: Path, jobs: int) -> Report | None:
    snap: Snapshot = old.snapshot
    if snap.frame.key != sources.frame_key or not same_clock(old, clock) or sources.seeds.keys() != old.seeds.keys():
        return None
    changed = [path for path, (_, content) in sources.seeds.items() if old.seeds[path][1] != content]
    if not changed or any(path not in snap.frame.articles for path in changed):
        return None
    intact_files = intact(old.files, config.build_dir)
    if len(intact_files) != len(old.files):
        return None  # a page was changed or removed by hand: the full update restores it
    edited = _reparse(config, sources, old, store, changed)
    if edited is None:
        return None
    from newsgen.build import REPORT, _compact, _expand, _report_json  # noqa: PLC0415 - build imports us lazily
    from newsgen.output import Job, patch  # noqa: PLC0415 - only now is Jinja needed

    todo = sorted({n for source_id in edited for n in snap.deps.get(source_id, ())})
    try:
        pages, known = _thaw(snap, todo, edited, old, store)
    except _Missing:
        return None
    report, extras = _expand(old.report), []
    if any(new.findings != was.findings for (new, _), was in edited.values()):
        report["findings"] = _findings(report["findings"], snap, {sid: new for sid, ((new, _), _) in edited.items()})
        extras.append(Output(path=REPORT, data=(_report_json(report["findings"]) + "\n").encode("utf-8")))
    base = dataclasses.replace(old, inputs_key=sources.inputs_key, clock=clock.timestamp(), seeds=sources.seeds,
                               scanned_ns=sources.scanned_ns, report=_compact(report) if extras else old.report)
    done = patch(Job(config, folder, pages, extras, [], sources.salt, known, jobs, snap.frame),
                 base, old, todo, intact_files)
    store.save(prune=False)
    store.tidy()
    return Report(**{**report, "files": done.files, "seconds": 0.0},
                  search_seconds=done.search.seconds if done.search else None)


def _reparse(config: Config, sources: Sources, old: Manifest, store: ArticleStore,
             changed: list[str]) -> dict[str, tuple[tuple[Article, bytes], Article]] | None:
    """source id -> ((the new article, its digest), the old article), if every change is to a body."""
    edited = {}
    for path in changed:
        was = store.get(store.key(Path(path), old.seeds[path][1]))
        try:
            data = read_source(Path(path))
            new = parse_article(data, Path(path), source_id_of(Path(path), config.seeds_dir), config.tz)
        except (OSError, NewsgenError):
            return None  # the full build reports it, with every other error
        content = digest(data)
        if was is None or content != sources.seeds[path][1] or not _same_shape(was[0], new):
            return None  # (or the file changed again since the scan: the full build reads it)
        record = store.keep(new, content)
        light = store.add(store.key(Path(path), content), record, Path(path))
        edited[new.source_id] = ((light, record[1]), was[0])
    return edited


def _same_shape(was: Article, new: Article) -> bool:
    """Equal but for the body (and what the normalizer found in it): the site's shape holds."""
    if was.quarantined or new.quarantined:
        return False
    blank = dict(body="", body_line=0, findings=())
    return dataclasses.replace(was, **blank) == dataclasses.replace(new, **blank)


def _thaw(snap: Snapshot, todo: list[int], edited: dict, old: Manifest,
          store: ArticleStore) -> tuple[list[Any], dict[str, tuple[Article, bytes]]]:
    """The pages `todo` with their contexts (None elsewhere), and the digest of each article they show."""
    path_of = {source_id: path for path, (source_id, _) in snap.frame.articles.items()}
    slug_of = {source_id: slug for source_id, slug in snap.frame.articles.values()}
    known = {source_id: entry for source_id, (entry, _) in edited.items()}
    shown: dict[str, Article] = {}

    def article(source_id: str) -> Article:
        if source_id not in shown:
            if source_id not in known:
                path = path_of[source_id]
                entry = store.get(store.key(Path(path), old.seeds[path][1]))
                if entry is None:
                    raise _Missing(source_id)
                known[source_id] = entry
            shown[source_id] = evolve(known[source_id][0], slug=slug_of[source_id])
        return shown[source_id]

    pages: list[Any] = [None] * len(snap.paths)
    for n in todo:
        pages[n] = Page(snap.paths[n], snap.templates[n], thaw(snap.contexts[n], article))
    return pages, known


def _findings(rows: tuple, snap: Snapshot, new: dict[str, Article]) -> tuple:
    """The report's rows, with the edited articles' findings in their places (load order)."""
    cut = len(rows) - snap.frame.site_findings
    by_article: dict[str, list] = {}
    for source_id, finding in rows[:cut]:
        by_article.setdefault(source_id, []).append(finding)
    result = []
    for source_id in snap.frame.order:
        found = new[source_id].findings if source_id in new else by_article.get(source_id, ())
        result += [(source_id, f) for f in found]
    return tuple(result) + rows[cut:]
