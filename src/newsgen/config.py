"""Site settings: one frozen dataclass, read from an optional `newsgen.yaml`."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from newsgen.errors import BuildFailed, NewsgenError

CONFIG_NAME = "newsgen.yaml"
PATH_KEYS = ("seeds_dir", "templates_dir", "static_dir", "build_dir")
THEME = Path(__file__).resolve().parent / "theme"   # the default theme, shipped inside the package
CHOICES = {
    "digits": ("latn", "arab"),
    "date_style": ("long", "full", "dual"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    site_title: str = "أرشيف الأخبار"     # shown in every page title and the feed
    description: str = "أرشيف أخبار عربي"  # site description for feeds and meta tags
    base_url: str = "http://127.0.0.1:8000/"  # absolute URLs in feeds, canonical links
    language: str = "ar"                  # BCP 47 tag for <html lang> and feeds
    timezone: str = "UTC"                 # zone for dates given without an offset
    date_locale: str = "ar"               # CLDR locale for month names: ar, ar_LB, ar_DZ, ar_MA …
    digits: str = "latn"                  # digits shown in dates: latn (1 2 3) or arab (١ ٢ ٣)
    date_style: str = "long"              # long (5 فبراير 2026), full (with weekday), dual (5 شباط/فبراير 2026)
    hijri: bool = False                   # show the Hijri (Umm al-Qura) date next to the Gregorian one
    author: str = ""                      # default author when an article names none
    page_size: int = 20                   # articles per index page
    feed_size: int = 20                   # items per feed
    related: int = 5                      # related articles shown under each article
    search: bool = True                   # build the offline Pagefind search index
    publisher_logo: str = ""              # logo URL for NewsArticle JSON-LD (optional)
    ignore_files: tuple[str, ...] = ()   # globs (relative to seeds_dir) that are not articles, e.g. README.md
    seeds_dir: Path = Path("seeds")
    templates_dir: Path = Path("templates")
    static_dir: Path = Path("static")
    build_dir: Path = Path("build")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def site_url(self) -> str:
        return self.base_url.rstrip("/") + "/"


_FIELDS = {f.name: f for f in fields(Config)}
_DEFAULTS = Config()


def load_config(path: Path | None = None, root: Path | None = None) -> Config:
    """Read `path` (or `root/newsgen.yaml` when it exists); paths resolve against its folder."""
    root = Path.cwd() if root is None else root
    if path is None and (root / CONFIG_NAME).is_file():
        path = root / CONFIG_NAME
    values: dict[str, Any] = {}
    if path is not None:
        values = _read_yaml(path)
        root = path.resolve().parent
    config = _from_mapping(values, path or root / CONFIG_NAME)
    config = replace(config, **{k: (root / getattr(config, k)) for k in PATH_KEYS})
    return _with_theme(config, set(values))


def _with_theme(config: Config, given: set[str]) -> Config:
    """A project with no templates/ (or static/) folder of its own, and no setting for it, gets the
    theme newsgen ships, as Pelican's and Nikola's users do: a folder of articles is enough to build.
    A folder named in the config is never replaced: a wrong path there must fail."""
    theme = {key: THEME / getattr(_DEFAULTS, key) for key in ("templates_dir", "static_dir")
             if key not in given and not getattr(config, key).is_dir()}
    return replace(config, **theme)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BuildFailed([NewsgenError(path, None, "config file not found")]) from None
    except yaml.YAMLError as exc:
        line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else None
        raise BuildFailed([NewsgenError(path, line, f"bad YAML: {getattr(exc, 'problem', exc)}")]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BuildFailed([NewsgenError(path, 1, "the config must be a mapping of keys to values")])
    return data


def _from_mapping(values: Mapping[str, Any], path: Path) -> Config:
    errors: list[NewsgenError] = []
    clean: dict[str, Any] = {}
    for key, value in values.items():
        problem = _check(str(key), value)
        if problem:
            errors.append(NewsgenError(path, _line_of(path, str(key)), problem))
        else:
            clean[key] = Path(value) if key in PATH_KEYS else tuple(value) if key == "ignore_files" else value
    if errors:
        raise BuildFailed(errors)
    return Config(**clean)


def _check(key: str, value: Any) -> str | None:
    if key not in _FIELDS:
        close = difflib.get_close_matches(key, list(_FIELDS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{key}'{hint}"
    if key == "ignore_files":
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "'ignore_files' must be a list of glob patterns"
    want = type(getattr(_DEFAULTS, key))
    want = str if want is type(Path()) else want
    if not isinstance(value, want) or (want is int and isinstance(value, bool)):
        return f"'{key}' must be {want.__name__}, not {type(value).__name__}"
    if key in CHOICES and value not in CHOICES[key]:
        return f"'{key}' must be one of {', '.join(CHOICES[key])}, not '{value}'"
    if key in ("page_size", "feed_size") and value < 1:
        return f"'{key}' must be at least 1"
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"unknown time zone '{value}'"
    if key == "base_url" and not value.startswith(("http://", "https://")):
        return f"'base_url' must start with http:// or https://, not '{value}'"
    return None


def _line_of(path: Path, key: str) -> int | None:
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if line.split(":", 1)[0].strip() == key:
                return number
    except OSError:
        pass
    return None
