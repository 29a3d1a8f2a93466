"""Article bodies as HTML fragments: native paragraphs, or Markdown with raw HTML off."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urljoin

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from newsgen.htmltext import crosshead, inline_html, paragraphs_html
from newsgen.model import Article

# Links that may appear in an article; markdown-it already refuses javascript:, vbscript:, file:, data:.
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#", "./", "../")


def make_markdown() -> MarkdownIt:
    """CommonMark with raw HTML off; text runs get the same bidi wrapping as native copy (B6, B7)."""
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = _is_safe_link
    md.add_render_rule("text", _render_text)
    md.add_render_rule("heading_open", _render_heading_open)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    md.add_render_rule("code_inline", _render_code_inline)
    for name in ("fence", "code_block"):
        md.add_render_rule(name, _ltr_block(md.renderer.rules[name]))
    return md


def body_html(article: Article, text: str, md: MarkdownIt, base: str | None = None) -> str:
    """The body `text` of `article` as HTML; with `base` (the article's absolute URL) every link is
    absolute, for feeds."""
    if article.format == "markdown":
        return md.render(text, {"base": base} if base else None)
    return paragraphs_html(text)


def _is_safe_link(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(_SAFE_SCHEMES) or ":" not in lowered.split("/", 1)[0]


def _render_text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return inline_html(tokens[idx].content)


def _absolute(token: Token, attr: str, env: Any) -> None:
    # Feed readers resolve relative links against the feed's URL, not the article's: make them absolute.
    value = token.attrGet(attr)
    if env and env.get("base") and isinstance(value, str):
        token.attrSet(attr, urljoin(env["base"], value))


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    _absolute(tokens[idx], "href", env)
    return self.renderToken(tokens, idx, options, env)


def _render_image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    _absolute(tokens[idx], "src", env)
    return self.image(tokens, idx, options, env)


def _render_code_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # Code is left-to-right even inside Arabic; markup keeps it so in feed readers too (no CSS there).
    return f'<code dir="ltr">{escapeHtml(tokens[idx].content)}</code>'


def _ltr_block(default: Any) -> Any:
    def render(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        html = default(tokens, idx, options, env)
        return html.replace("<pre>", '<pre dir="ltr">', 1)
    return render


def _render_heading_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # Markdown `#` would compete with the page's own <h1>: shift headings down one level.
    token = tokens[idx]
    level = min(int(token.tag[1]) + 1, 6)
    token.tag = f"h{level}"
    closing = next(t for t in tokens[idx:] if t.type == "heading_close")
    closing.tag = token.tag
    return self.renderToken(tokens, idx, options, env)


def summary_text(article: Article, body: Callable[[], str], md: MarkdownIt, limit: int = 220) -> str:
    """`summary:` if given, else the first paragraph of `body()`, cut on a word boundary with an
    ellipsis."""
    text = article.summary or _first_paragraph(article, body(), md)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip("،,؛;:.-– ") + "…"


def _first_paragraph(article: Article, body: str, md: MarkdownIt) -> str:
    if article.format != "markdown":
        return next((p for p in map(str.strip, _lines(body)) if p and crosshead(p) is None), "")
    tokens = md.parse(body)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and tokens[index + 1].children is not None:
            children = tokens[index + 1].children or []
            return "".join(" " if c.type in ("softbreak", "hardbreak") else c.content
                           for c in children).strip()
    return ""


def _lines(text: str) -> Iterator[str]:
    """The lines of `text`, lazily: a summary needs the first paragraph, not all forty."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        yield text[start:end]
        start = end + 1
