"""Parsed articles kept between builds, keyed by content; their bodies kept out of memory.

A body is most of an article's weight (a story's ~12 KB of text against ~1 KB of title, dates,
terms and findings), and only the pages that print it need it. So a loading worker writes each
body, as UTF-8, to a segment file of its own and sends the main process a light article: the same
article with a StoredBody, where its text lies, in place of the text. The main process plans the
whole site from light articles, and a renderer reads a body when a page prints it. The index maps
each cache key to a Record: the light article pickled, its digest, where its body lies.

Kill-safety: segments are only appended to, and the index is replaced whole after them, so it
never names bytes that are not there. What a killed run appended is named by no index entry, and
tidy() deletes it later, with the segments that hold mostly superseded bodies (rewritten first).
Pickle is fine: the cache is written and read only by newsgen, inside a folder it owns.
"""
from __future__ import annotations

import os
import pickle
import shutil
import time
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable

from markupsafe import escape

from newsgen.cache import digest, write_atomic
from newsgen.model import Article, Finding, assemble, evolve

INDEX = "index.pickle"
SEGMENTS = 16   # past this many segment files, tidy() merges all but the 8 largest

# (the article's fields with body None, its digest, segment file name, offset, length of the body)
Record = tuple[bytes, bytes, str, int, int]


@dataclass(frozen=True, slots=True)
class StoredBody:
    """An article's body in a segment file of the article cache, read when a page prints it."""

    path: str
    offset: int
    length: int

    def read(self) -> str:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            data = os.pread(fd, self.length, self.offset)
        finally:
            os.close(fd)
        if len(data) != self.length:
            raise OSError(f"article cache damaged: {self.path} is cut short")
        return data.decode("utf-8", "surrogatepass")

    def __str__(self) -> str:
        return self.read()

    def __html__(self) -> str:  # `{{ article.body }}` in a template still prints the text
        return str(escape(self.read()))


def body_text(article: Any) -> str:
    """The article's body, read from the cache when the article is a light one."""
    body = article.body
    return body if isinstance(body, str) else body.read()


_FIELDS = tuple(f.name for f in fields(Article))
_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


def to_blob(article: Article) -> bytes:
    """The article's fields as plain values: the source as text, the findings as tuples. Pickle
    then never calls back into Python while reading one, 3x faster than the dataclass itself (the
    main process reads 10,000 of these per build)."""
    values = dict(article.__dict__, source=str(article.source),
                  findings=tuple(tuple(f.__dict__[n] for n in _FINDING_FIELDS) for f in article.findings))
    return pickle.dumps(tuple(values[n] for n in _FIELDS), protocol=pickle.HIGHEST_PROTOCOL)


def _finding_of(row: tuple) -> Finding:
    return Finding(**dict(zip(_FINDING_FIELDS, row)))


def from_blob(blob: bytes, *, source: Path | None = None, body: Any = None,
              finding: Callable[[tuple], Finding] = _finding_of) -> Article:
    """The article to_blob() wrote; `source` (the same path) saves making the Path again, `body`
    stands in for the blob's."""
    values = dict(zip(_FIELDS, pickle.loads(blob)))
    values["source"] = source if source is not None else Path(values["source"])
    values["findings"] = tuple(map(finding, values["findings"]))
    if body is not None:
        values["body"] = body
    return assemble(values)


