"""The text of a new article file (`newsgen new`), in either format. Pure."""
from __future__ import annotations

from datetime import date

from newsgen.slug import slugify

PLACEHOLDER = "اكتب نص الخبر هنا. افصل بين الفقرات بسطر فارغ."


def new_article(title: str, day: date, *, markdown: bool = False) -> tuple[str, str]:
    """(file name, contents) for a new article dated `day`."""
    title = " ".join(title.split())
    stem = f"{day.isoformat()}-{slugify(title) or 'article'}"
    if markdown:
        quoted = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{stem}.md", f"---\ntitle: {quoted}\ndate: {day.isoformat()}\ndraft: true\n---\n\n{PLACEHOLDER}\n"
    return f"{stem}.txt", f"date {day.isoformat()} {title}\n\n{PLACEHOLDER}\n"
