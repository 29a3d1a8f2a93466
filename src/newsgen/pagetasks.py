"""The work one worker process does for a page: render it and hand it to the writer's target, or
fingerprint it. Each task holds its own Renderer or memo, inherited through fork (newsgen.parallel)."""
from __future__ import annotations

from typing import Any

from newsgen.config import Config
from newsgen.errors import NewsgenError
from newsgen.fingerprint import Fingerprints
from newsgen.render import Renderer
from newsgen.writer import Put

BODY_CACHE = 256   # article bodies a worker keeps: enough for the feeds that follow their articles


class RenderTask:
    """Render one page and hand it to the target; runs in a worker with its own Renderer."""

    def __init__(self, config: Config, pages: list[Any], todo: list[int], target: Any,
                 prints: Fingerprints | None) -> None:
        self.config, self.pages, self.todo, self.target = config, pages, todo, target
        self.prints = prints  # a fresh build fingerprints its pages in the workers, in parallel
        self.renderer: Renderer | None = None

    def warm(self, templates: set[str]) -> None:
        """Compile the templates before forking, so each worker inherits them compiled."""
        self.renderer = self.renderer or BoundedRenderer(self.config)
        for name in sorted(templates):
            try:
                self.renderer.env.get_template(name)
            except Exception:  # noqa: BLE001 - the page that uses it reports the error properly
                pass

    def __call__(self, n: int) -> tuple[tuple[bytes | None, Put] | None, tuple | None]:
        page = self.pages[self.todo[n]]
        try:
            output = self.renderer.render(page)
        except NewsgenError as exc:  # does not survive pickling: send its parts
            return None, (str(exc.path), exc.line, exc.message)
        mark, frozen = self.prints.page(page.path, page.template, page.context) if self.prints else (None, None)
        return (mark, self.target.put(n, output.path, output.data), frozen), None


class PrintTask:
    """Fingerprint one planned page (in a worker, with its own memo of article digests)."""

    def __init__(self, salt: bytes, known: dict, pages: list[Any]) -> None:
        self.prints, self.pages = Fingerprints(salt, known), pages

    def __call__(self, n: int) -> tuple[bytes | None, Any]:
        page = self.pages[n]
        return self.prints.page(page.path, page.template, page.context)


class BoundedRenderer(Renderer):
    """Renderer whose per-article pieces are dropped now and then: kept whole, one worker would hold
    the HTML of half the site (the cache serves the feeds, which follow their articles closely)."""

    def body(self, article: Any) -> Any:
        if len(self._bodies) > BODY_CACHE:
            self.forget()
        return super().body(article)
