"""Jinja2 rendering of planned pages into Outputs. Never opens a file for writing."""
from __future__ import annotations

from datetime import date, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
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
from newsgen.store import body_text


class Renderer:
    """One per build (and per worker process): the Jinja environment, the Markdown parser, and the
    per-article pieces that many pages repeat (each article is listed on ~10 pages: index, archives,
    terms, related lists, neighbours), each made once."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.md = make_markdown()
        self.env = make_env(config)
        self._bodies: dict[str, Markup] = {}
        self._summaries: dict[str, str] = {}
        self._ld: dict[str, dict] = {}
        self._text: tuple[str, str] = ("", "")  # the last body read: a page wants it for two things

    def text(self, article: Article) -> str:
        """The body's text (a light article's is read from the article cache, newsgen.store)."""
        if self._text[0] != article.source_id:
            self._text = (article.source_id, body_text(article))
        return self._text[1]

    def body(self, article: Article) -> Markup:
        """The article's HTML fragment, made once even when a page and the feed both need it."""
        html = self._bodies.get(article.source_id)
        if html is None:
            html = self._bodies[article.source_id] = Markup(body_html(article, self.text(article), self.md))
        return html

    def feed_body(self, article: Article) -> Markup:
        """The body for feeds: links made absolute, since readers resolve them against the feed."""
        if article.format != "markdown":  # native copy has no links: the page's body serves as is
            return self.body(article)
        key = "feed:" + article.source_id
        if key not in self._bodies:
            base = self.env.filters["article_abs_url"](article)
            self._bodies[key] = Markup(body_html(article, self.text(article), self.md, base))
        return self._bodies[key]

    def summary(self, article: Article) -> str:
        text = self._summaries.get(article.source_id)
        if text is None:
            text = self._summaries[article.source_id] = summary_text(article, lambda: self.text(article), self.md)
        return text

    def news_ld(self, article: Article) -> dict:
        data = self._ld.get(article.source_id)
        if data is None:
            url = self.env.filters["article_abs_url"]
            data = self._ld[article.source_id] = news_article(article, self.config, url, self.summary(article))
        return data

    def forget(self) -> None:
        """Drop the per-article pieces (a worker calls this now and then to bound its memory)."""
        self._bodies.clear()
        self._summaries.clear()
        self._ld.clear()

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
        auto_reload=False,  # one environment per build: no stat() of every template on every page
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    base_path = urlsplit(config.site_url).path
    env.globals.update(config=config, site_url=config.site_url, generator=f"newsgen {__version__}")
    shown_day = _memo(lambda day: format_date(day, locale=config.date_locale, digits=config.digits,
                                              style=config.date_style))
    hijri_day = _memo(lambda day: hijri_date(day, digits=config.digits) if config.hijri else None)
    label = _memo(lambda ymd: _period_label(*ymd, config))  # an archive page names ~10 periods
    article_url = _per_article(lambda article: base_path + quote(article_path(article), safe="/-"))
    env.globals["fragment"] = _fragments(env)
    env.filters.update(
        url=_memo(lambda path: base_path + quote(str(path), safe="/-._~")),
        abs_url=_memo(lambda path: config.site_url + quote(str(path), safe="/-._~")),
        article_url=article_url,
        article_abs_url=_per_article(lambda article: config.site_url + article_url(article)[len(base_path):]),
        rfc822=lambda when: format_datetime(when),
        rfc3339=lambda when: when.isoformat(timespec="seconds"),
        period=lambda group: label((group.year, group.month, group.day)),
        month_name=lambda ym: label((ym[0], ym[1], 0)),
        search_key=search_key,
        iso=_memo(_iso),
        shown_date=lambda when: shown_day(when.date()),  # by day: 10,000 articles, ~4,000 days
        hijri=lambda when: hijri_day(when.date()),
        inline=_memo(lambda text: Markup(inline_html(text))),
        plain=_memo(plain_text),
    )
    return env


def _memo(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`function` with its results kept for the life of the environment (one build): titles, dates
    and URLs recur on many pages. Pure functions of hashable values only."""
    made: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        try:
            return made[value]
        except KeyError:
            result = made[value] = function(value)
            return result
    return cached


def _fragments(env: jinja2.Environment) -> Callable[..., Markup]:
    """`fragment("article_item", article)`: a macro of _macros.html rendered once per build for each
    article or date, as every page that lists it shows the same markup (an article is listed on
    ~10 pages); `fragment("site_header")`, without a value, for markup every page repeats. Only
    for macros whose output depends on their one argument (or nothing but the config) alone."""
    made: dict[tuple[str, Any], Markup] = {}

    def fragment(name: str, *value: Any) -> Markup:
        key = (name, *(v.source_id if isinstance(v, Article) else v for v in value))
        html = made.get(key)
        if html is None:
            html = made[key] = getattr(env.get_template("_macros.html").module, name)(*value)
        return html
    return fragment


def _per_article(function: Callable[[Article], str]) -> Callable[[Article], str]:
    """Like _memo, keyed by source id: hashing a whole article would hash its body."""
    made: dict[str, str] = {}

    def cached(article: Article) -> str:
        try:
            return made[article.source_id]
        except KeyError:
            result = made[article.source_id] = function(article)
            return result
    return cached


def _iso(when: datetime) -> str:
    """`2026-02-05` for a date alone (midnight), else the full ISO 8601 time with offset."""
    if (when.hour, when.minute, when.second) == (0, 0, 0):
        return when.date().isoformat()
    return when.isoformat()


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
