"""What every part of the benchmark uses: the project root, its error, logging and helper commands."""
from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent          # the project root


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


class Trash:
    """Old outputs are moved aside while builds are timed, and deleted only when the benchmark ends.

    Why: this machine's root file system is ext4 without a journal, where the kernel checks every
    free inode it considers against "recently deleted" (ext4 `recently_deleted()`, for minutes
    after the delete). Deleting 25,000 files and folders and then creating as many in the same
    block groups costs seconds of kernel time (perf: `recently_deleted` in `find_inode_bit`,
    >50% of the samples), and it fell on the next timed build: on the tools that make a folder
    per page (Hugo, newsgen) most. A rename frees no inode."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def put(self, path: Path) -> None:
        if not (path.exists() or path.is_symlink()):
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        # time_ns: unique across runs too (a killed run's trash is still there, and pids recur)
        path.rename(self.folder / f"{time.time_ns()}-{path.name}")

    def empty(self) -> None:
        rmtree(self.folder)
