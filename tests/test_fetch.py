"""The fetch layer against a local HTTP server that serves the shared data plus fault routes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from assets.sources.catalogue import sources
from assets.sources.fetch import SourceError, fetch_source, latest_raw, read_provenance

SOURCE_ID = "owid_co2_per_capita"
FAST = dict(timeout=(1, 0.2), backoff=0.001)  # keeps the fault tests well under a second each


def shared_data_dir() -> Path:
    mirror = os.environ.get("CAEI_MIRROR")
    data = (
        Path(mirror)
        if mirror and not mirror.startswith("http")
        else (Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    assert data.is_dir(), f"shared data not found at {data}; set CAEI_MIRROR to it"
    return data


class DataServer(ThreadingHTTPServer):
    """Serves files under `data_dir`; `routes` maps a path to a handler that replaces it."""

    daemon_threads = True

    def __init__(self, data_dir: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.data_dir = data_dir
        self.routes = {}
        self.hits: dict[str, int] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = urlsplit(self.path).path
        self.server.hits[path] = self.server.hits.get(path, 0) + 1
        route = self.server.routes.get(path)
        try:
            if route:
                route(self)
            else:
                file = self.server.data_dir / path.lstrip("/")
                if file.is_file():
                    send(self, 200, file.read_bytes())
                else:
                    send(self, 404, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test): nothing to answer

    def log_message(self, *args):
        pass


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, *, declare_length=True):
    handler.send_response(status)
    if declare_length:
        handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def server():
    srv = DataServer(shared_data_dir())
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def real_entry():
    return sources()[SOURCE_ID]


def make_entry(mirror_path: str, source_id: str = "test_source"):
    return dataclasses.replace(sources()[SOURCE_ID], source_id=source_id, mirror_path=mirror_path)


def provenance_lines(raw_dir: Path, source_id: str) -> list[dict]:
    text = (raw_dir / source_id / "provenance.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_mirror_directory_fetch_keeps_bytes_and_records_provenance(tmp_path, real_entry):
    data = shared_data_dir()
    expected = (data / real_entry.mirror_path).read_bytes()

    raw = fetch_source(real_entry, tmp_path, str(data))

    assert raw.sha256 == hashlib.sha256(expected).hexdigest()
    assert raw.path.read_bytes() == expected
    assert raw.path == tmp_path.resolve() / SOURCE_ID / f"{raw.sha256[:16]}.csv"
    assert (raw.version, raw.changed, raw.bytes) == (1, True, len(expected))
    [line] = provenance_lines(tmp_path, SOURCE_ID)
    assert line["sha256"] == raw.sha256 and line["version"] == 1
    assert line["licence"] == "CC BY 4.0" and line["bytes"] == len(expected)
    assert line["path"] == f"{SOURCE_ID}/{raw.sha256[:16]}.csv"
    assert line["retrieved_at"].endswith("+00:00")
    assert read_provenance(tmp_path) == [line]
    assert latest_raw(tmp_path, SOURCE_ID) == dataclasses.replace(raw, changed=False)
    assert latest_raw(tmp_path, "never_fetched") is None


def test_fetch_over_http_from_mirror_url(tmp_path, server, real_entry):
    expected = (shared_data_dir() / real_entry.mirror_path).read_bytes()

    raw = fetch_source(real_entry, tmp_path, server.base_url + "/", **FAST)

    assert raw.url == f"{server.base_url}/{real_entry.mirror_path}"
    assert raw.sha256 == hashlib.sha256(expected).hexdigest()
    assert provenance_lines(tmp_path, SOURCE_ID)[0]["url"] == raw.url


def test_public_url_is_used_without_mirror(tmp_path, server):
    entry = dataclasses.replace(make_entry("indicators/anything.csv"), public_url=f"{server.base_url}/public/file.csv")
    server.routes["/public/file.csv"] = lambda h: send(h, 200, b"year,value\n2020,1\n")

    raw = fetch_source(entry, tmp_path, None, **FAST)

    assert raw.url == entry.public_url
    assert raw.path.read_bytes() == b"year,value\n2020,1\n"


def test_server_error_is_retried_until_success(tmp_path, server):
    attempts = []

    def flaky(handler):
        attempts.append(1)
        send(handler, 500, b"boom") if len(attempts) < 3 else send(handler, 200, b"ok\n")

    server.routes["/faults/flaky.csv"] = flaky

    raw = fetch_source(make_entry("faults/flaky.csv"), tmp_path, server.base_url, retries=4, **FAST)

    assert len(attempts) == 3
    assert raw.sha256 == hashlib.sha256(b"ok\n").hexdigest()


def test_timeout_is_retried_then_raises_naming_the_source(tmp_path, server):
    def too_slow(handler):
        time.sleep(0.5)  # longer than the 0.2 s read timeout
        send(handler, 200, b"late")

    server.routes["/faults/slow.csv"] = too_slow

    with pytest.raises(SourceError) as failure:
        fetch_source(make_entry("faults/slow.csv"), tmp_path, server.base_url, retries=2, **FAST)

    message = str(failure.value)
    assert server.hits["/faults/slow.csv"] == 3
    assert "test_source" in message and "timed out" in message and "faults/slow.csv" in message
    assert not list((tmp_path / "test_source").iterdir())  # no partial file, no provenance


def test_not_found_raises_at_once_with_advice(tmp_path, server):
    with pytest.raises(SourceError) as failure:
        fetch_source(make_entry("indicators/missing.csv"), tmp_path, server.base_url, retries=4, **FAST)

    message = str(failure.value)
    assert server.hits["/indicators/missing.csv"] == 1
    assert "test_source" in message and "404" in message
    assert f"{server.base_url}/indicators/missing.csv" in message
    assert "holds indicators/missing.csv" in message and "CAEI_MIRROR" in message


def test_missing_file_in_mirror_directory_says_so(tmp_path):
    with pytest.raises(SourceError, match=r"test_source.*the mirror directory .* has no indicators/missing\.csv"):
        fetch_source(make_entry("indicators/missing.csv"), tmp_path / "raw", str(tmp_path))


def test_changed_file_becomes_version_2_and_keeps_version_1(tmp_path, server):
    served = {"body": b"year,value\n2020,1\n"}
    server.routes["/faults/changing.csv"] = lambda h: send(h, 200, served["body"])
    entry = make_entry("faults/changing.csv")

    first = fetch_source(entry, tmp_path, server.base_url, **FAST)
    again = fetch_source(entry, tmp_path, server.base_url, **FAST)
    served["body"] = b"year,value\n2020,1\n2021,2\n"
    second = fetch_source(entry, tmp_path, server.base_url, **FAST)

    assert (first.version, first.changed) == (1, True)
    assert (again.version, again.changed, again.sha256) == (1, False, first.sha256)
    assert (second.version, second.changed) == (2, True)
    assert second.sha256 == hashlib.sha256(served["body"]).hexdigest() != first.sha256
    assert first.path.read_bytes() == b"year,value\n2020,1\n"  # the first version is kept
    assert second.path.read_bytes() == served["body"]
    assert [line["version"] for line in provenance_lines(tmp_path, "test_source")] == [1, 2]
    assert latest_raw(tmp_path, "test_source").sha256 == second.sha256


@pytest.mark.parametrize("declare_length", [True, False], ids=["declared", "streamed"])
def test_size_cap_exceeded_raises_and_leaves_nothing(tmp_path, server, declare_length):
    server.routes["/faults/big.csv"] = lambda h: send(h, 200, b"x" * 5000, declare_length=declare_length)

    with pytest.raises(SourceError, match=r"test_source.*too large.*1000 bytes"):
        fetch_source(make_entry("faults/big.csv"), tmp_path, server.base_url, max_bytes=1000, **FAST)

    assert server.hits["/faults/big.csv"] == 1  # too large is not retried
    assert not list((tmp_path / "test_source").iterdir())


@pytest.mark.parametrize("mirror_path", ["../secrets.csv", "indicators/../../secrets.csv", "/etc/passwd"])
def test_mirror_path_leaving_the_mirror_is_rejected(tmp_path, mirror_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (tmp_path / "secrets.csv").write_text("secret\n")

    with pytest.raises(SourceError, match=r"test_source.*would leave the mirror"):
        fetch_source(make_entry(mirror_path), tmp_path / "raw", str(mirror))
    with pytest.raises(SourceError, match=r"would leave the mirror"):
        fetch_source(make_entry(mirror_path), tmp_path / "raw", "http://127.0.0.1:9/")
