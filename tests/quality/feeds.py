"""Feeds (RSS 2.0, Atom, JSON Feed) and sitemaps: they parse, and every item points at a built page."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser

from quality.links import parse_html_text
from quality.sites import BuiltSite

# RFC 822 (as updated by RFC 1123/2822, what RSS 2.0 requires), ASCII digits only: [0-9], never \d.
RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?[0-9]{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"[0-9]{4} [0-9]{2}:[0-9]{2}(?::[0-9]{2})? (?:[+-][0-9]{4}|GMT|UT|[ECMP][SD]T|Z)$"
)
RFC3339 = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$")
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
NOT_FEEDS = {"slug-map.json", "newsgen-report.json"}


@dataclass
class FeedReport:
    problems: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    items: int = 0
    sitemaps: list[str] = field(default_factory=list)
    bodies: list[tuple[str, str, str]] = field(default_factory=list)  # (feed, item, HTML content)
    body_links: int = 0


def feed_files(site: BuiltSite) -> list[Path]:
    """Every *.xml file, and every *.json file that is a JSON Feed."""
    found = sorted(site.root.rglob("*.xml"))
    for path in sorted(site.root.rglob("*.json")):
        if path.name in NOT_FEEDS:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict) and str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
            found.append(path)
    return found


def check_site(site: BuiltSite, paths: list[Path] | None = None) -> FeedReport:
    report = FeedReport()
    for path in feed_files(site) if paths is None else paths:
        FeedCheck(site, path, report).run()
    robots = site.root / "robots.txt"
    if paths is None and robots.is_file():
        check = FeedCheck(site, robots, report)
        for line in robots.read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("sitemap:"):
                check.link(line.split(":", 1)[1].strip(), "robots.txt Sitemap:")
    return report


class FeedCheck:
    def __init__(self, site: BuiltSite, path: Path, report: FeedReport) -> None:
        self.site, self.path, self.report = site, path, report
        self.name = site.rel(path)

    def problem(self, text: str) -> None:
        self.report.problems.append(f"{self.name}: {text}")

    def run(self) -> None:
        if self.path.suffix == ".json":
            self.report.feeds.append(self.name)
            self.json_feed()
            return
        try:
            root = ET.fromstring(self.path.read_bytes())
        except ET.ParseError as exc:
            self.report.feeds.append(self.name)
            self.problem(f"not well-formed XML: {exc}")
            self.parsed()  # still let feedparser say what it sees
            return
        if root.tag in (f"{SITEMAP}urlset", f"{SITEMAP}sitemapindex"):
            self.report.sitemaps.append(self.name)
            for loc in root.iter(f"{SITEMAP}loc"):
                self.link(loc.text or "", "sitemap <loc>")
            return
        self.report.feeds.append(self.name)
        feed = self.parsed()
        if feed is None:
            return
        if root.tag == "rss":
            self.rss(root, feed)
        elif root.tag == f"{ATOM}feed":
            self.atom(root, feed)
        else:
            self.problem(f"unknown feed root element <{root.tag}>")

    def parsed(self) -> feedparser.FeedParserDict | None:
        feed = feedparser.parse(self.path.read_bytes())
        if feed.bozo:
            self.problem(f"feedparser bozo: {type(feed.bozo_exception).__name__}: {feed.bozo_exception}")
            return None
        if not feed.feed.get("title"):
            self.problem("feed has no title")
        return feed

    def link(self, url: str, what: str) -> Path | None:
        """An absolute URL under base_url that resolves to a built file."""
        url = url.strip()
        if not url.startswith(self.site.base_url):
            self.problem(f"{what} {url!r} is not under base_url {self.site.base_url}")
            return None
        parts = urlsplit(url)
        try:
            target = self.site.file_for(parts.path)
        except UnicodeDecodeError:
            target = None
        if target is None:
            self.problem(f"{what} {url!r} does not resolve to a built file")
        return target

    def body(self, where: str, html: str | None, base: str | None = None) -> None:
        """Item content is HTML shown far from the site: feed readers resolve relative URLs against
        the feed (or xml:base), not the article, so every URL must be absolute (or xml:base given)."""
        if not html:
            return
        self.report.bodies.append((self.name, where, html))
        for line, attr, url in parse_html_text(html).refs:
            url = url.strip()
            if url.lower().startswith(("mailto:", "tel:", "data:")) or url.startswith("#"):
                continue
            self.report.body_links += 1
            if "://" not in url and base is None:
                self.problem(f"{where} content: relative URL {url!r} in {attr} (readers resolve it against "
                             f"the feed URL, not the article)")
                continue
            absolute = urljoin(base or "", url)
            if absolute.startswith(self.site.origin + "/") or absolute.startswith(self.site.base_url):
                self.link(absolute, f"{where} content {attr}")

    def rss(self, root: ET.Element, feed: feedparser.FeedParserDict) -> None:
        channel = root.find("channel")
        if channel is None:
            self.problem("no <channel>")
            return
        self.link(channel.findtext("link") or "", "channel <link>")
        self_links = [a for a in channel.findall(f"{ATOM}link") if a.get("rel") == "self"]
        if self_links:
            if self.link(self_links[0].get("href", ""), "atom:link rel=self") not in (None, self.path):
                self.problem("atom:link rel=self does not point at this feed")
        for tag in ("lastBuildDate", "pubDate"):
            value = channel.findtext(tag)
            if value is not None and not RFC822.match(value.strip()):
                self.problem(f"channel <{tag}> {value!r} is not RFC 822 with ASCII digits")
        items = channel.findall("item")
        if len(items) != len(feed.entries):
            self.problem(f"{len(items)} <item> elements but feedparser saw {len(feed.entries)}")
        dates, guids = [], set()
        for number, (item, entry) in enumerate(zip(items, feed.entries), 1):
            self.report.items += 1
            where = f"item {number}"
            if not (item.findtext("title") or "").strip() or not entry.get("title"):
                self.problem(f"{where}: no title")
            link = (item.findtext("link") or "").strip()
            if not link:
                self.problem(f"{where}: no link")
            else:
                self.link(link, f"{where} <link>")
            guid = (item.findtext("guid") or "").strip()
            if not guid or not entry.get("id"):
                self.problem(f"{where}: no guid")
            elif guid in guids:
                self.problem(f"{where}: duplicate guid {guid!r}")
            guids.add(guid)
            guid_element = item.find("guid")
            if guid and guid_element is not None and guid_element.get("isPermaLink", "true") == "true":
                self.link(guid, f"{where} permalink <guid>")
            self.body(where, item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded"))
            raw = item.findtext("pubDate")
            if raw is None or not entry.get("published_parsed"):
                self.problem(f"{where}: no pubDate")
            elif not RFC822.match(raw.strip()):
                self.problem(f"{where}: pubDate {raw!r} is not RFC 822 with ASCII digits")
            else:
                dates.append(parsedate_to_datetime(raw.strip()))
        if dates != sorted(dates, reverse=True):
            self.problem("items are not newest first")

    def atom(self, root: ET.Element, feed: feedparser.FeedParserDict) -> None:
        if not (root.findtext(f"{ATOM}id") or "").strip():
            self.problem("feed has no <id>")
        ids = set()
        for number, entry in enumerate(root.findall(f"{ATOM}entry"), 1):
            self.report.items += 1
            where = f"entry {number}"
            if not (entry.findtext(f"{ATOM}title") or "").strip():
                self.problem(f"{where}: no title")
            entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
            if not entry_id or entry_id in ids:
                self.problem(f"{where}: missing or duplicate <id>")
            ids.add(entry_id)
            links = [a for a in entry.findall(f"{ATOM}link") if a.get("rel", "alternate") == "alternate"]
            if not links:
                self.problem(f"{where}: no alternate link")
            for a in links:
                self.link(a.get("href", ""), f"{where} <link>")
            for tag in ("updated", "published"):
                value = entry.findtext(f"{ATOM}{tag}")
                if value is not None and not RFC3339.match(value.strip()):
                    self.problem(f"{where}: <{tag}> {value!r} is not RFC 3339")
            if entry.findtext(f"{ATOM}updated") is None:
                self.problem(f"{where}: no <updated>")
            content = entry.find(f"{ATOM}content")
            if content is not None and content.get("type") == "html":
                base = content.get(XML_BASE) or entry.get(XML_BASE) or root.get(XML_BASE)
                self.body(where, content.text, base)

    def json_feed(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError as exc:
            self.problem(f"not JSON: {exc}")
            return
        if not data.get("title"):
            self.problem("feed has no title")
        if data.get("feed_url"):
            self.link(data["feed_url"], "feed_url")
        ids = set()
        for number, item in enumerate(data.get("items", []), 1):
            self.report.items += 1
            where = f"item {number}"
            item_id = str(item.get("id", "")).strip()
            if not item_id or item_id in ids:
                self.problem(f"{where}: missing or duplicate id")
            ids.add(item_id)
            if not item.get("url"):
                self.problem(f"{where}: no url")
            else:
                self.link(item["url"], f"{where} url")
            if not item.get("title"):
                self.problem(f"{where}: no title")
            if not (item.get("content_html") or item.get("content_text")):
                self.problem(f"{where}: no content_html or content_text")
            self.body(where, item.get("content_html"))
            when = item.get("date_published")
            if not when or not RFC3339.match(str(when)):
                self.problem(f"{where}: date_published {when!r} is not RFC 3339")
            else:
                datetime.fromisoformat(str(when).replace("Z", "+00:00"))


BODY_PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
{articles}
</body>
</html>
"""


def body_documents(site: BuiltSite, out: Path) -> list[Path]:
    """The HTML content of the site-wide feeds' items, one HTML document per feed, for vnu."""
    top = [p for p in feed_files(site) if p.parent == site.root]
    report = check_site(site, top)
    out.mkdir(parents=True, exist_ok=True)
    documents = []
    for feed in sorted({name for name, _, _ in report.bodies}):
        articles = "\n".join(f"<article>\n<h2>{where}</h2>\n{html}\n</article>"
                             for name, where, html in report.bodies if name == feed)
        path = out / (feed.replace("/", "_") + ".bodies.html")
        path.write_text(BODY_PAGE.format(title=f"{feed}: item content", articles=articles), encoding="utf-8")
        documents.append(path)
    return documents
