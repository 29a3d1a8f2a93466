"""What a build is made from, as digests; and loading articles through the cache and workers.

`scan` reads no article twice across builds: an article file whose size, times and inode are as the
last build recorded keeps its recorded digest. `load` parses only the files the cache does not know
(in forked workers when there are many), so an edit re-normalizes one article, not ten thousand.
"""
from __future__ import annotations

import hashlib
import time
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from newsgen.cache import Manifest, Signature, all_files, code_key, content_digests, digest, files_digest
from newsgen.config import Config
from newsgen.errors import BuildFailed, NewsgenError
from newsgen.loader import article_paths, parse_article, read_source, source_id_of
from newsgen.model import Article
from newsgen.parallel import fork_map
from newsgen.store import ArticleStore, Record
from newsgen.writer import static_files


@dataclass(frozen=True, slots=True)
class Sources:
    seeds: dict[str, tuple[Signature, bytes | None]]   # every file below seeds/ -> stat, content digest
    scanned_ns: int
    static: list[tuple[str, Path, bytes]]       # output path, source file, content digest
    salt: bytes        # what every page depends on: newsgen's code, the template set, the config
    load_key: bytes    # what every parsed article depends on: newsgen's code, time zone, seeds folder
    inputs_key: bytes  # all inputs and options: an equal key and clock mean an equal site (b"": unread)
    frame_key: bytes   # the same, but for the contents of the seed files (newsgen.patch)
    options_key: bytes  # inputs_key without the seed files


def scan(config: Config, options: Any, manifest: Manifest | None, read: bool = True) -> Sources:
    """Digests of all inputs. With `read` False (nothing is cached: every article will be parsed),
    the seed files are not read here: the loader hashes each as it parses it (complete())."""
    scanned_ns = time.time_ns()
    seeds = content_digests(all_files(config.seeds_dir), manifest.seeds if manifest else {},
                            manifest.scanned_ns if manifest else 0, read)
    static = [(rel, path, digest(path.read_bytes())) for rel, path in static_files(config.static_dir)]
    templates = [(p.relative_to(config.templates_dir).as_posix(), p)
                 for p in sorted(config.templates_dir.rglob("*")) if p.is_file()]
    code = code_key()
    salt = digest(b"page\0" + code + files_digest(templates)
                  + repr(replace(config, build_dir=Path())).encode("utf-8", "surrogatepass"))
    load_key = digest(f"article\0{config.timezone}\0{config.seeds_dir}\0".encode("utf-8", "surrogateescape") + code)
    frame = hashlib.sha1(salt + load_key)
    frame.update(repr((options.publishing, options.strict)).encode())
    for rel, _, content in static:
        frame.update(rel.encode("utf-8", "surrogateescape") + b"\0" + content)
    options_key = frame.digest()
    for key in sorted(seeds):  # os.walk's order is the file system's: not part of the site
        frame.update(key.encode("utf-8", "surrogateescape") + b"\0")
    return Sources(seeds, scanned_ns, static, salt, load_key, _inputs_key(options_key, seeds),
                   frame.digest(), options_key)


def complete(sources: Sources, parsed: dict[str, bytes]) -> Sources:
    """`sources` with every digest the scan left unread: the loader's for the articles it parsed,
    else (files that are not articles) read now."""
    missing = [path for path, (_, content) in sources.seeds.items() if content is None]
    if not missing:
        return sources
    seeds = dict(sources.seeds)
    rest = [path for path in missing if path not in parsed]
    seeds.update((path, (seeds[path][0], parsed[path])) for path in missing if path in parsed)
    seeds.update(content_digests(rest, {}, 0))
    return replace(sources, seeds=seeds, inputs_key=_inputs_key(sources.options_key, seeds))


def _inputs_key(options_key: bytes, seeds: dict[str, tuple[Signature, bytes | None]]) -> bytes:
    if any(content is None for _, content in seeds.values()):
        return b""  # some file not read yet: complete() makes the key
    h = hashlib.sha1(options_key)
    for key in sorted(seeds):
        h.update(key.encode("utf-8", "surrogateescape") + b"\0" + seeds[key][1])
    return h.digest()


