"""Planned pages into `build/`: render only pages whose fingerprint changed, write only changed bytes.

A fresh build renders every page in worker processes straight into the staging tree. An update
fingerprints every page (newsgen.fingerprint), renders the pages whose fingerprint is new or whose
file on disk is not the one the manifest recorded, stages the files whose bytes differ, and lets the
writer apply them under a journal. Workers write their own files and return only digests, so no
process ever holds every rendered page.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from newsgen.cache import JOURNAL, MANIFEST, Manifest, intact, manifest_bytes, output_signature, write_atomic
from newsgen.config import Config
from newsgen.errors import NewsgenError
from newsgen.fingerprint import Fingerprints
from newsgen.model import Output
from newsgen.parallel import fork_map
from newsgen.pagetasks import PrintTask, RenderTask
from newsgen.search import BUNDLE, SearchIndex, index_key, index_site
from newsgen.snapshot import Frame, snapshot
from newsgen.writer import TreeTarget, UpdateTarget, apply_update, check_paths, new_tree, swap_in


@dataclass(frozen=True, slots=True)
class Published:
    files: int
    rendered: int                 # pages rendered this build
    written: int                  # files whose bytes changed (or all, for a fresh build)
    search: SearchIndex | None    # None when the search index was not (re)built


@dataclass(frozen=True, slots=True)
class Job:
    config: Config
    folder: Path                  # the cache folder
    pages: list[Any]              # newsgen.pages.Page, in plan order
    extras: list[Output]          # the slug map and the report
    static: list[tuple[str, Path, bytes]]
    salt: bytes
    known: dict[str, tuple[Any, bytes]]   # source_id -> (article as parsed, its digest)
    jobs: int
    frame: Frame                  # what the plan was made from, for the snapshot (newsgen.snapshot)
    progress: Callable[[int, int], None] | None = None   # (pages rendered, pages to render)


def publish(job: Job, base: Manifest, old: Manifest | None) -> Published:
    check_paths([p.path for p in job.pages] + [o.path for o in job.extras] + [s[0] for s in job.static])
    build_dir = job.config.build_dir
    if not build_dir.exists():
        return _fresh(job, base, build_dir)
    return _update(job, base, old, build_dir)


def _fresh(job: Job, base: Manifest, build_dir: Path) -> Published:
    staging = new_tree(build_dir)
    try:
        (job.folder / MANIFEST).unlink(missing_ok=True)  # it described a build/ that is gone
        target = TreeTarget(staging)
        done = _render(job, list(range(len(job.pages))), target, None)
        frozen = [done[p.path][2] for p in job.pages]
        done.update(_extras(job, target))
        files = {rel: (mark, put.digest, put.stat) for rel, (mark, put, _) in done.items()}
        search = index_site(staging, language=job.config.language) if job.config.search else None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, build_dir)
    manifest = replace(base, files=files, search_key=index_key(job.config.language, files) if search else None,
                       snapshot=snapshot(job.frame, job.pages, frozen))
    write_atomic(job.folder / MANIFEST, manifest_bytes(manifest))
    return Published(files=len(files), rendered=len(job.pages), written=len(files), search=search)


def _update(job: Job, base: Manifest, old: Manifest | None, build_dir: Path) -> Published:
    known = intact(old.files, build_dir) if old else {}
    printed = _fingerprints(job)
    marks = [mark for mark, _ in printed]
    before = old.files if old else {}
    todo = [i for i, (page, mark) in enumerate(zip(job.pages, marks))
            if mark is None or page.path not in known or before[page.path][0] != mark]
    done = _stage(job, todo, marks, known, before, build_dir)
    files = {p.path: before[p.path] for p in job.pages if p.path not in done}
    deletes = sorted((set(before) if old else _tree(build_dir)) - set(files) - set(done))
    planned = snapshot(job.frame, job.pages, [frozen for _, frozen in printed])
    return _apply(job, replace(base, snapshot=planned), old, build_dir, files, done, deletes, known, len(todo))


def patch(job: Job, base: Manifest, old: Manifest, todo: list[int], known: dict[str, bytes]) -> Published:
    """Re-render pages `todo` of the planned site in `old.snapshot` (job.pages: the thawed pages,
    in the same order, None for the others); everything else stays as the last build left it,
    which `known` (newsgen.cache.intact: every file) vouches for."""
    build_dir = job.config.build_dir
    prints = Fingerprints(job.salt, job.known)
    marks: list[bytes | None] = [None] * len(job.pages)
    for i in todo:  # their contexts are the snapshot's, but for the articles: it stays as it is
        marks[i] = prints.page(job.pages[i].path, job.pages[i].template, job.pages[i].context)[0]
    changed = [i for i in todo if marks[i] is None or job.pages[i].path not in known
               or old.files[job.pages[i].path][0] != marks[i]]
    done = _stage(job, changed, marks, known, old.files, build_dir)
    files = {rel: entry for rel, entry in old.files.items() if rel not in done}
    return _apply(job, replace(base, snapshot=old.snapshot), old, build_dir, files, done, [], known,
                  len(changed))


def _fingerprints(job: Job) -> list[tuple[bytes | None, Any]]:
    """(fingerprint, frozen context) of every planned page, in workers when there are many: an
    update must fingerprint the whole site to find what changed (0.6 s at 10,000 articles)."""
    printed: list[tuple[bytes | None, Any]] = [(None, None)] * len(job.pages)
    for n, result in fork_map(PrintTask(job.salt, job.known, job.pages), len(job.pages), job.jobs, chunk=256):
        printed[n] = result
    return printed


def _stage(job: Job, todo: list[int], marks: list, known: dict, before: dict, build_dir: Path) -> dict:
    """Render pages `todo` and the extras into a fresh stage folder: path -> (mark, Put, frozen)."""
    stage = job.folder / f"stage-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    try:
        target = UpdateTarget(build_dir, stage, {rel: before[rel][1] for rel in known})
        done = _render(job, todo, target, marks)
        done.update(_extras(job, target))
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return done


def _apply(job: Job, manifest: Manifest, old: Manifest | None, build_dir: Path, files: dict, done: dict,
           deletes: list[str], known: dict, rendered: int) -> Published:
    """Journal and apply the staged files; then the search index when the pages it covers changed."""
    before = old.files if old else {}
    stage = job.folder / f"stage-{os.getpid()}"
    moves = []
    for rel, (mark, put, _) in done.items():
        moves += [(put.staged, rel)] if put.staged else []
        files[rel] = (mark, put.digest, put.stat or _signature(known, before, build_dir, rel))
    if not job.config.search and (build_dir / BUNDLE).exists():
        deletes.append(BUNDLE)
    key = index_key(job.config.language, files) if job.config.search else None
    stale_index = key is not None and (old is None or old.search_key != key or not (build_dir / BUNDLE).is_dir())
    manifest = replace(manifest, files=files, search_key=None if stale_index else key)
    apply_update(job.folder / JOURNAL, build_dir, stage, moves, deletes, job.folder / MANIFEST,
                 manifest_bytes(manifest))
    search = None
    if stale_index:
        # Pagefind reads the whole site, so it runs on build/ once the pages are in; until it has
        # finished, the manifest records no index, and a failed or killed run is redone next time.
        # The one gap in atomicity: a Pagefind failure leaves the new pages with no index (a shadow
        # copy of 10,000 page folders to index instead would cost more than the build itself).
        search = index_site(build_dir, language=job.config.language)
        write_atomic(job.folder / MANIFEST, manifest_bytes(replace(manifest, search_key=key)))
    return Published(files=len(files), rendered=rendered, written=len(moves), search=search)


def _render(job: Job, todo: list[int], target: Any, marks: list[bytes | None] | None) -> dict[str, Any]:
    """Render pages `todo` (workers when many): path -> (mark, Put, frozen context); the first
    failing page in plan order is reported."""
    task = RenderTask(job.config, job.pages, todo, target, None if marks else Fingerprints(job.salt, job.known))
    task.warm({job.pages[i].template for i in todo})
    done, errors = {}, []
    for n, (result, problem) in fork_map(task, len(todo), job.jobs, chunk=24):
        if problem is not None:
            errors.append((todo[n], problem))
            continue
        mark, put, frozen = result
        done[job.pages[todo[n]].path] = (marks[todo[n]] if marks else mark, put, frozen)
        if job.progress is not None:
            job.progress(len(done) + len(errors), len(todo))
    if errors:
        raise NewsgenError(*min(errors)[1])
    return done


def _extras(job: Job, target: Any) -> dict[str, Any]:
    """The records and static files, written here: they are few."""
    done = {}
    for n, output in enumerate(job.extras):
        done[output.path] = (None, target.put(-1 - n, output.path, output.data), None)
    for n, (rel, source, _) in enumerate(job.static):
        done[rel] = (None, target.put(-1 - len(job.extras) - n, rel, source.read_bytes()), None)
    return done


def _signature(known: dict[str, bytes], before: dict[str, Any], build_dir: Path, rel: str) -> tuple:
    return before[rel][2] if rel in known else output_signature(os.stat(build_dir / rel))


def _tree(build_dir: Path) -> set[str]:
    """Every file in `build/` but the search bundle: what an update without a manifest replaces."""
    found = set()
    for folder, dirs, names in os.walk(build_dir):
        if Path(folder) == build_dir and BUNDLE in dirs:
            dirs.remove(BUNDLE)
        found.update(Path(folder, name).relative_to(build_dir).as_posix() for name in names)
    return found
