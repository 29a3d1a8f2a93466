"""Parsed articles kept between builds, keyed by content: an edit re-normalizes one file.

An article travels as its pickle (a "blob"): the loading worker makes it once, the main process
unpickles it for the build and keeps the very same bytes for the cache file, and its digest is the
article's fingerprint. Articles are plain (slot-less) frozen dataclasses, which pickle in C.
"""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path
from typing import Any

from newsgen.cache import SHARDS, digest, write_atomic


def to_blob(article: Any) -> bytes:
    return pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL)


def from_blob(blob: bytes) -> Any:
    return pickle.loads(blob)


class ArticleStore:
    """Parsed articles keyed by (load key, path, content digest), in SHARDS files of pickled records.

    One file per article would cost a file creation each on a slow disk; one file for all would be
    rewritten whole on every edit. A new entry is appended to its shard at once, so no build holds
    the pickles of every article it parsed; a shard is read on the first lookup that needs it, and
    compacted (rewritten with only the entries this build used) when it holds stale ones. A record
    cut short by a kill ends the shard's reading: what precedes it stays valid.
    """

    def __init__(self, folder: Path, load_key: bytes, *, trust: bool = True) -> None:
        # One folder per load key: after a newsgen upgrade the old entries are never even read.
        self.root = folder / "articles"
        self.folder = self.root / load_key.hex()
        self.load_key = load_key
        self.trust = trust  # False (--clean): parse every file again, still store the results
        self._read: dict[int, dict[bytes, Any]] = {}   # shards as found on disk; used entries removed
        self._used: dict[int, set[bytes]] = {}         # keys this build looked up or added, per shard
        self._logs: dict[int, Any] = {}                # shard files open for appending

    def key(self, path: Path, content: bytes) -> bytes:
        return digest(self.load_key + str(path).encode("utf-8", "surrogateescape") + b"\0" + content)

    def get(self, key: bytes) -> tuple[Any, bytes] | None:
        """(the article, its digest), or None when not cached."""
        if not self.trust:
            return None
        number = key[0] % SHARDS
        if number not in self._read:
            self._read[number] = self._load(number)
        entry = self._read[number].pop(key, None)  # what stays in _read by save() is stale
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], bytes)):
            return None  # unknown, or from an older layout
        try:
            article = from_blob(entry[0])
        except Exception:  # noqa: BLE001 - a damaged entry is a cache miss, never a failed build
            return None
        self._used.setdefault(number, set()).add(key)
        return article, entry[1]

    def put(self, key: bytes, blob: bytes, mark: bytes) -> None:
        number = key[0] % SHARDS
        log = self._logs.get(number)
        if log is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            log = self._logs[number] = open(self.folder / f"{number:02d}.pickle", "ab")
        pickle.dump((key, (blob, mark)), log, protocol=pickle.HIGHEST_PROTOCOL)
        self._used.setdefault(number, set()).add(key)

    def save(self, *, prune: bool = True) -> None:
        """Close the appended shards; with `prune`, compact the shards that hold entries this build
        did not use (a patch build looks up only the articles it shows: no pruning then). Also drop
        the folders of other load keys (an older newsgen's articles)."""
        for log in self._logs.values():
            log.close()
        for other in self.root.iterdir() if self.root.is_dir() else ():
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        stale = {n for n, left in self._read.items() if left}
        if not self.trust:  # --clean appended a second copy of entries it did not look up
            stale |= set(self._logs)
        stale = sorted(stale) if prune else []
        for number in stale:
            used = self._used.get(number, set())
            keep = {k: v for k, v in self._load(number).items() if k in used}  # one shard in memory at a time
            data = b"".join(pickle.dumps((k, v), protocol=pickle.HIGHEST_PROTOCOL) for k, v in keep.items())
            write_atomic(self.folder / f"{number:02d}.pickle", data)
        self._read.clear()
        self._used.clear()
        self._logs.clear()

    def _load(self, number: int) -> dict[bytes, Any]:
        """The shard's entries, later records winning; a damaged record ends the reading."""
        entries: dict[bytes, Any] = {}
        try:
            with open(self.folder / f"{number:02d}.pickle", "rb") as handle:
                while True:
                    key, value = pickle.load(handle)
                    entries[key] = value
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return entries
