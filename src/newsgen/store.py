"""Parsed articles kept between builds, keyed by content: an edit re-normalizes one file.

Articles travel packed (newsgen.store.pack): dataclasses as plain tuples, long strings as UTF-8
bytes, both for the pipe from the loading workers and for the cache files.
"""
from __future__ import annotations

import dataclasses
import functools
import pickle
import shutil
from pathlib import Path
from typing import Any

from newsgen.cache import SHARDS, digest, write_atomic

_DATACLASS = "\0newsgen-dataclass"   # marks a packed dataclass (no field value starts so)
_LONG = 256                           # strings longer than this travel as UTF-8 bytes


def pack(obj: Any) -> Any:
    """A dataclass as plain tuples, long strings as bytes. Two costs avoided: pickle's slow path
    for slotted dataclasses (tens of thousands of findings), and the UTF-8 copy that pickling a
    str leaves cached inside it for good (+100 MiB of article bodies in the main process)."""
    if type(obj) is str:
        return obj.encode("utf-8", "surrogatepass") if len(obj) > _LONG else obj
    if type(obj) is tuple:
        return tuple(pack(item) for item in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return (_DATACLASS, type(obj), *(pack(getattr(obj, name)) for name in _field_names(type(obj))))
    return obj


def unpack(obj: Any, shared: dict | None = None) -> Any:
    """The inverse of pack. Small equal dataclasses (findings: ~50,000 at 10,000 articles, a few
    dozen distinct) come back as one shared instance when `shared` is given: they are frozen."""
    if type(obj) is bytes:
        return obj.decode("utf-8", "surrogatepass")
    if type(obj) is not tuple:
        return obj
    if obj and obj[0] == _DATACLASS:
        small = shared is not None and all(type(v) in _SMALL for v in obj[2:])
        if small and obj in shared:
            return shared[obj]
        made = object.__new__(obj[1])  # as pickle does: no __init__, fields set as they were
        for name, value in zip(_field_names(obj[1]), obj[2:]):
            object.__setattr__(made, name, unpack(value, shared))
        if small:
            shared[obj] = made
        return made
    return tuple(unpack(item, shared) for item in obj)


_SMALL = (str, int, float, bool, type(None))


@functools.lru_cache(maxsize=64)
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(spec.name for spec in dataclasses.fields(kind))  # fields() is slow: once per type


class ArticleStore:
    """Parsed articles keyed by (load key, path, content digest), in SHARDS pickle files.

    One file per article would cost a file creation each on a slow disk; one file for all would be
    rewritten whole on every edit. A shard is read on the first lookup that needs it, and rewritten
    only when it gains or loses an entry; a new entry never makes a shard be read. Entries are
    kept unpacked until saved: a packed copy beside every article would double the memory.
    """

    def __init__(self, folder: Path, load_key: bytes, *, trust: bool = True) -> None:
        # One folder per load key: after a newsgen upgrade the old entries are never even read.
        self.root = folder / "articles"
        self.folder = self.root / load_key.hex()
        self.load_key = load_key
        self.trust = trust  # False (--clean): parse every file again, still store the results
        self._read: dict[int, dict[bytes, Any]] = {}   # shards as found on disk
        self._keep: dict[int, dict[bytes, Any]] = {}   # entries this build used or added
        self._new: set[int] = set()                    # shards that gained an entry
        self.shared: dict = {}                         # equal findings, unpacked once

    def key(self, path: Path, content: bytes) -> bytes:
        return digest(self.load_key + str(path).encode("utf-8", "surrogateescape") + b"\0" + content)

    def get(self, key: bytes) -> Any:
        if not self.trust:
            return None
        number = key[0] % SHARDS
        if number not in self._read:
            self._read[number] = self._load(number)
        entry = self._read[number].pop(key, None)  # what stays in _read by save() is stale
        if not (isinstance(entry, tuple) and len(entry) == 2):
            return None  # unknown, or from an older layout
        found = (unpack(entry[0], self.shared), entry[1])
        self._keep.setdefault(number, {})[key] = found
        return found

    def put(self, key: bytes, article: Any, mark: bytes) -> None:
        number = key[0] % SHARDS
        self._keep.setdefault(number, {})[key] = (article, mark)
        self._new.add(number)

    def save(self) -> None:
        """Rewrite the shards that gained or lost entries (packing them only now, one at a time),
        and drop the folders of other load keys (an older newsgen's articles)."""
        for other in self.root.iterdir() if self.root.is_dir() else ():
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        for number in sorted(self._new | {n for n, stale in self._read.items() if stale}):
            keep = {k: (pack(a), mark) for k, (a, mark) in self._keep.get(number, {}).items()}
            write_atomic(self.folder / f"{number:02d}.pickle", pickle.dumps(keep, protocol=pickle.HIGHEST_PROTOCOL))
        self._read.clear()
        self._keep.clear()
        self._new.clear()
        self.shared.clear()

    def _load(self, number: int) -> dict[bytes, Any]:
        try:
            with open(self.folder / f"{number:02d}.pickle", "rb") as handle:
                loaded = pickle.load(handle)
            return loaded if isinstance(loaded, dict) else {}
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return {}
