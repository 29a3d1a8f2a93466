"""`newsgen serve`: safe path resolution, live reload, and the real server on an ephemeral port."""
from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import PROJECT
from watchfiles import Change

from newsgen.build import BuildOptions
from newsgen.config import Config, load_config
from newsgen.buildstatus import EVENTS_PATH, BuildState, inject_reload, reload_script
from newsgen.livereload import Preview
from newsgen.serve import serve, start_server
from newsgen.sitefiles import content_type, resolve_request

ARTICLE = "date 2026-02-05 عنوان الخبر\n\nفقرة أولى.\n"
SECRET = "SECRET-MARKER-do-not-serve"
FAST = "search: false\n"  # no Pagefind index: keeps every build, so this file, well under a second


# --- pure pieces -------------------------------------------------------------------------------

@pytest.fixture
def site(tmp_path: Path) -> Path:
    """build/ with a page, an Arabic folder, a stylesheet; a secret next to it and an in-tree link."""
    build = tmp_path / "build"
    for rel in ("index.html", "2026/02/05/عنوان-الخبر/index.html", "static/style.css", "feed.xml"):
        (build / rel).parent.mkdir(parents=True, exist_ok=True)
        (build / rel).write_text(rel, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(SECRET)
    (build / "inside").symlink_to(build / "static")
    return build


def test_resolve_pages_and_clean_urls(site: Path):
    assert resolve_request(site, "/") == site / "index.html"
    assert resolve_request(site, "/index.html?x=1#top") == site / "index.html"
    assert resolve_request(site, "/static/style.css") == site / "static/style.css"
    assert resolve_request(site, "/2026/") is None  # a folder without index.html
    assert resolve_request(site, "/2026") == site / "2026"  # the caller redirects to /2026/
    assert resolve_request(site, "/inside/style.css") == site / "static/style.css"  # links within build/ are fine
    assert resolve_request(site, "/missing.html") is None


def test_resolve_percent_encoded_arabic(site: Path):
    url = "/" + quote("2026/02/05/عنوان-الخبر") + "/"
    assert resolve_request(site, url) == site / "2026/02/05/عنوان-الخبر/index.html"
    assert resolve_request(site, url.lower()) == site / "2026/02/05/عنوان-الخبر/index.html"  # hex case


@pytest.mark.parametrize("url", [
    "/../pyproject.toml", "/%2e%2e/pyproject.toml", "/%2E%2E/pyproject.toml", "/static/../../pyproject.toml",
    "/static/..%2f..%2fpyproject.toml", "/static/%2e%2e%2f%2e%2e%2fpyproject.toml", "/..%5cpyproject.toml",
    "/..\\pyproject.toml", "/index.html%00.css", "/index.html\x00", "/./index.html", "/%ff%fe",
    "pyproject.toml", "http://evil/../pyproject.toml", "/out", "/out/pyproject.toml", "/leak",
])
def test_resolve_refuses_anything_outside(site: Path, url: str):
    (site / "out").symlink_to(site.parent, target_is_directory=True)
    (site / "leak").symlink_to(site.parent / "pyproject.toml")
    assert resolve_request(site, url) is None


def test_content_types():
    assert content_type(Path("a/index.html")) == "text/html; charset=utf-8"
    assert content_type(Path("feed.xml")) == "application/xml; charset=utf-8"
    assert content_type(Path("static/style.css")) == "text/css; charset=utf-8"
    assert content_type(Path("a.JS")) == "text/javascript; charset=utf-8"
    assert content_type(Path("newsgen-report.json")) == "application/json; charset=utf-8"
    assert content_type(Path("robots.txt")) == "text/plain; charset=utf-8"
    assert content_type(Path("logo.png")) == "image/png"
    assert content_type(Path("blob.unknown-suffix")) == "application/octet-stream"


def test_inject_reload_goes_before_the_last_body_end():
    page = "<html><body><p>نص</p><!-- </body> --></BODY></html>".encode()
    out = inject_reload(page, "<script>x</script>")
    assert out == "<html><body><p>نص</p><!-- </body> --><script>x</script></BODY></html>".encode()
    assert inject_reload(b"<p>bare", "<s>") == b"<p>bare<s>"


def test_reload_script_names_its_build():
    state = BuildState()
    script = reload_script(state.record())
    assert EVENTS_PATH in script and f'"session": "{state.status.session}", "build": 1' in script


def test_only_inputs_trigger_builds(tmp_path: Path):
    config = Config(seeds_dir=tmp_path / "seeds", templates_dir=tmp_path / "templates",
                    static_dir=tmp_path / "static", build_dir=tmp_path / "build")
    preview = Preview(config, BuildOptions(), config_file=None, out=io.StringIO(), err=io.StringIO())
    assert preview.is_input(Change.modified, str(tmp_path / "seeds/a.txt"))
    assert not preview.is_input(Change.modified, str(tmp_path / "seeds/.a.txt.swp"))  # editor leftovers
    for out in ("build/index.html", "build.tmp-12/index.html", "build.old-12/x/index.html",
                ".newsgen-cache/build/stage-12/3"):
        assert not preview.is_input(Change.added, str(tmp_path / out)), out  # else every build triggers one


def test_build_state_counts_and_wakes():
    state = BuildState()
    assert state.record().build == 1
    failed = state.record(["seeds/a.txt:1: bad date"])
    assert (failed.build, failed.version, failed.errors) == (1, 2, ("seeds/a.txt:1: bad date",))
    assert state.wait_newer(since=0, timeout=5).version == 2  # behind: answers at once
    started = time.monotonic()
    assert state.wait_newer(since=2, timeout=0.1).version == 2  # up to date: waits the timeout
    assert time.monotonic() - started >= 0.1
    state.close()
    assert state.wait_newer(since=2, timeout=5).version == 2  # closed: answers at once


# --- the real server --------------------------------------------------------------------------

def get(port: int, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A raw request: the path goes on the wire exactly as given (no client-side normalizing)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        conn.close()


def status(port: int, since: int | None = None) -> dict:
    code, _, body = get(port, EVENTS_PATH + ("" if since is None else f"?since={since}"))
    assert code == 200
    return json.loads(body)


def article_url(project: Path) -> str:
    slugs = json.loads((project / "build/slug-map.json").read_text(encoding="utf-8"))
    return "/" + quote(next(iter(slugs.values()))) + "/"


def wait_until(check, seconds: float = 3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"not true within {seconds}s: {check}")


def one_article(project: Path) -> Path:
    (project / "seeds").mkdir(exist_ok=True)
    (project / "seeds/a.txt").write_text(ARTICLE, encoding="utf-8")
    (project / "newsgen.yaml").write_text(FAST, encoding="utf-8")
    (project / "pyproject.toml").write_text(SECRET)
    return project


def serve_project(factory: pytest.TempPathFactory, name: str):
    """A server on an ephemeral port over a new one-article project; yields (handle, out, err, project)."""
    project = factory.mktemp(name)
    for folder in ("templates", "static"):
        shutil.copytree(PROJECT / folder, project / folder)
    config_file = one_article(project) / "newsgen.yaml"
    out, err = io.StringIO(), io.StringIO()
    handle = start_server(load_config(config_file), port=0, out=out, err=err, config_file=config_file)
    yield handle, out, err, project
    handle.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """For the tests that only read."""
    yield from serve_project(tmp_path_factory, "shared")


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory):
    """For the tests that edit inputs: each one compares with the state it finds, and leaves a good build."""
    yield from serve_project(tmp_path_factory, "live")


def test_serves_home_and_arabic_article(shared):
    handle, out, err, project = shared
    assert f"Serving http://127.0.0.1:{handle.port}/" in out.getvalue() and err.getvalue() == ""
    code, headers, body = get(handle.port, "/")
    assert (code, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert b"<!DOCTYPE html>" in body and EVENTS_PATH.encode() in body
    assert EVENTS_PATH.encode() not in (project / "build/index.html").read_bytes()  # injected on the wire only
    code, _, body = get(handle.port, article_url(project))
    assert code == 200 and "فقرة أولى" in body.decode()
    code, _, body = get(handle.port, "/", method="HEAD")
    assert (code, body) == (200, b"")
    assert get(handle.port, "/feed.xml")[1]["Content-Type"] == "application/xml; charset=utf-8"
    assert get(handle.port, "/static/style.css")[1]["Content-Type"] == "text/css; charset=utf-8"


def test_folder_redirect_and_404(shared):
    handle, _, _, project = shared
    code, headers, _ = get(handle.port, "/2026?x=1")
    assert (code, headers["Location"]) == (301, "/2026/?x=1")
    code, headers, _ = get(handle.port, "//2026")
    assert (code, headers["Location"]) == (301, "/2026/")  # never a protocol-relative //host
    (project / "build/404.html").unlink(missing_ok=True)
    code, _, body = get(handle.port, "/nothing-here/")
    assert code == 404 and b"404 Not Found" in body
    (project / "build/404.html").write_text("<html><body>صفحة مفقودة</body></html>", encoding="utf-8")
    code, _, body = get(handle.port, "/nothing-here/")
    assert code == 404 and "صفحة مفقودة" in body.decode()


def test_never_serves_outside_build(shared):
    handle, _, _, project = shared
    (project / "build/leak").symlink_to(project / "pyproject.toml")
    (project / "build/leak-dir").symlink_to(project, target_is_directory=True)
    for path in ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/static/..%2f..%2fpyproject.toml",
                 "/static/%2e%2e%5c%2e%2e%5cpyproject.toml", "/..\\pyproject.toml", "/pyproject.toml%00",
                 "/leak", "/leak-dir/pyproject.toml", "/static/../../pyproject.toml"]:
        code, _, body = get(handle.port, path)
        assert code in (403, 404) and SECRET.encode() not in body, path


def test_edit_rebuilds_and_reports_a_new_build(live):
    handle, out, _, project = live
    before = status(handle.port)
    url = article_url(project)
    saved = time.monotonic()
    (project / "seeds/a.txt").write_text(ARTICLE.replace("فقرة أولى", "فقرة معدلة"), encoding="utf-8")
    wait_until(lambda: "فقرة معدلة" in get(handle.port, url)[2].decode(), seconds=2.0)
    assert time.monotonic() - saved < 2.0
    after = status(handle.port, since=before["version"])  # a parked poll wakes with the new build
    assert after["build"] > before["build"] and after["ok"] and after["session"] == before["session"]
    assert "changed" in out.getvalue() and "a.txt" in out.getvalue()


def test_broken_rebuild_keeps_the_last_good_page(live):
    handle, _, err, project = live
    url = article_url(project)
    good = get(handle.port, url)[2]
    before = status(handle.port)
    (project / "seeds/a.txt").write_text("date 2026-99-99 عنوان الخبر\n\nفقرة.\n", encoding="utf-8")
    now = wait_until(lambda: (s := status(handle.port, since=before["version"]))["version"] > before["version"] and s)
    assert now["build"] == before["build"] and not now["ok"]
    assert re.fullmatch(r".*a\.txt:1: .+", now["errors"][0])
    assert re.search(r"^.*a\.txt:1: .+$", err.getvalue(), re.M) and "last good build" in err.getvalue()
    code, _, body = get(handle.port, url)
    assert (code, body) == (200, good)
    (project / "seeds/a.txt").write_text(ARTICLE, encoding="utf-8")  # fixed: served fresh again
    fixed = status(handle.port, since=now["version"])
    assert fixed["ok"] and fixed["build"] == before["build"] + 1


def test_a_missing_template_is_the_users_error_not_an_internal_one(live):
    handle, _, err, project = live
    before = status(handle.port)
    template = project / "templates/article.html"
    kept = template.read_bytes()
    template.unlink()
    try:
        now = wait_until(lambda: (s := status(handle.port, since=before["version"]))["version"] > before["version"] and s)
        assert not now["ok"] and now["build"] == before["build"]
        assert now["errors"] == [f"{template}: template not found"]
        assert "internal error" not in err.getvalue()
    finally:
        template.write_bytes(kept)
    wait_until(lambda: status(handle.port)["build"] > before["build"])


def test_first_build_fails_without_build_dir_then_recovers(project: Path):
    (project / "seeds/a.txt").write_text("no header here\n", encoding="utf-8")
    (project / "newsgen.yaml").write_text(FAST, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    handle = start_server(load_config(), port=0, out=out, err=err)
    try:
        code, _, body = get(handle.port, "/")
        assert code == 503 and b"a.txt:1: missing header" in body and EVENTS_PATH.encode() in body
        assert "a.txt:1: missing header" in err.getvalue()
        (project / "seeds/a.txt").write_text(ARTICLE, encoding="utf-8")
        wait_until(lambda: get(handle.port, "/")[0] == 200)
        assert handle.preview.config_file == project / "newsgen.yaml"  # found in cwd, so watched
    finally:
        handle.stop()


def test_config_edit_rebuilds_with_the_new_config(live):
    handle, _, _, project = live
    before = status(handle.port)
    (project / "newsgen.yaml").write_text(FAST + "site_title: موقع جديد\n", encoding="utf-8")
    wait_until(lambda: "موقع جديد" in get(handle.port, "/")[2].decode())
    assert status(handle.port, since=before["version"])["build"] > before["build"]


def test_port_in_use_exits_1_without_traceback(project: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        out, err = io.StringIO(), io.StringIO()
        assert serve(load_config(), BuildOptions(), port=busy.getsockname()[1], out=out, err=err) == 1
    assert "already in use" in err.getvalue() and "Traceback" not in err.getvalue()


def test_cli_serve_prints_url_and_ctrl_c_exits_0(project: Path):
    (project / "seeds/a.txt").write_text(ARTICLE, encoding="utf-8")
    (project / "newsgen.yaml").write_text(FAST, encoding="utf-8")
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "newsgen", "serve", "--port", "0"], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        line = ""
        while "Serving" not in line:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
        port = int(re.search(r"Serving http://127\.0\.0\.1:(\d+)/", line).group(1))
        assert get(port, "/")[0] == 200
        proc.send_signal(signal.SIGINT)
        _, errors = proc.communicate(timeout=5)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "Traceback" not in errors
