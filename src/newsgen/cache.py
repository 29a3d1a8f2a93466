"""The incremental-build cache beside the output: `.newsgen-cache/<build name>/`.

It holds what the next build needs to skip work: the manifest (what `build/` holds and what each
file was made from) and the parsed articles, keyed by content (newsgen.store). Nothing here is trusted blindly:
every key folds in newsgen's own source code, its dependencies' versions and the normalizer's rule
names, so a new newsgen (or an edited one) never reuses an old result. Pickle is fine: the cache is
written and read only by newsgen, inside a folder it owns.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

JOURNAL, MANIFEST = "journal.json", "manifest.pickle"
FORMAT = 7                   # bump when the layout of anything below changes
RACY_NS = 2_000_000_000      # a file touched this close to the last scan is hashed again (racy-git rule)
_DEPENDENCIES = ("jinja2", "markupsafe", "markdown-it-py", "babel", "hijridate", "python-bidi",
                 "ftfy", "pyyaml", "python-dateutil", "pagefind", "numpy")


def digest(data: bytes) -> bytes:
    """SHA-1: hardware-accelerated here, ten times faster than BLAKE2 on page-sized data; a
    change detector needs no more (nothing here defends against chosen collisions)."""
    return hashlib.sha1(data).digest()


def cache_dir(build_dir: Path) -> Path:
    """Beside the output, one folder per output folder (git-ignored as `.newsgen-cache/`)."""
    return build_dir.parent / ".newsgen-cache" / build_dir.name


def code_key() -> bytes:
    """newsgen's own source, its dependencies' versions, Python's version, the normalizer's rules."""
    from newsgen.normalize import RULES  # the loader imports it anyway

    h = hashlib.sha1()
    h.update(f"{FORMAT} {sys.version}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name in _DEPENDENCIES:
        try:
            h.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{name}=-\0".encode())
    h.update(" ".join(name for name, _ in RULES).encode())
    return h.digest()


def files_digest(files: Iterable[tuple[str, Path]]) -> bytes:
    """One digest for a set of files (names and bytes): the template set."""
    h = hashlib.sha1()
    for rel, path in sorted(files):
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + digest(path.read_bytes()))
    return h.digest()


Signature = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def output_signature(st: os.stat_result) -> Signature:
    """Size, mtime and inode, not ctime: a rename keeps these, so a staged file keeps its signature."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, 0)


def intact(files: dict[str, tuple], build_dir: Path) -> dict[str, bytes]:
    """The recorded output files still on disk as recorded: their recorded digests still hold."""
    found, root = {}, f"{build_dir}{os.sep}"
    for rel, (_, content, sig) in files.items():
        try:
            if output_signature(os.stat(root + rel)) == sig:
                found[rel] = content
        except OSError:
            pass
    return found


def all_files(folder: Path) -> list[str]:
    """Every file below `folder`, hidden ones too: a superset of what the loader reads, so that a
    change to any article is a change here (os.walk: ten times faster than Path.rglob)."""
    found = []
    for parent, _, names in os.walk(folder):
        found.extend(os.path.join(parent, name) for name in names)
    return found


def content_digests(paths: Iterable[str], known: dict[str, tuple[Signature, bytes]],
                    scanned_ns: int, read: bool = True) -> dict[str, tuple[Signature, bytes | None]]:
    """Content digest of every input file; a file whose stat is unchanged since a scan it predates
    by RACY_NS is not read again (git's index does the same). Without `read`, every digest is None
    (the stat is taken first all the same, so a later change shows in the stat)."""
    result: dict[str, tuple[Signature, bytes | None]] = {}
    for path in paths:
        try:
            sig = signature(os.stat(path))
        except OSError:
            continue  # gone since the walk, or a dangling link: not an input
        if not read:
            result[path] = (sig, None)
            continue
        old = known.get(path)
        if old is not None and old[0] == sig and sig[1] < scanned_ns - RACY_NS:
            result[path] = old
            continue
        try:
            with open(path, "rb") as handle:
                result[path] = (sig, digest(handle.read()))
        except OSError:
            result[path] = (sig, digest(repr(sig).encode()))  # unreadable: the loader will say so
    return result


@dataclass(slots=True)
class Manifest:
    """What the last successful build left in `build/` and what it was made from."""

    build_dir: str
    files: dict[str, tuple[bytes | None, bytes, Signature]]  # rel -> (fingerprint, content digest, stat)
    inputs_key: bytes = b""                  # every input, for the nothing-changed shortcut
    thresholds: tuple[float, ...] = ()       # sorted instants where the clock changes what is published
    clock: float = 0.0                       # the build clock it was made with (a timestamp)
    seeds: dict[str, tuple[Signature, bytes]] = field(default_factory=dict)
    scanned_ns: int = 0
    search_key: str | None = None            # Pagefind bundle made for exactly these pages, or None
    report: dict[str, Any] = field(default_factory=dict)  # the Report fields of that build
    snapshot: Any = None                     # newsgen.snapshot.Snapshot: the planned site


def load_manifest(folder: Path, build_dir: Path) -> Manifest | None:
    try:
        with open(folder / MANIFEST, "rb") as handle:
            fmt, manifest = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return None
    if fmt != FORMAT or not isinstance(manifest, Manifest) or manifest.build_dir != str(build_dir):
        return None
    return manifest


def manifest_bytes(manifest: Manifest) -> bytes:
    return pickle.dumps((FORMAT, manifest), protocol=pickle.HIGHEST_PROTOCOL)


def write_atomic(path: Path, data: bytes) -> None:
    """Whole or not at all: a killed write never leaves half a cache file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
