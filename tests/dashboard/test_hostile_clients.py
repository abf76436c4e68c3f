"""The dashboard against hostile and careless clients, on 127.0.0.1 (issue 15).

`caei dashboard` (waitress) is started as a user would, on an empty CAEI_HOME (a page without a snapshot is a
page all the same): slow clients must not lock out a visitor, a huge body is refused without being held in
memory. The headers, 404s and 400s are checked on the app itself; the CSP in Chromium on the real pages.
Caps, not timings: every answer is awaited at most 10 s.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from dashboard.app import create_app
from dashboard.security import MAX_BODY_BYTES
from tests.support.browser import assert_clean, open_page
from tests.support.caei import REPO
from tests.support.dash_client import callbacks_of_page, component_props, fire, render_page, server_callbacks

ANSWER_WITHIN = 10  # seconds: the cap on any answer awaited here
PAGES = {  # path: plotly graphs the page draws at least (as in the page tests)
    "/": 1,
    "/country/KAZ": 0,
    "/explorer": 2,
    "/aral-caspian": 3,
    "/water": 1,
    "/air": 1,
    "/funding": 1,
    "/summit": 0,
    "/catalogue": 0,
}
MAP_PAGES = ("/explorer", "/aral-caspian", "/water", "/air")  # MapLibre maps (workers from blob: URLs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no VmRSS for {pid}")


class Dashboard:
    def __init__(self, home: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CAEI_HOME": str(home)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "dashboard", "--port", str(self.port)],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60  # the start (imports) is not an answer: it may take longer on a busy box
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "caei dashboard stopped"
            try:
                if requests.get(self.url + "/_favicon.ico", timeout=ANSWER_WITHIN).status_code < 500:
                    return
            except requests.ConnectionError:
                time.sleep(0.3)
        raise AssertionError("caei dashboard did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory) -> Iterator[Dashboard]:
    server = Dashboard(tmp_path_factory.mktemp("empty_home"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


class SlowClients:
    """Connections that send a request's header lines one every `every` seconds and never finish them."""

    def __init__(self, port: int, count: int, every: float = 2.0):
        self.sockets = [socket.create_connection(("127.0.0.1", port), timeout=ANSWER_WITHIN) for _ in range(count)]
        for s in self.sockets:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.every, self._stop = every, threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)
        self.closed_by_server = 0

    def _trickle(self) -> None:
        n = 0
        while not self._stop.wait(self.every):
            n += 1
            for s in self.sockets:
                try:
                    s.sendall(f"X-Slow-{n}: {'a' * 20}\r\n".encode())
                except OSError:
                    self.closed_by_server += 1

    def __enter__(self) -> SlowClients:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for s in self.sockets:
            s.close()


@pytest.mark.parametrize("count", [150, 400])
def test_slow_clients_do_not_lock_out_a_visitor(dashboard, count):
    with SlowClients(dashboard.port, count) as slow:
        time.sleep(3)  # each slow client has sent a header line more, and is still held open by the server
        for path in ("/", "/explorer", "/_dash-layout"):
            answer = requests.get(dashboard.url + path + "?lang=en", timeout=ANSWER_WITHIN)
            assert answer.status_code == 200, path
        assert slow.closed_by_server == 0, "the slow clients were cut off rather than out-waited"
    assert dashboard.process.poll() is None


def send_huge_body(port: int, headers: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send `headers`, then body chunks until the server answers or closes; return what it answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_WITHIN) as s:
        s.sendall(headers)
        try:
            for chunk in chunks:
                s.sendall(chunk)
        except OSError:  # the server answered and closed the connection: the rest is not wanted
            pass
        answer = b""
        try:
            while part := s.recv(65536):
                answer += part
        except OSError:
            pass
        return answer


BODY_SIZE = 64 * 1024 * 1024


