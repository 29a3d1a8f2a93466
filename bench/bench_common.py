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


