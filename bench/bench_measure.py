"""Whole-process measurement for bench.py (standard library only, Linux).

run_measured() starts one command and returns its wall time, CPU time (user +
sys of the command and of every descendant it or we reaped) and peak RSS.
It is the same method as /work/shared/bench/proctime.py (os.wait4 rusage),
with three differences:

* it blocks in wait4 instead of polling every 5 ms, so wall time has no
  polling jitter;
* the benchmark process makes itself a "child subreaper" (prctl), so a
  descendant that outlives its parent is re-parented to us, reaped here, and
  its CPU time is added (otherwise it would be lost to init); such leftovers
  are reported, because a build should not leave processes behind;
* the command's stdout/stderr go to log files, so the caller can read the
  tool's summary line and show the log when a build fails.

Peak RSS is ru_maxrss: the largest single process of the tree (for the main
process this covers every descendant it waited for). It is not the sum of
processes running at the same time.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
_subreaper = False


def become_subreaper() -> bool:
    """Ask Linux to re-parent orphaned descendants to this process."""
    global _subreaper
    if _subreaper:
        return True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        _subreaper = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except OSError:
        _subreaper = False
    return _subreaper


@dataclass
class Measurement:
    wall: float            # seconds, start of Popen to exit of the main process
    user: float            # seconds
    sys: float             # seconds
    maxrss_mib: float      # largest single process, MiB
    returncode: int
    stdout_path: Path
    stderr_path: Path
    timed_out: bool = False
    leftovers: list[int] = field(default_factory=list)  # pids reaped after the main exit

    @property
    def cpu(self) -> float:
        return self.user + self.sys

    def stdout(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 30) -> str:
        text = (self.stdout() + "\n" + self.stderr()).strip().splitlines()
        return "\n".join(text[-lines:])


def _reap_leftovers(pgid: int, grace: float) -> tuple[list[int], float, float, float]:
    """Reap descendants re-parented to us after the main process exited."""
    pids, user, sys_, rss = [], 0.0, 0.0, 0.0
    deadline = time.monotonic() + grace
    killed = False
    while True:
        try:
            pid, _status, ru = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break  # no children at all
        if pid:
            pids.append(pid)
            user += ru.ru_utime
            sys_ += ru.ru_stime
            rss = max(rss, ru.ru_maxrss / 1024.0)
            continue
        if time.monotonic() > deadline and not killed:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            killed = True
        time.sleep(0.01)
    return pids, user, sys_, rss


def run_measured(cmd: list[str], *, cwd: Path, log_prefix: Path,
                 env: dict[str, str] | None = None, timeout: float = 3600.0,
                 leftover_grace: float = 10.0) -> Measurement:
    become_subreaper()
    log_prefix.parent.mkdir(parents=True, exist_ok=True)
    out_path = log_prefix.with_name(log_prefix.name + ".stdout")
    err_path = log_prefix.with_name(log_prefix.name + ".stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _pid, status, ru = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # we reaped it ourselves; keep Popen from waiting again
    pids, u2, s2, rss2 = _reap_leftovers(proc.pid, leftover_grace)
    return Measurement(
        wall=wall, user=ru.ru_utime + u2, sys=ru.ru_stime + s2,
        maxrss_mib=max(ru.ru_maxrss / 1024.0, rss2), returncode=code,
        stdout_path=out_path, stderr_path=err_path,
        timed_out=timed_out.is_set(), leftovers=pids)
