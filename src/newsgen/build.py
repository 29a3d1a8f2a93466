"""The one function that knows the order of the stages.

A build first finishes any update a killed run left half-applied, then compares its inputs with
the last build's (newsgen.cache): when nothing changed and the clock crossed no embargo, expiry or
news-window edge, it is done. Else it loads (cached, in workers), plans the whole site, and hands the
pages to newsgen.output, which renders and writes only what changed.
"""
from __future__ import annotations

import gc
import json
import shutil
import time
from dataclasses import dataclass, fields, replace
from json.encoder import encode_basestring
from typing import Callable

from newsgen.cache import JOURNAL, Manifest, cache_dir, intact, load_manifest
from newsgen.clock import build_clock
from newsgen.config import Config
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.model import Finding, Output, Report
from newsgen.parallel import default_jobs
from newsgen.search import BUNDLE, SearchError
from newsgen.site import Publishing, Site, make_site
from newsgen.slug import parse_slug_map, slug_map_json
from newsgen.snapshot import Frame
from newsgen.sources import Sources, complete, load, same_clock, scan, thresholds
from newsgen.store import ArticleStore
from newsgen.writer import WriteError, roll_forward

SLUG_MAP = "slug-map.json"
REPORT = "newsgen-report.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    publishing: Publishing = Publishing()
    now: str | None = None
    strict: bool = False
    clean: bool = False        # ignore the cache: parse every article and render every page again
    jobs: int | None = None    # worker processes; None: one per core
    progress: Callable[[int, int], None] | None = None   # told (done, total) while pages render


def build(config: Config, options: BuildOptions = BuildOptions()) -> Report:
    """Build the site; the objects it makes are kept out of the cyclic collector while it runs
    (_settle), and handed back to it at the end: `serve` builds again and again in one process."""
    held = gc.get_freeze_count() > 0
    try:
        return _build(config, options)
    finally:
        if not held:
            gc.unfreeze()


def _settle() -> None:
    """The articles, and then the planned pages, live until the build ends: hundreds of thousands
    of objects that each full collection would walk again (five times, ~0.3 s at 10,000 articles)."""
    gc.freeze()


def _build(config: Config, options: BuildOptions) -> Report:
    started = time.perf_counter()
    try:
        clock = build_clock(options.now, config.tz)
    except ValueError as exc:
        raise BuildFailed([NewsgenError("--now", None, str(exc))]) from None
    config = replace(config, build_dir=config.build_dir.resolve())
    folder = cache_dir(config.build_dir)
    roll_forward(folder / JOURNAL)  # a killed update is finished first, whatever this run does
    for orphan in folder.glob("stage-*"):  # staged by a run that died before its journal
        shutil.rmtree(orphan, ignore_errors=True)
    old = None if options.clean or not config.build_dir.is_dir() else load_manifest(folder, config.build_dir)
    # Nothing cached (a first build, a new output folder, --clean): every article will be parsed,
    # and hashed as it is, so the scan does not read the seed files a first time.
    sources = scan(config, options, old, read=old is not None or (not options.clean and ArticleStore.exists(folder)))
    if old is not None and _unchanged(old, sources, clock, config):
        return Report(**_expand(old.report), seconds=time.perf_counter() - started)
    jobs = options.jobs or default_jobs()
    store = ArticleStore(folder, sources.load_key, trust=not options.clean)
    if old is not None and old.snapshot is not None and not options.strict:
        from newsgen.patch import patch_build  # only article bodies changed: skip planning
        patched = patch_build(config, sources, old, clock, store, folder, jobs)
        if patched is not None:
            return replace(patched, seconds=time.perf_counter() - started)
    articles, known, parsed = load(config, sources, store, jobs)
    sources = complete(sources, parsed)
    _settle()
    findings = tuple((a.source_id, f) for a in articles for f in a.findings)
    if options.strict:
        _fail_on_flags(config, articles)
    site = make_site(config, articles, clock, _published(config), options.publishing)
    from newsgen.output import Job, publish  # here: a no-change build never needs Jinja or Markdown
    from newsgen.pages import NEWS_WINDOW, plan

    pages = plan(site)
    _settle()
    extras = _records(site, findings)
    summary = dict(articles=len(site.articles), files=len(pages) + len(extras) + len(sources.static),
                   findings=findings + site.findings,
                   quarantined=tuple(f"{sid}: {why}" for sid, why in site.held_back if why.startswith("quarantined")))
    base = Manifest(build_dir=str(config.build_dir), files={}, inputs_key=sources.inputs_key,
                    thresholds=thresholds(articles, NEWS_WINDOW), clock=clock.timestamp(), seeds=sources.seeds,
                    scanned_ns=sources.scanned_ns, report=_compact(summary))
    shown = {a.source_id: a.slug for a in site.articles}
    frame = Frame(sources.frame_key, {str(a.source): (a.source_id, shown.get(a.source_id)) for a in articles},
                  tuple(a.source_id for a in articles), len(site.findings))
    try:
        done = publish(Job(config, folder, pages, extras, sources.static, sources.salt, known, jobs,
                          frame, options.progress), base, old)
    except (WriteError, SearchError) as exc:
        raise BuildFailed([NewsgenError(config.build_dir, None, str(exc))]) from None
    store.tidy()  # only now: the pages just written read their bodies from where they were
    return Report(**summary, search_seconds=done.search.seconds if done.search else None,
                  seconds=time.perf_counter() - started)


