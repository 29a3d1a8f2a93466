"""What a preview request serves from build/: the file a URL path names, never one outside build/,
and its content type."""
from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote

TEXT_TYPES = {".html": "text/html", ".htm": "text/html", ".xml": "application/xml", ".css": "text/css",
              ".js": "text/javascript", ".mjs": "text/javascript", ".json": "application/json",
              ".txt": "text/plain"}
OTHER_TYPES = {".svg": "image/svg+xml", ".wasm": "application/wasm", ".woff2": "font/woff2",
               ".webmanifest": "application/manifest+json"}  # ones mimetypes may not know everywhere


def resolve_request(build_dir: Path, url_path: str) -> Path | None:
    """The real path of the file a request path names inside `build_dir`, or None.

    `/x/` means `/x/index.html`; `/x` naming a folder returns the folder (the caller redirects).
    None for anything malformed, anything that would leave `build_dir` (dot segments, encoded
    slashes or backslashes, NUL, symlinks pointing out) and anything that does not exist.
    """
    raw = url_path.split("?", 1)[0].split("#", 1)[0]
    if not raw.startswith("/") or "\\" in raw or "\x00" in raw:
        return None
    parts = []
    for segment in raw.split("/"):
        try:
            name = unquote(segment, errors="strict")  # Arabic paths are UTF-8 percent-encoded
        except UnicodeDecodeError:
            return None
        # Checked after decoding, so %2e%2e, %2f, %5c and %00 are caught like their plain forms.
        if name in (".", "..") or any(c in name for c in "/\\\x00"):
            return None
        if name:
            parts.append(name)
    if raw.endswith("/"):
        parts.append("index.html")
    root = Path(os.path.realpath(build_dir))
    target = Path(os.path.realpath(root.joinpath(*parts)))  # follows every symlink on the way
    if not target.is_relative_to(root):
        return None
    if target.is_file() or (target.is_dir() and not raw.endswith("/") and target != root):
        return target
    return None


def content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in TEXT_TYPES:
        return TEXT_TYPES[suffix] + "; charset=utf-8"  # the writer only writes UTF-8
    return OTHER_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:  # gone between resolve and read: a rebuild swapped build/
        return None
