"""Chromium through Playwright: a loopback HTTP server, page visits that record every console error
and failed request, axe-core, horizontal overflow, bidi visual order and CSS.supports()."""
from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BAD_IMPACTS = ("serious", "critical")
WIDTHS = {"mobile": 360, "desktop": 1280}


# --- a static server over a build folder, mounted at the site's base path -------------------------

class _Handler(SimpleHTTPRequestHandler):
    base_path = "/"

    def translate_path(self, path: str) -> str:
        url_path = urlsplit(path).path
        if not url_path.startswith(self.base_path):
            return str(Path(self.directory) / ".outside-base-path")  # -> 404
        return super().translate_path("/" + url_path[len(self.base_path):])

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass


class StaticServer:
    """`http.server` in a thread on 127.0.0.1, serving `root` at `base_path` (like a static host)."""

    def __init__(self, root: Path, base_path: str = "/") -> None:
        handler = type("Handler", (_Handler,), {"base_path": base_path})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
        self.httpd.daemon_threads = True
        self.base_path = base_path
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="quality-http", daemon=True)

    def __enter__(self) -> "StaticServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str = "") -> str:
        """`path` is a URL path under the base path (already percent-encoded), or a full path."""
        return self.origin + (path if path.startswith("/") else self.base_path + path)


# --- page visits --------------------------------------------------------------------------------

@dataclass
class Visit:
    page: Any
    url: str
    problems: list[str] = field(default_factory=list)


def visit(context: Any, url: str) -> Visit:
    """Open `url`; every console error, page error, failed or non-2xx request and any request that
    leaves 127.0.0.1 (a static site must be self-contained) becomes a problem."""
    page = context.new_page()
    result = Visit(page, url)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    pending: set[str] = set()

    def on_console(message: Any) -> None:
        if message.type == "error":
            result.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_route(route: Any) -> None:
        request_url = route.request.url
        if request_url.startswith(origin + "/") or request_url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            result.problems.append(f"request leaves the site: {request_url}")
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.problems.append(f"uncaught exception: {error}"))
    page.on("request", lambda request: pending.add(request.url))
    page.on("requestfinished", lambda request: pending.discard(request.url))
    page.on("requestfailed", lambda request: (pending.discard(request.url), result.problems.append(
        f"request failed: {request.url} ({request.failure})")))
    page.on("response", lambda response: response.status >= 400 and result.problems.append(
        f"HTTP {response.status}: {response.url}"))
    page.route("**/*", on_route)
    response = page.goto(url, wait_until="load")
    if response is None or not response.ok:
        result.problems.append(f"page itself: HTTP {response.status if response else 'no response'}")
    if pending or page.evaluate("document.querySelectorAll('script:not([type=\"application/ld+json\"])').length"):
        # Scripts may still fetch (modules, search index): wait until the network has been quiet.
        try:
            page.wait_for_load_state("networkidle", timeout=10000)
        except Exception as exc:  # noqa: BLE001 - a page that never settles is a problem, not a crash
            result.problems.append(f"network never idle: {exc}")
    return result


def document_facts(page: Any) -> dict[str, Any]:
    return page.evaluate("""() => ({
        dir: document.documentElement.dir,
        lang: document.documentElement.lang,
        computedDirection: getComputedStyle(document.body).direction,
        title: document.title,
        h1: document.querySelectorAll('h1').length,
        stylesheets: document.styleSheets.length,
        cssRules: Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0),
    })""")


# --- axe-core ------------------------------------------------------------------------------------

def run_axe(page: Any) -> tuple[list[str], int]:
    """(serious and critical violations as text, number of rules axe ran)."""
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415

    response = Axe().run(page).response
    rules = sum(len(response.get(kind, [])) for kind in ("passes", "violations", "incomplete", "inapplicable"))
    bad = []
    for violation in response["violations"]:
        if violation.get("impact") in BAD_IMPACTS:
            targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
            bad.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return bad, rules


# --- horizontal overflow -------------------------------------------------------------------------

_OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const offenders = [];
    const clipped = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            const o = getComputedStyle(a).overflowX;
            if (o !== 'visible') return true;
        }
        return false;
    };
    for (const el of document.body.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if ((r.right > width + 1 || r.left < -1) && !clipped(el)) {
            offenders.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''}`
                + ` [${Math.round(r.left)}, ${Math.round(r.right)}]`);
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width,
            offenders: offenders.slice(0, 8)};
}"""


def overflow_problems(page: Any) -> list[str]:
    facts = page.evaluate(_OVERFLOW_JS)
    problems = []
    if facts["scrollWidth"] > facts["innerWidth"]:
        problems.append(f"horizontal overflow: scrollWidth {facts['scrollWidth']} > innerWidth {facts['innerWidth']}")
    problems += [f"element outside the viewport: {o}" for o in facts["offenders"]]
    return problems


# --- bidi: visual order of text pieces ----------------------------------------------------------

_PIECES_JS = """(root, pieces) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = '';
    while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
    const locate = (offset, isEnd) => {
        for (const [node, start] of nodes) {
            const end = start + node.data.length;
            if (isEnd ? (offset > start && offset <= end) : (offset >= start && offset < end))
                return [node, offset - start];
        }
        return null;
    };
    const out = [];
    let from = 0;
    for (const piece of pieces) {
        const at = text.indexOf(piece, from);
        if (at < 0) { out.push({piece, missing: true, text}); continue; }
        from = at + piece.length;
        const range = document.createRange();
        const [sNode, sOff] = locate(at, false);
        const [eNode, eOff] = locate(at + piece.length, true);
        range.setStart(sNode, sOff);
        range.setEnd(eNode, eOff);
        const rects = Array.from(range.getClientRects()).filter(r => r.width > 0 && r.height > 0)
            .map(r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom}));
        out.push({piece, rects});
    }
    return out;
}"""
TOLERANCE = 1.5
_CSS_STOP = re.compile(r"[{};]|\Z")


@dataclass
class Box:
    piece: str
    left: float
    right: float
    top: float
    bottom: float


def _same_line(a: Any, b: Any) -> bool:
    """Text boxes share a line when their vertical centres are closer than half the smaller box:
    glyph boxes of a tall Arabic font overlap the next line's, so plain overlap would not do."""
    get = (lambda box, key: box[key]) if isinstance(a, dict) else (lambda box, key: getattr(box, key))
    centre = lambda box: (get(box, "top") + get(box, "bottom")) / 2  # noqa: E731
    height = min(get(a, "bottom") - get(a, "top"), get(b, "bottom") - get(b, "top"))
    return abs(centre(a) - centre(b)) < height / 2


def piece_boxes(element: Any, pieces: Sequence[str]) -> tuple[list[Box], list[str]]:
    """Boxes of `pieces`, found one after the other (in logical order) in the element's text."""
    found = element.evaluate(_PIECES_JS, list(pieces))
    problems, boxes = [], []
    for item in found:
        if item.get("missing"):
            problems.append(f"{item['piece']!r} not found (in logical order) in {item['text']!r}")
            continue
        rects = item["rects"]
        if not rects:
            problems.append(f"{item['piece']!r} has no box")
            continue
        first = rects[0]
        if any(not _same_line(first, r) for r in rects[1:]):
            problems.append(f"{item['piece']!r} wraps over lines; order cannot be judged")
        boxes.append(Box(item["piece"], min(r["left"] for r in rects), max(r["right"] for r in rects),
                         min(r["top"] for r in rects), max(r["bottom"] for r in rects)))
    return boxes, problems


def order_problems(element: Any, pieces: Sequence[str], direction: str) -> list[str]:
    """`pieces` (in logical order) must appear right-to-left ("rtl") or left-to-right ("ltr").

    Two pieces on one line are compared horizontally; when the text wraps between them, the later
    piece must be on a later line (lines stack top to bottom in both directions).
    """
    boxes, problems = piece_boxes(element, pieces)
    if problems:
        return problems
    order = " > ".join(repr(b.piece) for b in boxes)
    for before, after in zip(boxes, boxes[1:]):
        if not _same_line(before, after):
            if (after.top + after.bottom) < (before.top + before.bottom):
                problems.append(f"{after.piece!r} is on an earlier line than {before.piece!r} ({order})")
            continue
        ok = (after.right <= before.left + TOLERANCE) if direction == "rtl" else (after.left >= before.right - TOLERANCE)
        if not ok:
            side = "left" if direction == "rtl" else "right"
            problems.append(
                f"{after.piece!r} [{after.left:.0f}-{after.right:.0f}] should be {side} of "
                f"{before.piece!r} [{before.left:.0f}-{before.right:.0f}] ({direction} order {order})")
    return problems


# --- CSS: every declaration and selector must be understood by Chromium --------------------------

@dataclass(frozen=True)
class Declaration:
    line: int
    selector: str
    prop: str
    value: str


def css_declarations(text: str) -> tuple[list[Declaration], list[str]]:
    """(declarations, selectors) of a stylesheet: a small parser for plain CSS (no nesting)."""
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    declarations: list[Declaration] = []
    selectors: list[str] = []

    def block(start: int, selector: str | None) -> int:
        pos = start
        while pos < len(text):
            brace = _CSS_STOP.search(text, pos)
            chunk = text[pos:brace.start()].strip()
            char = text[brace.start():brace.start() + 1]
            if char == "{":
                if chunk.startswith(("@media", "@supports", "@layer", "@container")):
                    pos = block(brace.end(), None)
                elif chunk.startswith("@keyframes"):
                    pos = block(brace.end(), "@keyframes")
                else:
                    if selector != "@keyframes" and not chunk.startswith("@"):
                        selectors.extend(s.strip() for s in chunk.split(",") if s.strip())
                    pos = block(brace.end(), chunk)
                continue
            if chunk and selector is not None and ":" in chunk:
                prop, value = chunk.split(":", 1)
                value = re.sub(r"\s*!important\s*$", "", value.strip())
                declarations.append(Declaration(text.count("\n", 0, pos) + 1, selector, prop.strip(), value))
            pos = brace.end()
            if char == "}" or not char:
                return pos
        return pos

    block(0, None)
    return declarations, selectors


def css_problems(page: Any, css_text: str, name: str) -> tuple[list[str], int]:
    declarations, selectors = css_declarations(css_text)
    verdicts = page.evaluate("""([decls, sels]) => ({
        decls: decls.map(([p, v]) => CSS.supports(p, v)),
        sels: sels.map(s => CSS.supports('selector(' + s + ')')),
    })""", [[[d.prop, d.value] for d in declarations], selectors])
    problems = [f"{name}:{d.line}: Chromium rejects '{d.prop}: {d.value}' (in {d.selector})"
                for d, ok in zip(declarations, verdicts["decls"]) if not ok]
    problems += [f"{name}: Chromium rejects selector {s!r}" for s, ok in zip(selectors, verdicts["sels"]) if not ok]
    return problems, len(declarations)
