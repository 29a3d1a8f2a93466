"""The site: which articles are published, their final slugs and URLs, in order."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsgen.config import Config
from newsgen.model import Article, Finding, evolve
from newsgen.slug import SlugClaim, assign_slugs, fallback_slug, slugify


@dataclass(frozen=True, slots=True, kw_only=True)
class Site:
    config: Config
    articles: tuple[Article, ...]           # published, newest first
    clock: datetime                         # the build's "now"
    slug_map: dict[str, str]                # source_id -> "YYYY/MM/DD/slug", all ever published
    held_back: tuple[tuple[str, str], ...]  # (source_id, why) for drafts, embargoed, expired, quarantined
    findings: tuple[tuple[str, Finding], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Publishing:
    """Which unfinished articles a build still publishes (CLI flags)."""

    drafts: bool = False
    future: bool = False


def day_path(when: datetime) -> str:
    return f"{when.year:04d}/{when.month:02d}/{when.day:02d}"


def article_path(article: Article) -> str:
    """`YYYY/MM/DD/slug/`: the one place an article's URL path is made (raw, not encoded)."""
    return f"{day_path(article.date)}/{article.slug}/"


def make_site(config: Config, articles: tuple[Article, ...], clock: datetime,
              published: dict[str, str], publishing: Publishing = Publishing()) -> Site:
    shown, held = [], []
    for article in articles:
        why = _held_back(article, clock, publishing)
        (held.append((article.source_id, why)) if why else shown.append(article))
    claims = [SlugClaim(source_id=a.source_id, day=day_path(a.date), slug=_base_slug(a),
                        sort_key=(a.date.timestamp(), a.source_id)) for a in shown]
    paths, findings = assign_slugs(claims, published)
    final = [evolve(a, slug=paths[a.source_id].rsplit("/", 1)[1]) for a in shown]
    final.sort(key=lambda a: (-a.date.timestamp(), a.slug, a.source_id))
    slug_map = dict(published)
    slug_map.update(paths)
    return Site(config=config, articles=tuple(final), clock=clock, slug_map=slug_map,
                held_back=tuple(sorted(held)), findings=tuple(findings))


def _base_slug(article: Article) -> str:
    slug = slugify(article.slug) if article.slug else slugify(article.title)
    return slug or fallback_slug(article.date.date(), article.source_id)


def _held_back(article: Article, clock: datetime, publishing: Publishing) -> str | None:
    if article.quarantined:
        return "quarantined: " + "; ".join(f.message for f in article.findings if f.severity == "quarantine")
    if article.draft and not publishing.drafts:
        return "draft"
    if article.date > clock and not publishing.future:
        return f"embargoed until {article.date.isoformat()}"
    if article.expires is not None and article.expires <= clock:
        return f"expired at {article.expires.isoformat()}"
    return None