def test_a_64_mb_body_is_refused_without_growing_the_server(dashboard):
    pid = dashboard.process.pid
    before = rss_bytes(pid)
    zeros = b"0" * (1024 * 1024)
    declared = (
        f"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {BODY_SIZE}\r\n\r\n"
    ).encode()
    answer = send_huge_body(dashboard.port, declared, (zeros for _ in range(BODY_SIZE // len(zeros))))
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    chunked = b"POST /_dash-update-component HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    frames = (b"%x\r\n%s\r\n" % (len(zeros), zeros) for _ in range(BODY_SIZE // len(zeros)))
    answer = send_huge_body(dashboard.port, chunked, frames)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert rss_bytes(pid) - before < 50 * 1024 * 1024
    # a callback-sized body is still read (and refused as a malformed callback, not as too large)
    small = requests.post(dashboard.url + "/_dash-update-component", data=b"[" + b"0," * 1000 + b"0]", timeout=10)
    assert small.status_code == 400


# ---- the app's answers (no server process needed) -----------------------------------------------------------


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory):
    return create_app(tmp_path_factory.mktemp("nothing") / "published").server.test_client()


def test_every_response_carries_the_security_headers(empty_client):
    for path in ("/", "/explorer?lang=kk", "/_dash-layout", "/_dash-dependencies", "/assets/caei.css", "/nope"):
        headers = empty_client.get(path).headers
        csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
        assert csp["default-src"] == "'self'" and csp["connect-src"] == "'self'"
        assert csp["script-src"].startswith("'self' 'sha256-") and "unsafe-eval" not in csp["script-src"]
        assert "unsafe-inline" not in csp["script-src"]
        assert csp["style-src"] == "'self' 'unsafe-inline'"
        assert csp["img-src"] == "'self' data: blob:" and csp["worker-src"] == "blob:"
        assert csp["frame-ancestors"] == "'self'", path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert len(headers.get_all("Content-Security-Policy")) == 1


def test_the_csp_names_every_inline_script_of_the_index(empty_client):
    import base64
    import hashlib
    import re

    answer = empty_client.get("/")
    allowed = set(re.findall(r"'(sha256-[^']+)'", answer.headers["Content-Security-Policy"]))
    text = re.sub(r"<!--.*?-->", "", answer.get_data(as_text=True), flags=re.S)  # IE's conditional comment
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", text, re.S)
    assert scripts
    for script in scripts:
        digest = "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert digest in allowed, script[:80]


def test_embed_paths_take_the_frame_ancestors_setting(tmp_path):
    client = create_app(tmp_path / "published", embed_ancestors="'self' https://intranet.example").server.test_client()
    embed = client.get("/embed/x").headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' https://intranet.example" in embed
    assert "frame-ancestors 'self';" in client.get("/").headers["Content-Security-Policy"] + ";"


@pytest.mark.parametrize("path", ["/nope", "/explorer/../../etc/passwd", "/404", "/wp-login.php"])
def test_unknown_pages_answer_404_with_the_page(empty_client, path):
    answer = empty_client.get(path)
    assert answer.status_code == 404
    assert b"_dash-config" in answer.data  # the app loads and shows its friendly "not found" page


@pytest.mark.parametrize("path", ["/", "/explorer", "/country/KAZ", "/air/", "/catalogue?lang=kk"])
def test_known_pages_answer_200(empty_client, path):
    assert empty_client.get(path).status_code == 200


MALFORMED = {
    "a JSON list": b"[1, 2]",
    "null": b"null",
    "a string": b'"x"',
    "not JSON": b"{output",
    "no keys": b"{}",
    "an unknown output": json.dumps({"output": "x.children", "outputs": {}, "inputs": []}).encode(),
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_callback_bodies_answer_400(empty_client, body):
    answer = empty_client.post("/_dash-update-component", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert "error" in answer.json


def test_a_callback_missing_its_inputs_or_nested_too_deep_answers_400(empty_client):
    dependency = server_callbacks(empty_client)[0]
    good = {"output": dependency["output"], "outputs": {"id": "x", "property": "y"}, "inputs": []}
    for broken in (
        {**good, "inputs": None},
        {**good, "inputs": [{"value": 1}]},
        {**good, "inputs": [{"id": "a", "property": "b", "value": json.loads("[" * 80 + "]" * 80)}]},
        {**good, "state": "x"},
        {**good, "changedPropIds": [1]},
        {key: value for key, value in good.items() if key != "outputs"},
    ):
        assert empty_client.post("/_dash-update-component", json=broken).status_code == 400, broken


def test_the_body_cap_leaves_room_for_callbacks(empty_client):
    body = {"output": "x.y", "outputs": {}, "inputs": [], "pad": "0" * (MAX_BODY_BYTES - 100)}
    assert empty_client.post("/_dash-update-component", json=body).status_code == 400  # read, then refused
    body["pad"] += "0" * 200
    assert empty_client.post("/_dash-update-component", json=body).status_code == 413


# ---- with a published snapshot -------------------------------------------------------------------------------


def test_snapshot_ids_are_validated_whole_and_never_answered_with_paths(published_home):
    published = published_home / "published"
    client = create_app(published).server.test_client()
    layout, snapshot_id, status = render_page(client, "/", "?lang=en")
    assert status == 200
    props = component_props(layout)
    pinned = [d for d in callbacks_of_page(client, layout) if any(s["id"] == "snapshot-pin" for s in d["state"])]
    assert pinned
    for forged in (snapshot_id + "\n", snapshot_id + "x", "20990101T000000000000Z-abcdef", "../../etc/passwd"):
        answers = [fire(client, d, props, {"snapshot-pin.data": forged}) for d in pinned]
        quoted = forged.replace("\n", "%0A").replace("/", "%2F")
        answers += [client.get(f"/download/explorer.csv?snapshot={quoted}")]
        answers += [client.get(f"/geo/central-asia-outlines.geojson?snapshot={quoted}")]
        for answer in answers:
            assert answer.status_code in (200, 204, 404), (forged, answer.status_code)
            text = answer.get_data(as_text=True)
            assert str(published_home) not in text and "/tmp" not in text
            assert answer.headers.get("X-CAEI-Snapshot") in (None, "20990101T000000000000Z-abcdef")


@pytest.mark.parametrize("path", PAGES)
def test_pages_work_under_the_csp_in_chromium(live_server, page_and_record, artifacts_dir, path):
    page, record = page_and_record
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    answer = page.goto(f"{live_server.url}{path}?lang=en")
    assert answer is not None and "default-src 'self'" in answer.headers["content-security-policy"]
    open_page(page, f"{live_server.url}{path}?lang=en", expected_graphs=PAGES[path])
    if path in MAP_PAGES:
        page.wait_for_function(
            "() => [...document.querySelectorAll('canvas.maplibregl-canvas')].some(c => c.width > 0)", timeout=20_000
        )
        page.wait_for_timeout(1_000)  # the workers draw the tiles
    page.screenshot(path=str(artifacts_dir / f"csp{path.replace('/', '-') or '-'}.png"), full_page=False)
    assert violations == []
    assert_clean(record)
