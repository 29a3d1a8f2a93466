"""The one function that knows the order of the stages."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

from newsgen.clock import build_clock
from newsgen.config import Config
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.loader import load_articles
from newsgen.model import FLAG, Report
from newsgen.pages import plan
from newsgen.render import Renderer
from newsgen.site import Publishing, Site, make_site
from newsgen.search import SearchError, SearchIndex, index_site
from newsgen.slug import parse_slug_map, slug_map_json
from newsgen.model import Output
from newsgen.writer import WriteError, write_site

SLUG_MAP = "slug-map.json"
REPORT = "newsgen-report.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    publishing: Publishing = Publishing()
    now: str | None = None
    strict: bool = False


def build(config: Config, options: BuildOptions = BuildOptions()) -> Report:
    started = time.perf_counter()
    try:
        clock = build_clock(options.now, config.tz)
    except ValueError as exc:
        raise BuildFailed([NewsgenError("--now", None, str(exc))]) from None
    articles = load_articles(config.seeds_dir, config.tz)
    findings = tuple((a.source_id, f) for a in articles for f in a.findings)
    if options.strict:
        _fail_on_flags(config, articles)
    site = make_site(config, articles, clock, _published(config), options.publishing)
    renderer = Renderer(config)
    outputs = list(renderer.render_all(plan(site)))
    outputs += _records(site, findings)
    indexed: list[SearchIndex] = []
    finish = (lambda folder: indexed.append(index_site(folder))) if config.search else None
    try:
        written = write_site(outputs, config.static_dir, config.build_dir, finish)
    except (WriteError, SearchError) as exc:
        raise BuildFailed([NewsgenError(config.build_dir, None, str(exc))]) from None
    return Report(articles=len(site.articles), files=written.files,
                  search_seconds=indexed[0].seconds if indexed else None,
                  seconds=time.perf_counter() - started, findings=findings + site.findings,
                  quarantined=tuple(f"{sid}: {why}" for sid, why in site.held_back if why.startswith("quarantined")))


def _published(config: Config) -> dict[str, str]:
    path = config.build_dir / SLUG_MAP
    return parse_slug_map(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _records(site: Site, findings: tuple) -> list[Output]:
    """The slug map (so published URLs never move) and the findings report, inside build/."""
    report = [{"source": sid, "code": f.code, "rule": f.rule, "severity": f.severity,
               "line": f.line, "message": f.message} for sid, f in findings + site.findings]
    return [Output(path=SLUG_MAP, data=slug_map_json(site.slug_map).encode("utf-8")),
            Output(path=REPORT, data=(json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))]


def _fail_on_flags(config: Config, articles: tuple) -> None:
    errors = [NewsgenError(config.seeds_dir / a.source_id, f.line, f"{f.code} ({f.rule}): {f.message}")
              for a in articles for f in a.findings if f.severity != "info"]
    if errors:
        raise BuildFailed(errors)
