"""Run a task over many items in forked worker processes.

`fork`, not `spawn`: each worker inherits the task object (the site, the planned pages, a warmed-up
template environment) as it is in memory, so nothing big is pickled; only the small results travel
back, through one pipe per worker. Workers claim chunks of items from a shared counter, so a worker
that got the slow pages does not hold the others up. Tasks report expected failures as values;
an exception escaping a task is a bug, and stops the whole run with the worker's traceback.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import traceback
from multiprocessing.connection import Connection, wait
from typing import Any, Callable, Iterator

MIN_PER_WORKER = 48  # below this, forking costs more than it saves (and serve's edits stay in-process)


class WorkerFailed(RuntimeError):
    """A worker raised or died; the message carries its traceback when there is one."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def fork_map(task: Callable[[int], Any], count: int, jobs: int, chunk: int = 16) -> Iterator[tuple[int, Any]]:
    """(i, task(i)) for every i in range(count), in no particular order."""
    jobs = min(jobs, count // MIN_PER_WORKER)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for number in range(count):
            yield number, task(number)
        return
    yield from _forked(task, count, jobs, chunk)


def _forked(task: Callable[[int], Any], count: int, jobs: int, chunk: int) -> Iterator[tuple[int, Any]]:
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    for stream in (sys.stdout, sys.stderr):  # a child must not flush a copy of pending output
        if stream is not None:
            stream.flush()
    held = gc.get_freeze_count() > 0  # a build holds its heap frozen (newsgen.build): leave it so
    gc.freeze()  # the inherited objects stay out of the children's collections: fewer copied pages
    workers = []
    try:
        for _ in range(jobs):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(task, count, chunk, counter, send), daemon=True)
            process.start()
            send.close()
            workers.append((receive, process))
    finally:
        if not held:
            gc.unfreeze()
    try:
        yield from _collect(dict(workers))
    finally:
        for receive, process in workers:
            if process.is_alive():
                process.terminate()
            process.join()
            receive.close()


def _collect(live: dict[Connection, Any]) -> Iterator[tuple[int, Any]]:
    while live:
        for receive in wait(list(live)):
            try:
                message = receive.recv()
            except EOFError:
                process = live.pop(receive)
                process.join()
                raise WorkerFailed(f"a worker process died (exit code {process.exitcode})") from None
            if message is None:
                del live[receive]
            elif message[0] == "crash":
                raise WorkerFailed(message[1])
            else:
                yield from message[1]


def _work(task: Callable[[int], Any], count: int, chunk: int, counter: Any, send: Connection) -> None:
    try:
        while True:
            with counter.get_lock():
                start = counter.value
                counter.value = start + chunk
            if start >= count:
                break
            send.send(("done", [(n, task(n)) for n in range(start, min(start + chunk, count))]))
        send.send(None)
    except BaseException:  # noqa: BLE001 - a bug in a task: hand the traceback to the parent
        send.send(("crash", traceback.format_exc()))
    finally:
        send.close()
