"""News metadata for machines: schema.org NewsArticle JSON-LD (text-only contexts get spec B8)."""
from __future__ import annotations

from typing import Any, Callable

from newsgen.config import Config
from newsgen.htmltext import plain_text
from newsgen.model import Article


def news_article(article: Article, config: Config, url: Callable[[Article], str], summary: str) -> dict[str, Any]:
    """The JSON-LD object of one article; dates keep their offsets and ASCII digits."""
    page = url(article)
    publisher: dict[str, Any] = {"@type": "Organization", "name": plain_text(config.site_title), "url": config.site_url}
    if config.publisher_logo:
        publisher["logo"] = {"@type": "ImageObject", "url": _absolute(config.publisher_logo, config)}
    names = article.authors or ((config.author,) if config.author else ())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": plain_text(article.title)[:110],
        "datePublished": article.date.isoformat(),
        "dateModified": (article.updated or article.date).isoformat(),
        "inLanguage": config.language,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page},
        "url": page,
        "publisher": publisher,
        "author": [{"@type": "Person", "name": plain_text(n)} for n in names] or publisher,
        "description": plain_text(summary),
    }
    if article.image:
        data["image"] = [_absolute(article.image, config)]
    if article.tags:
        data["keywords"] = [plain_text(t) for t in article.tags]
    return data


def _absolute(link: str, config: Config) -> str:
    return link if link.startswith(("http://", "https://")) else config.site_url + link.lstrip("/")
