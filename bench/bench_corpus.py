"""The corpora: synthetic ones made by make_corpus.py, or a given folder (such as the real corpus)."""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench_common import BenchError, log, rmtree, run_checked
from bench_convert import convert as convert_native


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
