"""Live reload for `newsgen serve`: watch the inputs, rebuild, and tell open pages when a new build is up.

Pages learn about builds by long-polling EVENTS_PATH (plain fetch, no EventSource; newsgen.buildstatus),
so one request thread per open tab is parked at most POLL_SECONDS and the stdlib threading server is enough.
"""
from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator, TextIO

import watchfiles

from newsgen.build import BuildOptions, build
from newsgen.buildstatus import BuildState
from newsgen.cache import cache_dir
from newsgen.config import Config, load_config
from newsgen.errors import BuildFailed, NewsgenError

STEP_MS = 50             # quiet time that ends a burst of saves (editors write several files at once)
MAX_BURST_MS = 400       # a burst that never goes quiet is still rebuilt this often
TICK_MS = 250            # the watcher wakes this often to notice stop requests and renamed inputs


class Preview:
    """The project being previewed: its config, the build status, and the lock every build takes."""

    def __init__(self, config: Config, options: BuildOptions, *, config_file: Path | None,
                 out: TextIO, err: TextIO) -> None:
        self.config, self.options, self.config_file = config, options, config_file
        self.out, self.err = out, err
        self.state = BuildState()
        self._lock = threading.Lock()  # one build at a time: the writer's staging folder is per process
        self._default_filter = watchfiles.DefaultFilter()

    @property
    def build_dir(self) -> Path:
        return self.config.build_dir

    def rebuild(self, changed: Iterable[str] = ()) -> bool:
        """Build once; on failure print why and keep the old build/ (the writer never half-writes it)."""
        with self._lock:
            _say_changed(sorted(changed), self.out)
            try:
                self.config = self._fresh_config()
                report = build(self.config, self.options)
            except BuildFailed as failure:
                return self._failed([str(e) for e in failure.errors])
            except NewsgenError as error:  # one input at fault (a bad config, a missing template): not a bug
                return self._failed([str(error)])
            except Exception as exc:  # noqa: BLE001 - a bug must not end the preview; the next save retries
                return self._failed([f"newsgen: internal error: {type(exc).__name__}: {exc}"])
            self.state.record()  # wake the pages first, then talk
            if getattr(self.options, "clean", False):  # --clean: one clean build, then fast ones again
                self.options = replace(self.options, clean=False)
            from newsgen.cli import print_summary  # late: cli imports this module lazily too
            print_summary(report, self.config, self.out)
            self.out.flush()
            return True

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Return once no build is running (a build swaps build/ by two renames)."""
        if self._lock.acquire(timeout=timeout):
            self._lock.release()

    def watch_targets(self) -> list[Path]:
        """Input folders that exist. The config file is not among them: editors save it by rename,
        which a watch on the file itself stops seeing, so `marks` polls it instead."""
        c = self.config
        return [p for p in (c.seeds_dir, c.templates_dir, c.static_dir) if p.is_dir()]

    def marks(self) -> dict[Path, tuple | None]:
        """What events miss: an input folder appearing, going or replaced; any change to the config file."""
        c = self.config
        marks = {p: _mark(p, full=False) for p in (c.seeds_dir, c.templates_dir, c.static_dir)}
        return marks | ({self.config_file: _mark(self.config_file, full=True)} if self.config_file else {})

    def moved(self, marks: dict[Path, tuple | None]) -> list[str]:
        """The inputs whose mark differs from `marks` (taken earlier)."""
        now = self.marks()
        return [str(p) for p in now.keys() | marks.keys() if now.get(p) != marks.get(p)]

    def is_input(self, change: watchfiles.Change, path: str) -> bool:
        """Editor leftovers (DefaultFilter) and our own output never trigger a build: no rebuild loops."""
        return self._default_filter(change, path) and not _is_output(Path(path), self.build_dir)

    def _fresh_config(self) -> Config:
        """Re-read the config file; the output folder stays as started (so --out holds)."""
        if self.config_file is None:
            return self.config
        path = self.config_file if self.config_file.is_file() else None
        return replace(load_config(path, root=self.config_file.parent), build_dir=self.config.build_dir)

    def _failed(self, errors: list[str]) -> bool:
        for line in errors:
            print(line, file=self.err)
        print(f"newsgen: build failed with {len(errors)} error(s); still serving the last good build",
              file=self.err, flush=True)
        self.state.record(errors)
        return False


def watch_loop(preview: Preview, stop: threading.Event, ready: threading.Event) -> None:
    """Rebuild after each burst of changes until `stop`; `ready` is set once changes are being seen."""
    missed = False  # after a watcher failure, changes may have gone unseen: build once it is back
    while not stop.is_set():
        targets, marks = preview.watch_targets(), preview.marks()
        try:
            for changes in _changes(preview, targets, _StopFlag(stop, ready)):
                moved = preview.moved(marks)
                if changes or moved or missed:
                    missed = False
                    preview.rebuild(sorted({path for _, path in changes} | set(moved)) or ["(watcher restarted)"])
                if moved or preview.watch_targets() != targets:
                    break  # new config or folders: watch the new set of paths
        except Exception as exc:  # noqa: BLE001 - e.g. a watched folder deleted: look again shortly
            print(f"newsgen: watching failed ({type(exc).__name__}: {exc}); retrying", file=preview.err, flush=True)
            missed = True
            stop.wait(1.0)


class _StopFlag:
    """watchfiles polls `is_set()` from inside its wait, so the first call proves the watcher is up."""

    def __init__(self, stop: threading.Event, ready: threading.Event) -> None:
        self.stop, self.ready = stop, ready

    def is_set(self) -> bool:
        self.ready.set()
        return self.stop.is_set()


def _changes(preview: Preview, targets: list[Path], stop: _StopFlag) -> Iterator[set]:
    """Bursts of changes, and an empty set every TICK_MS so the caller can look at `marks`."""
    if not targets:  # nothing to watch yet: just tick until a folder appears
        while not stop.is_set():
            yield set()
            stop.stop.wait(TICK_MS / 1000)
        return
    yield from watchfiles.watch(*targets, watch_filter=preview.is_input, debounce=MAX_BURST_MS, step=STEP_MS,
                                rust_timeout=TICK_MS, yield_on_timeout=True, stop_event=stop,
                                raise_interrupt=False)


def _mark(path: Path, full: bool) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size) if full else (st.st_ino,)


def _is_output(path: Path, build_dir: Path) -> bool:
    """Inside build/, the writer's build.tmp-*/build.old-* siblings, or the build cache."""
    if path.is_relative_to(cache_dir(build_dir)):
        return True
    try:
        first = path.relative_to(build_dir.parent).parts[0]
    except (ValueError, IndexError):
        return False
    return first == build_dir.name or first.startswith((f"{build_dir.name}.tmp-", f"{build_dir.name}.old-"))


def _say_changed(paths: list[str], out: TextIO) -> None:
    if paths:
        shown = ", ".join(_short(p) for p in paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        print(f"newsgen: changed {shown}; rebuilding", file=out, flush=True)


def _short(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path