class ArticleStore:
    """Parsed articles keyed by (load key, path, content digest): an edit re-normalizes one file."""

    def __init__(self, folder: Path, load_key: bytes, *, trust: bool = True) -> None:
        # One folder per load key: after a newsgen upgrade the old entries are never even read.
        self.root = folder / "articles"
        self.folder = self.root / load_key.hex()
        self.load_key = load_key
        self.trust = trust  # False (--clean): parse every file again, still store the results
        self._index: dict[bytes, Record] | None = None  # as on disk, read on first use
        self._used: dict[bytes, Record] = {}            # entries this build looked up or added
        self._sizes: dict[str, int] = {}                # segment file sizes, for get()'s check
        self._segment: tuple[int, int, str, int] | None = None  # (pid, fd, name, size) appended to
        self._findings: dict[tuple, Finding] = {}

    @staticmethod
    def exists(folder: Path) -> bool:
        """Whether a store was ever written in cache folder `folder` (else nothing can be cached)."""
        return (folder / "articles").is_dir()

    def key(self, path: Path, content: bytes) -> bytes:
        return digest(self.load_key + str(path).encode("utf-8", "surrogateescape") + b"\0" + content)

    def get(self, key: bytes, source: Path | None = None) -> tuple[Any, bytes] | None:
        """(the light article, its digest), or None when not cached (or its body is not all there).
        `source`: the article's path, when the caller has it (made once, not again per article)."""
        record = self._entries().get(key) if self.trust else None
        if record is None or record[3] + record[4] > self._size(record[2]):
            return None
        try:
            article = self.article(record, source)
        except Exception:  # noqa: BLE001 - a damaged entry is a cache miss, never a failed build
            return None
        self._used[key] = record
        return article, record[1]

    def keep(self, article: Any, source: bytes) -> Record:
        """Append the body to this process's segment (a loading worker has its own); the record.
        `source`: the digest of the file's bytes, of which the body is a function (under this
        load key), so it stands in for the body in the article's digest: no hashing of 12 KB."""
        data = article.body.encode("utf-8", "surrogatepass")
        light = to_blob(evolve(article, body=None))
        name, offset = self._append(data)
        return light, digest(light + b"\0" + source), name, offset, len(data)

    def add(self, key: bytes | None, record: Record, source: Path | None = None) -> Any:
        """The light article of a record that keep() made; indexed under `key` unless None."""
        if key is not None:
            self._used[key] = record
        return self.article(record, source)

    def article(self, record: Record, source: Path | None = None) -> Any:
        light, _, name, offset, length = record
        return from_blob(light, source=source, body=StoredBody(self._path(name), offset, length),
                         finding=self._finding)

    def _finding(self, row: tuple) -> Finding:
        """Every distinct finding once (~50,000 at 10,000 articles, a few dozen distinct)."""
        finding = self._findings.get(row)
        if finding is None:
            finding = self._findings[row] = _finding_of(row)
        return finding

    def save(self, *, prune: bool = True) -> None:
        """Write the index: with `prune`, only what this build used (a patch build looks up only
        the articles it shows: it keeps the rest). Also drop other load keys' folders."""
        self._close()
        for other in self.root.iterdir() if self.root.is_dir() else ():
            if other != self.folder:
                shutil.rmtree(other, ignore_errors=True)
        index = dict(self._used) if prune else {**self._entries(), **self._used}
        if index != self._index:
            write_atomic(self.folder / INDEX, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            self._index = index

    def tidy(self) -> None:
        """After the build: delete the segments no entry names, rewrite those mostly superseded
        (and merge small ones when there are many). Bodies read this build stay where they were
        until now, so this waits until the pages are written."""
        index = self._entries()
        live: dict[str, int] = {}
        for record in index.values():
            live[record[2]] = live.get(record[2], 0) + record[4]
        files = {p.name: p.stat().st_size for p in self.folder.glob("*.seg")} if self.folder.is_dir() else {}
        largest = sorted(files, key=lambda n: (-live.get(n, 0), n))[: SEGMENTS // 2]
        moved = {n for n in files if n in live and (live[n] * 2 < files[n] or (len(files) > SEGMENTS and n not in largest))}
        if moved:
            index = {key: self._moved(record) if record[2] in moved else record for key, record in index.items()}
            self._close()
            write_atomic(self.folder / INDEX, pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            self._index, self._used = index, {}
        for name in files:
            if name not in live or name in moved:
                (self.folder / name).unlink(missing_ok=True)

    def _moved(self, record: Record) -> Record:
        light, mark, name, offset, length = record
        data = StoredBody(self._path(name), offset, length).read().encode("utf-8", "surrogatepass")
        new_name, new_offset = self._append(data)
        return light, mark, new_name, new_offset, length

    def _entries(self) -> dict[bytes, Record]:
        if self._index is None:
            try:
                with open(self.folder / INDEX, "rb") as handle:
                    index = pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
                index = {}
            self._index = index if isinstance(index, dict) else {}
        return self._index

    def _path(self, name: str) -> str:
        return f"{self.folder}{os.sep}{name}"

    def _size(self, name: str) -> int:
        if name not in self._sizes:
            try:
                self._sizes[name] = os.stat(self._path(name)).st_size
            except (OSError, TypeError, ValueError):
                self._sizes[name] = -1
        return self._sizes[name]

    def _append(self, data: bytes) -> tuple[str, int]:
        if self._segment is None or self._segment[0] != os.getpid():  # a forked worker: its own file
            self.folder.mkdir(parents=True, exist_ok=True)
            name = f"{os.getpid()}-{time.time_ns()}.seg"
            fd = os.open(self._path(name), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o666)
            self._segment = (os.getpid(), fd, name, 0)
        pid, fd, name, size = self._segment
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        self._segment = (pid, fd, name, size + len(data))
        return name, size

    def _close(self) -> None:
        if self._segment is not None and self._segment[0] == os.getpid():
            os.close(self._segment[1])
        self._segment = None
