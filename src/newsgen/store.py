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
    """Parsed articles keyed by (load key, path, content digest), in SHARDS pickle files.

    One file per article would cost a file creation each on a slow disk; one file for all would be
    rewritten whole on every edit. A shard is read on the first lookup that needs it, and rewritten
    only when it gains or loses an entry; a new entry never makes a shard be read.
    """

    def __init__(self, folder: Path, load_key: bytes, *, trust: bool = True) -> None:
        # One folder per load key: after a newsgen upgrade the old entries are never even read.
        self.root = folder / "articles"
        self.folder = self.root / load_key.hex()
        self.load_key = load_key
        self.trust = trust  # False (--clean): parse every file again, still store the results
        self._read: dict[int, dict[bytes, Any]] = {}   # shards as found on disk
        self._keep: dict[int, dict[bytes, tuple[bytes, bytes]]] = {}   # entries this build used or added
        self._new: set[int] = set()                    # shards that gained an entry

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
        self._keep.setdefault(number, {})[key] = entry
        return article, entry[1]

    def put(self, key: bytes, blob: bytes, mark: bytes) -> None:
        number = key[0] % SHARDS
        self._keep.setdefault(number, {})[key] = (blob, mark)
        self._new.add(number)

    def save(self, *, prune: bool = True) -> None:
        """Rewrite the shards that gained or lost entries, and drop the folders of other load keys
        (an older newsgen's articles). prune=False: keep the entries this build did not look up
        (a patch build looks up only the articles it shows)."""
        for other in self.root.iterdir() if self.root.is_dir() else ():
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        changed = self._new if not prune else self._new | {n for n, stale in self._read.items() if stale}
        for number in sorted(changed):
            if not prune and number not in self._read:
                self._read[number] = self._load(number)
            keep = self._keep.get(number, {}) if prune else {**self._read.get(number, {}), **self._keep.get(number, {})}
            write_atomic(self.folder / f"{number:02d}.pickle", pickle.dumps(keep, protocol=pickle.HIGHEST_PROTOCOL))
        self._read.clear()
        self._keep.clear()
        self._new.clear()

    def _load(self, number: int) -> dict[bytes, Any]:
        try:
            with open(self.folder / f"{number:02d}.pickle", "rb") as handle:
                loaded = pickle.load(handle)
            return loaded if isinstance(loaded, dict) else {}
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return {}
