"""Command line: a thin shell over library calls, with real exit codes (0 ok, 1 bad input, 2 usage)."""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from collections import Counter
from pathlib import Path
from typing import Sequence, TextIO

from newsgen import __version__
from newsgen.build import BuildOptions, build
from newsgen.check import check
from newsgen.clock import build_clock
from newsgen.config import Config, load_config
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.model import Report
from newsgen.scaffold import new_article
from newsgen.site import Publishing
from newsgen.writer import create_file


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="newsgen", description="Static sites for Arabic news archives.")
    top.add_argument("--version", action="version", version=f"newsgen {__version__}")
    top.add_argument("--traceback", action="store_true", help="show Python tracebacks (for bug reports)")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, text in (("build", "build the site into build/"), ("serve", "preview on 127.0.0.1 and rebuild on change")):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--config", type=Path, help="config file (default: ./newsgen.yaml if present)")
        sub.add_argument("--out", type=Path, help="output folder (default: build/)")
        sub.add_argument("--strict", action="store_true", help="treat normalizer flags as errors")
        sub.add_argument("--drafts", action="store_true", help="publish articles marked draft: true")
        sub.add_argument("--future", action="store_true", help="publish articles dated after the build clock")
        sub.add_argument("--now", help="pin the build clock (ISO date or datetime); else SOURCE_DATE_EPOCH or now")
        sub.add_argument("--clean", action="store_true", help="ignore the cache: re-read and re-render everything")
        sub.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: one per core)")
    check = commands.add_parser("check", help="report what the normalizer finds, without building")
    check.add_argument("paths", nargs="*", type=Path, help="article files or folders (default: seeds/)")
    check.add_argument("--config", type=Path, help="config file (default: ./newsgen.yaml if present)")
    check.add_argument("--strict", action="store_true", help="treat flags as errors")
    new = commands.add_parser("new", help="start a new article for today in seeds/")
    new.add_argument("title", help="the headline")
    new.add_argument("--md", action="store_true", help="Markdown with front matter instead of the native format")
    new.add_argument("--config", type=Path, help="config file (default: ./newsgen.yaml if present)")
    serve = commands.choices["serve"]
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    return top


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        config = _config(args)
        if args.command in ("check", "new"):
            return _check(args, config, out) if args.command == "check" else _new(args, config, out)
        options = BuildOptions(publishing=Publishing(drafts=args.drafts, future=args.future),
                               now=args.now, strict=args.strict, clean=args.clean, jobs=args.jobs,
                               progress=ProgressBar(err) if args.command == "build" and err.isatty() else None)
        if args.command == "serve":
            from newsgen.serve import serve  # imported here: watchfiles is only needed for serve
            return serve(config, options, host=args.host, port=args.port, out=out, err=err,
                         config_file=args.config.resolve() if args.config else None)
        report = build(config, options)
    except NewsgenError as error:
        print(error.display(Path.cwd()), file=err)
        return 1
    except BuildFailed as failure:
        for error in failure.errors:
            print(error.display(Path.cwd()), file=err)
        print(f"newsgen: build failed with {len(failure.errors)} error(s); build/ left unchanged", file=err)
        return 1
    except Exception as exc:  # noqa: BLE001 - a bug: say so plainly, traceback on request
        if args.traceback:
            raise
        print(f"newsgen: internal error: {type(exc).__name__}: {exc} (run with --traceback)", file=err)
        return 1
    print_summary(report, config, out)
    return 0


def _check(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    return check(args.paths, config, out, strict=args.strict)


def _new(args: argparse.Namespace, config: Config, out: TextIO) -> int:
    day = build_clock(None, config.tz).astimezone(config.tz).date()
    name, text = new_article(args.title, day, markdown=args.md)
    path = create_file(config.seeds_dir / name, text)
    print(path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path, file=out)
    return 0


def _config(args: argparse.Namespace) -> Config:
    config = load_config(args.config)
    if getattr(args, "out", None) is not None:
        config = replace(config, build_dir=args.out.resolve())
    return config


class ProgressBar:
    """`[#####.....] 5000/10000 pages` on a terminal, redrawn in place at most a hundred times."""

    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream, self.width, self.shown = stream, width, -1

    def __call__(self, done: int, total: int) -> None:
        step = done * 100 // max(total, 1)
        if total < 500 or step == self.shown:  # short builds need no bar
            return
        self.shown = step
        filled = self.width * done // total
        end = "\n" if done == total else ""
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} pages{end}")
        self.stream.flush()


def print_summary(report: Report, config: Config, out: TextIO) -> None:
    counts = Counter(f.code for _, f in report.findings if f.code != "encoding")
    notes = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
    search = f" (search index {report.search_seconds:.2f}s)" if report.search_seconds is not None else ""
    print(f"newsgen: {report.articles} articles, {report.files} files in {report.seconds:.2f}s{search}"
          f" -> {config.build_dir}", file=out)
    if notes:
        print(f"findings: {notes} (details in {config.build_dir / 'newsgen-report.json'})", file=out)
    for line in report.quarantined:
        print(f"quarantined: {line}", file=out)
