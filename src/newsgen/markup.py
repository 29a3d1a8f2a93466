"""Article bodies as HTML fragments: native paragraphs, or Markdown with raw HTML off."""
from __future__ import annotations

from typing import Any, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from newsgen.htmltext import inline_html, paragraphs_html
from newsgen.model import Article

# Links that may appear in an article; markdown-it already refuses javascript:, vbscript:, file:, data:.
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#", "./", "../")


def make_markdown() -> MarkdownIt:
    """CommonMark with raw HTML off; text runs get the same bidi wrapping as native copy (B6, B7)."""
    md = MarkdownIt("commonmark", {"html": False})
    md.validateLink = _is_safe_link
    md.add_render_rule("text", _render_text)
    md.add_render_rule("heading_open", _render_heading_open)
    return md


def body_html(article: Article, md: MarkdownIt) -> str:
    if article.format == "markdown":
        return md.render(article.body)
    return paragraphs_html(article.body)


def _is_safe_link(url: str) -> bool:
    lowered = url.strip().lower()
    return lowered.startswith(_SAFE_SCHEMES) or ":" not in lowered.split("/", 1)[0]


def _render_text(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return inline_html(tokens[idx].content)


def _render_heading_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # Markdown `#` would compete with the page's own <h1>: shift headings down one level.
    token = tokens[idx]
    level = min(int(token.tag[1]) + 1, 6)
    token.tag = f"h{level}"
    closing = next(t for t in tokens[idx:] if t.type == "heading_close")
    closing.tag = token.tag
    return self.renderToken(tokens, idx, options, env)


def summary_text(article: Article, md: MarkdownIt, limit: int = 220) -> str:
    """`summary:` if given, else the first paragraph, cut on a word boundary with an ellipsis."""
    text = article.summary or _first_paragraph(article, md)
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip("،,؛;:.-– ") + "…"


def _first_paragraph(article: Article, md: MarkdownIt) -> str:
    if article.format != "markdown":
        paragraphs = (p for p in article.body.split("\n") if p and not paragraphs_html(p).startswith("<h2"))
        return next(paragraphs, "")
    tokens = md.parse(article.body)
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and tokens[index + 1].children is not None:
            children = tokens[index + 1].children or []
            return "".join(" " if c.type in ("softbreak", "hardbreak") else c.content
                           for c in children).strip()
    return ""
