"""Jinja2 rendering of planned pages into Outputs. Never opens a file for writing."""
from __future__ import annotations

from datetime import date, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import quote, urlsplit

import jinja2
from babel.dates import format_date as babel_format_date
from markupsafe import Markup

from newsgen import __version__
from newsgen.arabic_dates import arabic_digits, format_date, hijri_date
from newsgen.config import Config
from newsgen.errors import NewsgenError
from newsgen.htmltext import inline_html, plain_text
from newsgen.markup import body_html, make_markdown, summary_text
from newsgen.metadata import news_article
from newsgen.model import Article, Output
from newsgen.searchkey import search_key
from newsgen.pages import Page
from newsgen.site import article_path


class Renderer:
    """One per build (and per worker process): the Jinja environment and the Markdown parser."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.md = make_markdown()
        self.env = make_env(config)
        self._bodies: dict[str, Markup] = {}

    def body(self, article: Article) -> Markup:
        """The article's HTML fragment, made once even when a page and the feed both need it."""
        if article.source_id not in self._bodies:
            self._bodies[article.source_id] = Markup(body_html(article, self.md))
        return self._bodies[article.source_id]

    def feed_body(self, article: Article) -> Markup:
        """The body for feeds: links made absolute, since readers resolve them against the feed."""
        key = "feed:" + article.source_id
        if key not in self._bodies:
            base = self.env.filters["article_abs_url"](article)
            self._bodies[key] = Markup(body_html(article, self.md, base))
        return self._bodies[key]

    def summary(self, article: Article) -> str:
        return summary_text(article, self.md)

    def news_ld(self, article: Article) -> dict:
        url = self.env.filters["article_abs_url"]
        return news_article(article, self.config, url, self.summary(article))

    def render(self, page: Page) -> Output:
        try:
            return self._render(page)
        except jinja2.TemplateSyntaxError as exc:
            raise NewsgenError(Path(exc.filename or page.template), exc.lineno, f"template error: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:
            raise NewsgenError(self.config.templates_dir / str(exc.name), None, "template not found") from None
        except jinja2.UndefinedError as exc:
            raise NewsgenError(self.config.templates_dir / page.template, None,
                               f"template error while writing {page.path}: {exc.message}") from None

    def _render(self, page: Page) -> Output:
        template = self.env.get_template(page.template)
        text = template.render(page.context, page_path=page.path, body=self.body, feed_body=self.feed_body,
                               summary=self.summary,
                               news_ld=self.news_ld)
        return Output(path=page.path, data=text.encode("utf-8"))

    def render_all(self, pages: Iterable[Page]) -> Iterator[Output]:
        return (self.render(page) for page in pages)


def make_env(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.templates_dir)),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    base_path = urlsplit(config.site_url).path
    env.globals.update(config=config, site_url=config.site_url, generator=f"newsgen {__version__}")
    env.filters.update(
        url=lambda path: base_path + quote(str(path), safe="/-._~"),
        abs_url=lambda path: config.site_url + quote(str(path), safe="/-._~"),
        article_url=lambda article: base_path + quote(article_path(article), safe="/-"),
        article_abs_url=lambda article: config.site_url + quote(article_path(article), safe="/-"),
        rfc822=lambda when: format_datetime(when),
        rfc3339=lambda when: when.isoformat(timespec="seconds"),
        period=lambda group: _period_label(group.year, group.month, group.day, config),
        month_name=lambda ym: _period_label(ym[0], ym[1], 0, config),
        search_key=search_key,
        iso=_iso,
        shown_date=lambda when: _shown_date(when, config),
        hijri=lambda when: hijri_date(when.date(), digits=config.digits) if config.hijri else None,
        inline=lambda text: Markup(inline_html(text)),
        plain=plain_text,
    )
    return env


def _iso(when: datetime) -> str:
    """`2026-02-05` for a date alone (midnight), else the full ISO 8601 time with offset."""
    if (when.hour, when.minute, when.second) == (0, 0, 0):
        return when.date().isoformat()
    return when.isoformat()


def _shown_date(when: datetime, config: Config) -> str:
    return format_date(when.date(), locale=config.date_locale, digits=config.digits, style=config.date_style)


def _period_label(year: int, month: int, day: int, config: Config) -> str:
    """`2026`, `فبراير 2026` or `5 فبراير 2026` in the configured locale and digits."""
    if not month:
        text = str(year)
    elif not day:
        text = babel_format_date(date(year, month, 1), "MMMM y", locale=config.date_locale)
    else:
        return format_date(date(year, month, day), locale=config.date_locale, digits=config.digits, style="long")
    return arabic_digits(text) if config.digits == "arab" else text


def template_files(config: Config) -> list[Path]:
    return sorted(p for p in config.templates_dir.rglob("*") if p.is_file())
