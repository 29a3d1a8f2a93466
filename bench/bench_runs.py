"""Timed runs: one build measured, its pages checked, and the alternating full builds of all tools."""
from __future__ import annotations

import os
import re
import shlex
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from bench_common import BenchError, log
from bench_corpus import Corpus
from bench_measure import Measurement, run_measured
from bench_tools import Pages, Tool


# newsgen's summary line may report its search-index time, e.g.
# "... search index 1.23s" / "search-index: 850 ms" / "search_index=0.4 s".
SEARCH_INDEX_RE = re.compile(
    r"search[\s_-]*index(?:ing)?\D{0,12}?(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds)?\b",
    re.IGNORECASE)



@dataclass
class Row:
    corpus: str
    n: int
    tool: str
    build: str
    warmup: int
    runs: list[Measurement] = field(default_factory=list)
    pages: Pages | None = None
    search_index: list[float] = field(default_factory=list)
    summary: str = ""
    notes: list[str] = field(default_factory=list)

    def med(self, attr: str) -> float:
        return statistics.median(getattr(m, attr) if attr != "cpu" else m.cpu for m in self.runs)

    def add(self, m: Measurement, pages: Pages, *, newsgen: bool) -> None:
        """A counted run; newsgen's summary line may also give its search-index time."""
        self.runs.append(m)
        self.pages = pages
        if newsgen:
            self.summary = summary_line(m)
            si = parse_search_index(self.summary)
            if si is not None:
                self.search_index.append(si)

    def cell(self, attr: str, fmt: str = "{:.2f}") -> str:
        vals = [m.cpu if attr == "cpu" else getattr(m, attr) for m in self.runs]
        med = fmt.format(statistics.median(vals))
        if len(vals) == 1:
            return med
        return f"{med} ({fmt.format(min(vals))}–{fmt.format(max(vals))})"


def summary_line(m: Measurement) -> str:
    """newsgen's summary line ("newsgen: N articles, F files in Xs ..."), leniently:
    the last line that starts with "newsgen" or mentions articles, else the last line."""
    lines = [ln.strip() for t in (m.stdout(), m.stderr()) for ln in t.splitlines() if ln.strip()]
    for ln in reversed(lines):
        if ln.lower().startswith("newsgen") or re.search(r"\barticles?\b", ln):
            return ln
    return lines[-1] if lines else ""


def parse_search_index(line: str) -> float | None:
    mt = SEARCH_INDEX_RE.search(line)
    if not mt:
        return None
    val = float(mt.group(1))
    return val / 1000.0 if (mt.group(2) or "").lower() == "ms" else val


def log_run(what: str, m: Measurement, pages: Pages) -> None:
    log(f"{what}: {m.wall:.2f}s wall, {m.cpu:.2f}s cpu, {m.maxrss_mib:.0f} MiB, pages {pages.cell()}")


def measure(cmd: list[str], *, cwd: Path, log_prefix: Path, args, what: str,
            env: dict[str, str] | None = None) -> Measurement:
    os.sync()  # start every timed build with no dirty pages from the previous one
    m = run_measured(cmd, cwd=cwd, log_prefix=log_prefix, env=env, timeout=args.timeout)
    if m.timed_out:
        raise BenchError(f"{what}: timed out after {args.timeout:.0f}s\n$ {shlex.join(cmd)}\n{m.tail()}")
    if m.returncode != 0:
        raise BenchError(f"{what}: exit code {m.returncode}\n$ {shlex.join(cmd)}\n"
                         f"--- last lines of its output ({log_prefix}.std*):\n{m.tail()}")
    if m.leftovers:
        log(f"WARNING: {what} left {len(m.leftovers)} process(es) running after it exited "
            f"(reaped; their CPU time is counted)")
    return m


def check_pages(tool: Tool, corpus: Corpus, pages: Pages, expected: int, what: str, args,
                row: Row) -> None:
    if pages.articles == expected:
        return
    msg = (f"{what}: {pages.articles} article pages in the output, expected {expected} "
           f"({pages.html} html files, {pages.files} files)")
    if tool.name == "newsgen":
        msg += (" -- newsgen article pages are counted as <out>/yyyy/mm/dd/<slug>/index.html "
                "(spec/normalizer.md S7)")
    if not args.allow_page_mismatch:
        raise BenchError(msg + "\n(use --allow-page-mismatch to report it and go on)")
    log("WARNING: " + msg)
    note = f"{pages.articles}≠{expected} pages"
    if note not in row.notes:
        row.notes.append(note)


def full_builds(corpus: Corpus, tools: list[Tool], args) -> list[Row]:
    runs = args.runs or (3 if corpus.n >= 10000 else 5)
    rows = {t.name: Row(corpus.label, corpus.n, t.label, "full build, fresh output folder",
                        args.warmup) for t in tools}
    base = args.work / "full" / corpus.key
    logs = args.work / "logs" / corpus.key
    before = sorted(os.listdir(corpus.txt))
    prev: dict[str, Path] = {}
    for i in range(args.warmup + runs):
        tag = "warm-up" if i < args.warmup else f"run {i - args.warmup + 1}/{runs}"
        for t in tools:
            rundir = base / t.name / f"run-{i}"
            args.trash.put(rundir)  # a previous benchmark's; see bench_common.Trash
            rundir.mkdir(parents=True)
            out = rundir / "out"
            cmd = t.full_cmd(corpus, rundir, out)
            what = f"{t.label} full build, {corpus.label}, {tag}"
            m = measure(cmd, cwd=rundir, log_prefix=logs / f"{t.name}-full-{i}", args=args,
                        what=what, env=getattr(t, "env", None))
            pages = t.pages(corpus, out)
            row = rows[t.name]
            check_pages(t, corpus, pages, t.expected(corpus), what, args, row)
            if i >= args.warmup:
                row.add(m, pages, newsgen=t.name == "newsgen")
            log_run(what, m, pages)
            if t.name in prev:  # keep only the newest output of each tool
                args.trash.put(prev[t.name])
            prev[t.name] = rundir
    if sorted(os.listdir(corpus.txt)) != before:
        log(f"WARNING: the builds changed the corpus folder {corpus.txt}")
    return list(rows.values())