def _unchanged(old: Manifest, sources: Sources, clock, config: Config) -> bool:
    """Same inputs, no clock edge crossed, every output file as recorded, search index as wanted."""
    if old.inputs_key != sources.inputs_key or not same_clock(old, clock):
        return False
    bundle = (config.build_dir / BUNDLE).exists()
    if not ((old.search_key is not None and bundle) if config.search else not bundle):
        return False
    return len(intact(old.files, config.build_dir)) == len(old.files)


def _compact(summary: dict) -> dict:
    """The report for the manifest: each distinct finding once (10,000 articles have ~50,000
    findings but a few dozen distinct ones), as plain tuples (pickling slotted dataclasses is slow)."""
    names = [f.name for f in fields(Finding)]
    table: dict[tuple, int] = {}
    seen: dict[int, int] = {}  # by id: the store shares equal findings, and id() is cheap to hash
    rows = []
    for sid, f in summary["findings"]:
        n = seen.get(id(f))
        if n is None:
            n = seen[id(f)] = table.setdefault(tuple(getattr(f, name) for name in names), len(table))
        rows.append((sid, n))
    return dict(summary, findings=(names, tuple(table), tuple(rows)))


def _expand(report: dict) -> dict:
    names, table, rows = report["findings"]
    distinct = [Finding(**dict(zip(names, values))) for values in table]  # frozen: safe to share
    return dict(report, findings=tuple((sid, distinct[n]) for sid, n in rows))


def _published(config: Config) -> dict[str, str]:
    path = config.build_dir / SLUG_MAP
    return parse_slug_map(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _records(site: Site, findings: tuple) -> list[Output]:
    """The slug map (so published URLs never move) and the findings report, inside build/."""
    return [Output(path=SLUG_MAP, data=slug_map_json(site.slug_map).encode("utf-8")),
            Output(path=REPORT, data=(_report_json(findings + site.findings) + "\n").encode("utf-8"))]


def _report_json(findings: tuple) -> str:
    """json.dumps(rows, ensure_ascii=False, indent=1) of one row per finding, byte for byte, but
    each distinct finding encoded once (a few dozen among ~50,000 at 10,000 articles), and without
    the pure-Python encoder that `indent` selects."""
    if not findings:
        return "[]"
    value = lambda v: encode_basestring(v) if isinstance(v, str) else json.dumps(v)  # noqa: E731
    tails: dict[int, str] = {}  # by id: equal findings are mostly one object (newsgen.store)
    for _, f in findings:
        if id(f) not in tails:
            row = {"code": f.code, "rule": f.rule, "severity": f.severity, "line": f.line, "message": f.message}
            tails[id(f)] = "".join(f",\n  {encode_basestring(k)}: {value(v)}" for k, v in row.items()) + "\n }"
    return "[\n" + ",\n".join(f' {{\n  "source": {encode_basestring(sid)}{tails[id(f)]}' for sid, f in findings) + "\n]"


def _fail_on_flags(config: Config, articles: tuple) -> None:
    errors = [NewsgenError(a.source, f.line, f"{f.code} ({f.rule}): {f.message}")
              for a in articles for f in a.findings if f.severity != "info"]
    if errors:
        raise BuildFailed(errors)
