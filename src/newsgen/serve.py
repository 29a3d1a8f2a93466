"""`newsgen serve`: preview build/ over HTTP on loopback, rebuilding and reloading pages on change.

The HTTP side lives here, with the mapping of URLs to files in newsgen.sitefiles; watching and
rebuilding live in newsgen.livereload, the build status and the browser script in newsgen.buildstatus.
"""
from __future__ import annotations

import errno
import socket
import sys
import threading
from dataclasses import dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs

from newsgen.build import BuildOptions
from newsgen.config import CONFIG_NAME, Config, load_config
from newsgen.errors import BuildFailed
from newsgen.buildstatus import EVENTS_PATH, POLL_SECONDS, Status, error_page, inject_reload, reload_script
from newsgen.livereload import Preview, watch_loop
from newsgen.sitefiles import content_type, read_file, resolve_request

HTML = "text/html; charset=utf-8"
NOT_FOUND = b"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>404</title></head>" \
            b"<body><h1>404 Not Found</h1></body></html>\n"


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # a parked long-poll must not keep the process alive after Ctrl-C

    def __init__(self, address: tuple[str, int], preview: Preview) -> None:
        self.preview = preview
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - socketserver's signature
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a closed tab is not an error
            super().handle_error(request, client_address)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "newsgen"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # the console is for build messages; one line per request would bury them

    def _answer(self, body: bool) -> None:
        path, _, query = self.path.partition("?")  # not urlsplit: it reads "//x/y" as host x
        preview = self.server.preview
        if path == EVENTS_PATH:
            return self._events(query, body)
        # Read before the file: a build landing in between costs one extra reload, never a missed one.
        status = preview.state.status
        target, data = self._find(preview)
        if target is not None and data is None:
            return self._redirect(path, query)
        if target is not None:
            return self._send(HTTPStatus.OK, content_type(target), data, body, status)
        if not preview.build_dir.is_dir():
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, HTML, error_page(status.errors), body, status)
        page = resolve_request(preview.build_dir, "/404.html")
        data = read_file(page) if page else None
        self._send(HTTPStatus.NOT_FOUND, HTML, data or NOT_FOUND, body, status)

    def _find(self, preview: Preview) -> tuple[Path | None, bytes | None]:
        """(file, bytes), (folder, None) or (None, None); waits out a rebuild swapping build/ once."""
        for attempt in range(2):
            if attempt or not preview.build_dir.is_dir():
                preview.wait_idle()
            target = resolve_request(preview.build_dir, self.path)
            if target is None or target.is_dir():
                return target, None
            data = read_file(target)
            if data is not None:
                return target, data
        return None, None

    def _redirect(self, path: str, query: str) -> None:
        # One leading slash only: "//host/" in Location would send the browser to another site.
        location = "/" + path.lstrip("/") + "/" + (f"?{query}" if query else "")
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _events(self, query: str, body: bool) -> None:
        """Long-poll: answer when the build status moves past `since`, or after POLL_SECONDS."""
        state = self.server.preview.state
        try:
            now = state.wait_newer(int(parse_qs(query)["since"][0]), POLL_SECONDS)
        except (KeyError, ValueError):  # no (usable) version: answer at once
            now = state.status
        self._send(HTTPStatus.OK, "application/json; charset=utf-8", now.to_json(), body, now)

    def _send(self, code: HTTPStatus, ctype: str, data: bytes, body: bool, status: Status) -> None:
        if ctype == HTML:
            data = inject_reload(data, reload_script(status))
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")  # a preview must never show a stale page
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if body:
            self.wfile.write(data)


@dataclass
class ServerHandle:
    """A running preview: the HTTP server and the watcher threads, stopped together."""

    server: PreviewServer
    preview: Preview
    stop_event: threading.Event
    threads: tuple[threading.Thread, ...]

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        host = self.server.server_address[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}/"

    def wait(self) -> None:
        while any(t.is_alive() for t in self.threads):
            self.threads[0].join(0.5)  # short joins: Ctrl-C reaches the main thread in between

    def stop(self) -> None:
        self.stop_event.set()
        self.server.shutdown()
        self.preview.state.close()
        self.server.server_close()
        for thread in self.threads:
            thread.join(5)


def start_server(config: Config, options: BuildOptions = BuildOptions(), *, host: str = "127.0.0.1",
                 port: int = 8000, out: TextIO | None = None, err: TextIO | None = None,
                 config_file: Path | None = None) -> ServerHandle:
    """Bind, build once, serve and watch in threads; returns at once. Raises OSError if it cannot bind.

    `config_file` is re-read on every rebuild; None means ./newsgen.yaml when `config` came from it.
    """
    out, err = out or sys.stdout, err or sys.stderr
    config_file = config_file if config_file is not None else _default_config_file(config)
    preview = Preview(config, options, config_file=config_file, out=out, err=err)
    server = PreviewServer((host, port), preview)  # bind first: a busy port fails before a long build
    stop, ready = threading.Event(), threading.Event()
    watcher = threading.Thread(target=watch_loop, args=(preview, stop, ready), name="newsgen-watch", daemon=True)
    try:
        watcher.start()
        if not ready.wait(5):  # watching before the first build, so edits made during it are not lost
            print("newsgen: the file watcher is slow to start; early changes may be missed", file=err)
        preview.rebuild()
    except BaseException:  # e.g. Ctrl-C during the first build
        stop.set()
        server.server_close()
        raise
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                               name="newsgen-http", daemon=True)
    serving.start()
    handle = ServerHandle(server, preview, stop, (serving, watcher))
    print(f"Serving {handle.url} (Ctrl-C to stop)", file=out, flush=True)
    return handle


def serve(config: Config, options: BuildOptions, *, host: str = "127.0.0.1", port: int = 8000,
          out: TextIO | None = None, err: TextIO | None = None, config_file: Path | None = None) -> int:
    """Run until Ctrl-C (exit 0); exit 1 when the address cannot be bound."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        handle = start_server(config, options, host=host, port=port, out=out, err=err, config_file=config_file)
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        why = f"port {port} is already in use (try --port {port + 1})" if exc.errno == errno.EADDRINUSE \
            else (exc.strerror or str(exc))
        print(f"newsgen: cannot serve on {host}:{port}: {why}", file=err)
        return 1
    try:
        handle.wait()
    except KeyboardInterrupt:
        print("newsgen: stopped", file=out)
    finally:
        handle.stop()
    return 0


def _default_config_file(config: Config) -> Path | None:
    """./newsgen.yaml if `config` is what loading it gives (so not from --config elsewhere), else None."""
    try:
        same = replace(load_config(None), build_dir=config.build_dir) == config
    except BuildFailed:
        same = False
    return Path.cwd() / CONFIG_NAME if same else None
