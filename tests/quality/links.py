"""Every internal reference in built HTML (and CSS) resolves to a built file, every #fragment to an id.

Internal means: relative, or absolute under the site's base_url. A same-host URL outside the
base path is an error (it would leave the site); other hosts are counted, not fetched.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from quality.sites import BuiltSite

# (tag, attribute) pairs that load or link to a URL.
URL_ATTRIBUTES = {
    "href": {"a", "area", "link", "base"},
    "src": {"img", "script", "iframe", "audio", "video", "source", "track", "embed", "input"},
    "poster": {"video"},
    "action": {"form"},
    "formaction": {"button", "input"},
    "data": {"object"},
    "cite": {"blockquote", "q", "del", "ins"},
}
SRCSET_TAGS = {"img", "source"}
NOT_FETCHED = ("mailto:", "tel:", "sms:", "data:", "blob:", "about:")
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(['"])(.*?)\1""")


@dataclass
class PageRefs:
    refs: list[tuple[int, str, str]] = field(default_factory=list)   # (line, attribute, url)
    anchors: set[str] = field(default_factory=set)                   # ids and <a name>
    base_href: str | None = None
    json_ld: list[tuple[int, str]] = field(default_factory=list)     # (line, text) of ld+json scripts


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = PageRefs()
        self._json_ld: list[str] | None = None

    def handle_data(self, data: str) -> None:
        if self._json_ld is not None:
            self._json_ld.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json_ld is not None:
            self.found.json_ld.append((self._json_line, "".join(self._json_ld)))
            self._json_ld = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            self._json_ld, self._json_line = [], line
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.found.anchors.add(value)
            if tag == "base" and name == "href":
                self.found.base_href = value
            elif tag in URL_ATTRIBUTES.get(name, ()):
                self.found.refs.append((line, f"{tag}[{name}]", value))
            elif name == "srcset" and tag in SRCSET_TAGS:
                for candidate in value.split(","):
                    if candidate.strip():
                        self.found.refs.append((line, f"{tag}[srcset]", candidate.split()[0]))
            elif tag == "meta" and name == "content" and dict(attrs).get("http-equiv", "").lower() == "refresh":
                target = re.search(r"url\s*=\s*(\S+)", value, re.I)
                if target:
                    self.found.refs.append((line, "meta[refresh]", target.group(1).strip("'\"")))

    handle_startendtag = handle_starttag


def parse_html_text(text: str) -> PageRefs:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector.found


def parse_html(path: Path) -> PageRefs:
    return parse_html_text(path.read_text(encoding="utf-8"))


@dataclass
class LinkReport:
    problems: list[str] = field(default_factory=list)
    pages: int = 0
    checked: int = 0
    fragments: int = 0
    external: int = 0


class LinkChecker:
    """Checks pages of one built site; anchors of target pages are parsed once and cached."""

    def __init__(self, site: BuiltSite) -> None:
        self.site = site
        self._anchors: dict[Path, set[str]] = {}
        self.report = LinkReport()

    def anchors(self, path: Path) -> set[str]:
        if path not in self._anchors:
            self._anchors[path] = parse_html(path).anchors if path.suffix == ".html" else set()
        return self._anchors[path]

    def check_pages(self, pages: list[Path]) -> LinkReport:
        for page in pages:
            found = parse_html(page)
            self._anchors[page] = found.anchors
            self.report.pages += 1
            base = urljoin(self.site.url(page), found.base_href) if found.base_href else self.site.url(page)
            for line, where, url in found.refs:
                self.check(page, line, where, url, base)
            for line, text in found.json_ld:
                self.check_json_ld(page, line, text, base)
        return self.report

    def check_json_ld(self, page: Path, line: int, text: str, base: str) -> None:
        """Structured data must be JSON, and its URLs into the site must resolve."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            self.report.problems.append(f"{self.site.rel(page)}:{line}: ld+json is not JSON: {exc}")
            return
        stack = [data]
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
            elif isinstance(value, str) and value.startswith(self.site.origin + "/"):
                self.check(page, line, "ld+json", value, base)

    def check_stylesheets(self, sheets: list[Path]) -> LinkReport:
        for sheet in sheets:
            text = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
            base = self.site.origin + self.site.base_path + self.site.rel(sheet)
            for match in list(_CSS_URL.finditer(text)) + list(_CSS_IMPORT.finditer(text)):
                line = text.count("\n", 0, match.start()) + 1
                self.check(sheet, line, "css url()", match.group(2), base)
        return self.report

    def check(self, page: Path, line: int, where: str, url: str, base: str) -> None:
        where_text = f"{self.site.rel(page)}:{line}: {where}={url!r}"
        url = url.strip()
        if url.lower().startswith(NOT_FETCHED):
            return
        if url.lower().startswith(("javascript:", "vbscript:", "file:")):
            self.report.problems.append(f"{where_text}: unsafe or local scheme")
            return
        if url == "" or url == "#":
            self.report.problems.append(f"{where_text}: empty link target")
            return
        if page.name == "404.html" and not url.startswith(("/", "#")) and "://" not in url:
            # A static host serves 404.html for any missing path: a relative URL breaks below the root.
            self.report.problems.append(f"{where_text}: relative URL in the 404 page")
        if any(ord(ch) > 127 or ch in " \t\n" for ch in url) and self._is_internal(urljoin(base, url)):
            self.report.problems.append(f"{where_text}: internal URL is not percent-encoded")
        absolute = urljoin(base, url)
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            self.report.problems.append(f"{where_text}: unexpected scheme {parts.scheme!r}")
            return
        if not self._is_internal(absolute):
            if f"{parts.scheme}://{parts.netloc}" == self.site.origin:
                self.report.problems.append(f"{where_text}: same host but outside the site ({self.site.base_path})")
            else:
                self.report.external += 1
            return
        self.report.checked += 1
        try:
            target = self.site.file_for(parts.path)
        except UnicodeDecodeError:
            self.report.problems.append(f"{where_text}: percent-encoding is not UTF-8")
            return
        if target is None:
            folder = self.site.root / unquote(parts.path[len(self.site.base_path):])
            why = "folder link without trailing slash" if folder.is_dir() else "no such file in the build"
            self.report.problems.append(f"{where_text}: dead link ({why})")
            return
        if parts.fragment:
            self.report.fragments += 1
            fragment = unquote(parts.fragment)
            if fragment not in self.anchors(target) and not (fragment == "top" and target.suffix == ".html"):
                self.report.problems.append(f"{where_text}: no id {fragment!r} in {self.site.rel(target)}")

    def _is_internal(self, absolute: str) -> bool:
        parts = urlsplit(absolute)
        return (f"{parts.scheme}://{parts.netloc}" == self.site.origin
                and parts.path.startswith(self.site.base_path))


def check_site(site: BuiltSite, pages: list[Path] | None = None) -> LinkReport:
    checker = LinkChecker(site)
    checker.check_pages(site.html_pages() if pages is None else pages)
    checker.check_stylesheets(site.all_stylesheets())
    return checker.report
