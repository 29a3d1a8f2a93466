"""newsgen's incremental rebuilds over its previous output: no change, one article edited, one added."""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from bench_common import BenchError, log
from bench_corpus import Corpus
from bench_runs import Row, check_pages, log_run, measure
from bench_tools import Newsgen


EDIT_TARGET = "a-00042"          # the article edited in synthetic corpora (as run_anchors.sh)


def grep_output(out: Path, needle: str, suffixes=(".html", ".xml")) -> dict[str, int]:
    """How many output files of each suffix contain needle."""
    b = needle.encode("utf-8")
    hits = {s: 0 for s in suffixes}
    for root, _dirs, names in os.walk(out):
        for name in names:
            for s in suffixes:
                if name.endswith(s):
                    with open(os.path.join(root, name), "rb") as fh:
                        if b in fh.read():
                            hits[s] += 1
    return hits


def first_line_date(path: Path) -> dt.date | None:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        mt = re.match(r"\s*date (\d{4}-\d{2}-\d{2}) ", fh.readline())
    try:
        return dt.date.fromisoformat(mt.group(1)) if mt else None
    except ValueError:
        return None


def rebuilds(corpus: Corpus, ng: Newsgen, args) -> list[Row]:
    """newsgen's rebuilds over the previous output, in a private copy of the corpus."""
    runs = args.runs or (3 if corpus.n >= 10000 else 5)
    rb = args.work / "rebuild" / corpus.key
    logs = args.work / "logs" / corpus.key
    args.trash.put(rb)
    log(f"copying {corpus.txt} -> {rb / 'seeds'} for the rebuild measurements")
    shutil.copytree(corpus.txt, rb / "seeds")
    seeds = rb / "seeds"
    cfg = ng.write_config(rb / "newsgen.yaml", seeds)
    out = rb / "out"
    cmd = ng.build_cmd(cfg, out)
    label = corpus.label
    rows: list[Row] = []

    def series(build: str, n_runs: int, warmup: int, before_run=None, check=None) -> Row:
        row = Row(label, corpus.n, ng.label, build, warmup)
        for i in range(warmup + n_runs):
            tag = "warm-up" if i < warmup else f"run {i - warmup + 1}/{n_runs}"
            ctx = before_run(i) if before_run else None
            what = f"newsgen {build}, {label}, {tag}"
            slug = re.sub(r"[^a-z0-9]+", "-", build.lower()).strip("-")
            m = measure(cmd, cwd=rb, log_prefix=logs / f"newsgen-{slug}-{i}", args=args,
                        what=what, env=ng.env)
            pages = ng.pages(corpus, out)
            if check:
                check(i, ctx, pages, what, row)
            if i >= warmup:
                row.add(m, pages, newsgen=True)
            log_run(what, m, pages)
        rows.append(row)
        return row

    expected = {"n": corpus.n}

    def check_count(i, ctx, pages, what, row):
        check_pages(ng, corpus, pages, expected["n"], what, args, row)

    # 1. the first build into the kept folder (fills newsgen's cache, if any)
    series("first build into the kept folder", 1, 0, check=check_count)
    # 2. nothing changed
    series("no-change rebuild", runs, 0, check=check_count)

    # 3. one article edited: a new paragraph with a unique marker, before each run
    names = sorted(p.name for p in seeds.glob("*.txt"))
    target = seeds / (f"{EDIT_TARGET}.txt" if f"{EDIT_TARGET}.txt" in names
                      else names[len(names) // 2])

    def edit(i):
        marker = f"benchedit{i:04d}"
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(f"\nفقرة أضيفت لقياس إعادة البناء {marker}.\n")
        return marker

    def check_edit(i, marker, pages, what, row):
        check_count(i, marker, pages, what, row)
        if grep_output(out, marker, (".html",))[".html"] < 1:
            raise BenchError(f"{what}: the edit of {target.name} (marker {marker}) "
                             f"is in no output page: the rebuild did not pick it up")

    series(f"one article edited ({target.name})", runs, 0, edit, check_edit)

    # 4. one article added, dated like the newest article: it goes to the top of
    #    the index and the feeds and into the archives
    dates = [d for d in (first_line_date(seeds / nm) for nm in names) if d]
    newest = max(dates) if dates else dt.date.today()
    body = target.read_text(encoding="utf-8-sig", errors="replace").split("\n", 1)[1]

    def add(i):
        marker = f"benchadd{i:04d}"
        (seeds / f"bench-added-{i:04d}.txt").write_text(
            f"date {newest.isoformat()} خبر مضاف لقياس إعادة البناء {marker}\n{body}",
            encoding="utf-8")
        expected["n"] += 1
        return marker

    def check_add(i, marker, pages, what, row):
        check_count(i, marker, pages, what, row)
        hits = grep_output(out, marker)
        if hits[".html"] < 2:
            raise BenchError(f"{what}: the added article ({marker}) is in {hits['.html']} html "
                             f"file(s); expected its page and at least one listing page")
        note = "added article in no feed (.xml)"
        if hits[".xml"] < 1 and note not in row.notes:
            row.notes.append(note)
            log(f"WARNING: {what}: {note}")

    series("one article added (N+1, N+2, …)", runs, 0, add, check_add)
    return rows
