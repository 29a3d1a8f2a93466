"""The only module that writes to the build folder.

Two ways, both atomic for the reader of `build/`:

* a fresh build (no `build/` yet) writes the whole site into `build.tmp-<pid>/` and renames it
  into place: nothing old to delete;
* an update (a `build/` is there) stages only the files whose bytes changed, flat, in the cache's
  `stage-<pid>/` folder, then applies them with one `os.replace` per file, guarded by a journal
  written before the first replace. A failure before the journal leaves `build/` as it was; a kill
  while applying leaves a journal that the next run rolls forward (replaying is idempotent). Why not
  stage a whole copy and swap folders, as a fresh build does: the old tree would then have to be
  deleted, and deleting ~11,000 files and their folders costs seconds on this disk, more than a
  whole build. A folder per staged page would cost as much, hence the flat staging folder.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping

from newsgen.cache import Signature, digest, output_signature, write_atomic
from newsgen.errors import NewsgenError


class WriteError(Exception):
    """A page that cannot be written: two outputs on one path, or a path leaving the build folder."""


@dataclass(frozen=True, slots=True)
class Put:
    """What writing one output did: its content digest, the written file's stat, its staged name."""

    digest: bytes
    stat: Signature | None = None   # None: the bytes on disk were already right, nothing written
    staged: str | None = None       # the file's name in the stage folder (updates only)


def check_paths(paths: Iterable[str]) -> None:
    """Every output path stays inside the build folder and is claimed once."""
    seen: set[str] = set()
    for rel in paths:
        parts = rel.split("/")
        if "" in parts or "." in parts or ".." in parts:  # rare: let pathlib judge and normalize
            path = PurePosixPath(rel)
            if path.is_absolute() or ".." in path.parts or not path.parts:
                raise WriteError(f"refusing to write outside the build folder: {rel}")
            rel = path.as_posix()
        if rel in seen:
            raise WriteError(f"two outputs want the same path: {rel}")
        seen.add(rel)


def static_files(static_dir: Path) -> list[tuple[str, Path]]:
    """(output path, source) of every static file, hidden files left out."""
    found = sorted(static_dir.rglob("*")) if static_dir.is_dir() else []
    return [(str(PurePosixPath("static", p.relative_to(static_dir).as_posix())), p)
            for p in found if p.is_file() and not p.name.startswith(".")]


class TreeTarget:
    """A fresh build: every output into the staging tree, at its own path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._folders: set[str] = {str(root)}  # made already (by this process): no mkdir call again

    def put(self, number: int, rel: str, data: bytes) -> Put:
        folder, _, name = f"{self.root}/{rel}".rpartition("/")
        if folder not in self._folders:
            self._make_folder(folder)
        # os.open/os.write, not open(): no buffered file object for a single write (15,000 pages).
        handle = os.open(f"{folder}/{name}", os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            written = os.write(handle, data)
            if written < len(data):  # a short write (a full disk, a signal): finish the slow way
                with os.fdopen(os.dup(handle), "wb") as rest:
                    rest.write(data[written:])
            return Put(digest(data), output_signature(os.fstat(handle)))
        finally:
            os.close(handle)

    def _make_folder(self, folder: str) -> None:
        parent = folder.rpartition("/")[0]
        if parent in self._folders:
            try:
                os.mkdir(folder)  # the usual case, an article's folder in a known day: one call
            except FileExistsError:
                pass
        else:
            os.makedirs(folder, exist_ok=True)
            while parent not in self._folders and parent.startswith(str(self.root)):
                self._folders.add(parent)
                parent = parent.rpartition("/")[0]
        self._folders.add(folder)


class UpdateTarget:
    """An update: compare with what `build/` holds and stage only changed bytes, flat."""

    def __init__(self, build_dir: Path, stage: Path, known: Mapping[str, bytes]) -> None:
        self.build_dir, self.stage, self.known = build_dir, stage, known  # known: trusted digests

    def put(self, number: int, rel: str, data: bytes) -> Put:
        new = digest(data)
        old = self.known.get(rel)
        if old is None:  # not vouched for by the manifest: look at the file itself
            try:
                old = digest((self.build_dir / rel).read_bytes())
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                old = None
        if old == new:
            return Put(new)
        name = f"{number}"
        with open(self.stage / name, "wb") as handle:
            handle.write(data)
            handle.flush()  # the stat must see every byte, and the mtime of the last write
            return Put(new, output_signature(os.fstat(handle.fileno())), name)


def new_tree(build_dir: Path) -> Path:
    staging = build_dir.with_name(f"{build_dir.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def swap_in(staging: Path, build_dir: Path) -> None:
    """Two renames (POSIX rename() cannot replace a non-empty folder), then drop the old tree."""
    old = build_dir.with_name(f"{build_dir.name}.old-{os.getpid()}")
    if build_dir.exists():  # only when a build appeared meanwhile: updates never come here
        os.replace(build_dir, old)
    os.replace(staging, build_dir)
    shutil.rmtree(old, ignore_errors=True)


def apply_update(journal: Path, build_dir: Path, stage: Path, moves: list[tuple[str, str]],
                 deletes: list[str], manifest: Path, manifest_data: bytes) -> None:
    """Commit the journal (the point of no return), then apply it."""
    write_atomic(manifest.with_name(manifest.name + ".new"), manifest_data)
    write_atomic(journal, json.dumps({"build": str(build_dir), "stage": str(stage), "moves": moves,
                                      "deletes": deletes, "manifest": str(manifest)}).encode())
    roll_forward(journal)


def roll_forward(journal: Path) -> bool:
    """Finish an applied-in-part update (idempotent); False when there is no journal."""
    try:
        plan = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    build_dir, stage = Path(plan["build"]), Path(plan["stage"])
    for name, rel in plan["moves"]:
        _move(stage / name, build_dir / rel)
    for rel in plan["deletes"]:
        _delete(build_dir, rel)
    manifest = Path(plan["manifest"])
    pending = manifest.with_name(manifest.name + ".new")
    if pending.exists():
        os.replace(pending, manifest)
    journal.unlink()
    shutil.rmtree(stage, ignore_errors=True)
    return True


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except FileNotFoundError:
        if not source.exists():
            return  # moved before the kill
        target.parent.mkdir(parents=True, exist_ok=True)  # a new article's folder
        os.replace(source, target)


def _delete(build_dir: Path, rel: str) -> None:
    """Remove a stale output and the folders it leaves empty (a clean build has no empty folder)."""
    path = build_dir / rel
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path, ignore_errors=True)
    parent = path.parent
    while parent != build_dir and parent.is_relative_to(build_dir):
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


def create_file(path: Path, text: str) -> Path:
    """Create a new file for the user (`newsgen new`); never overwrites an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewsgenError(path, None, "already exists; newsgen new never overwrites a file") from None
    return path