def thresholds(articles: tuple[Article, ...], window: Any) -> tuple[float, ...]:
    """The instants where the build clock changes what a site shows: an embargo lifting, an
    expiry, an article leaving the news sitemap's window (the clock reaches pages only so)."""
    found = set()
    for article in articles:
        found.update((article.date.timestamp(), (article.date + window).timestamp()))
        if article.expires is not None:
            found.add(article.expires.timestamp())
    return tuple(sorted(found))


def same_clock(manifest: Manifest, clock: datetime) -> bool:
    """No threshold lies between the last build's clock and this one (ends included)."""
    new = clock.timestamp()
    low, high = sorted((manifest.clock, new))
    at = bisect_left(manifest.thresholds, low)
    return new == manifest.clock or at == len(manifest.thresholds) or manifest.thresholds[at] > high


def load(config: Config, sources: Sources, store: ArticleStore,
         jobs: int) -> tuple[tuple[Article, ...], dict[str, tuple[Article, bytes]], dict[str, bytes]]:
    """Every article, light (newsgen.store: its body stays in the cache), from the cache when its
    bytes are known, else parsed; BuildFailed lists all bad files. Also each article's digest
    (newsgen.fingerprint), made once when it is parsed, and the content digest of each file parsed."""
    paths = article_paths(config.seeds_dir, config.ignore_files)  # the loader decides what an article is
    contents = [_content(sources, p) for p in paths]
    keys = [store.key(p, content) if content else None for p, content in zip(paths, contents)]
    found: list[tuple[Article, bytes] | None] = [store.get(k, p) if k else None for k, p in zip(keys, paths)]
    missing = [i for i, entry in enumerate(found) if entry is None]
    task = _Parse([paths[i] for i in missing], config.seeds_dir, config.tz, store)
    errors, parsed = [], {}
    for n, (record, problem, after) in fork_map(task, len(missing), jobs, chunk=8):
        i = missing[n]
        if problem is not None:
            errors.append(NewsgenError(*problem))
            continue
        parsed[str(paths[i])] = after
        found[i] = (store.add(_key(store, paths[i], contents[i], after), record, paths[i]), record[1])
    store.save()
    if errors:
        raise BuildFailed(errors)
    entries = [e for e in found if e is not None]
    return tuple(a for a, _ in entries), {a.source_id: (a, d) for a, d in entries}, parsed


def _content(sources: Sources, path: Path) -> bytes | None:
    """The scanned digest; b"" when the scan did not read the file, None when it appeared since."""
    known = sources.seeds.get(str(path))
    return None if known is None else known[1] or b""


def _key(store: ArticleStore, path: Path, scanned: bytes | None, parsed: bytes) -> bytes | None:
    """The cache key of a parsed article, or None (not indexed) unless the bytes parsed are the
    bytes scanned, or are the first the build read of a file the scan did not read."""
    if scanned is None or (scanned and scanned != parsed):
        return None
    return store.key(path, parsed)


class _Parse:
    """Read and normalize one article (in a worker), its body into the cache; errors come back as
    (path, line, message)."""

    def __init__(self, paths: list[Path], seeds_dir: Path, tz: tzinfo, store: ArticleStore) -> None:
        self.paths, self.seeds_dir, self.tz, self.store = paths, seeds_dir, tz, store

    def __call__(self, n: int) -> tuple[Record | None, tuple | None, bytes | None]:
        """(the article's store record, a problem, the digest of the bytes parsed)."""
        path = self.paths[n]
        try:
            data = read_source(path)  # once: parsed, and hashed for the cache key
        except OSError as exc:
            return None, (str(path), None, f"cannot read the file: {exc.strerror or exc}"), None
        try:
            article = parse_article(data, path, source_id_of(path, self.seeds_dir), self.tz)
        except NewsgenError as exc:  # NewsgenError does not survive pickling: send its parts
            return None, (str(exc.path), exc.line, exc.message), None
        content = digest(data)
        return self.store.keep(article, content), None, content
