"""What an open preview page learns about builds: the build status it long-polls EVENTS_PATH for, the
script that polls and reloads, and the page shown when there is no build at all (newsgen.livereload
watches and rebuilds; newsgen.serve answers the requests)."""
from __future__ import annotations

import html
import json
import secrets
import threading
from dataclasses import dataclass, replace
from typing import Sequence

EVENTS_PATH = "/__newsgen/events"
POLL_SECONDS = 25.0      # under the idle timeouts of browsers and proxies, so a poll never dies silently


@dataclass(frozen=True, slots=True)
class Status:
    """What a page learns: `build` counts good builds, `version` counts every attempt, good or not."""

    session: str                  # random per server, so a page from an earlier run reloads too
    build: int = 0
    version: int = 0
    errors: tuple[str, ...] = ()  # of the last attempt, as `path:line: message`

    def to_json(self) -> bytes:
        return json.dumps({"session": self.session, "build": self.build, "version": self.version,
                           "ok": not self.errors, "errors": list(self.errors)}, ensure_ascii=False).encode()


class BuildState:
    """The current Status, written by the rebuild thread and waited on by request threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._status = Status(session=secrets.token_hex(4))
        self._closed = False

    @property
    def status(self) -> Status:
        with self._changed:
            return self._status

    def record(self, errors: Sequence[str] = ()) -> Status:
        """One finished build attempt; no errors means build/ now holds a new site."""
        with self._changed:
            old = self._status
            self._status = replace(old, build=old.build + (0 if errors else 1), version=old.version + 1,
                                   errors=tuple(errors))
            self._changed.notify_all()
            return self._status

    def wait_newer(self, since: int, timeout: float) -> Status:
        """The status once its version differs from `since` (or on timeout, or when closed)."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._status.version != since, timeout)
            return self._status

    def close(self) -> None:
        """Answer every parked poll now, so stopping the server does not wait for them."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


_SCRIPT = """<script data-newsgen="live-reload">
(() => {
  const page = __STATUS__;
  let version = -1;  // ask at once: the last rebuild may already have failed
  const show = (errors) => {
    let box = document.getElementById("newsgen-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "newsgen-errors"; box.dir = "ltr";
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;padding:1em;max-height:40vh;" +
        "overflow:auto;background:#fee;color:#600;border-top:3px solid #c00;font:13px/1.4 monospace;" +
        "white-space:pre-wrap;text-align:left;z-index:2147483647";
      document.body.append(box);
    }
    box.textContent = "newsgen: rebuild failed; this is the last good build\\n\\n" + errors.join("\\n");
  };
  const poll = () => fetch("__PATH__?since=" + version, {cache: "no-store"})
    .then((answer) => answer.json())
    .then((now) => {
      if (now.session !== page.session || now.build !== page.build) return location.reload();
      version = now.version; show(now.errors); poll();
    })
    .catch(() => setTimeout(poll, 1000));  // server restarting: keep asking
  poll();
})();
</script>
"""


def reload_script(status: Status) -> str:
    """The script for a page served from build `status.build`: reloads when a newer build is up."""
    page = json.dumps({"session": status.session, "build": status.build})
    return _SCRIPT.replace("__STATUS__", page).replace("__PATH__", EVENTS_PATH)


def inject_reload(page: bytes, script: str) -> bytes:
    """`page` with `script` before its last `</body>` (or at the end); only ever on the response."""
    at = page.lower().rfind(b"</body")
    tag = script.encode("utf-8")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def error_page(errors: Sequence[str]) -> bytes:
    """A plain page for when there is no build at all to show."""
    lines = "\n".join(html.escape(e) for e in errors) or "the first build has not finished"
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>newsgen: no build</title>"
            "</head>\n<body>\n<h1>newsgen: no site to show yet</h1>\n<p>The build failed; fix the files below "
            f"and save: this page reloads by itself.</p>\n<pre dir=\"ltr\">{lines}</pre>\n</body></html>\n"
            ).encode("utf-8")
