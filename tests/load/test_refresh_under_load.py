"""Load during refresh: 20 full materialisations (publish included) back to back while 20 clients read pages and
fire their callbacks on 127.0.0.1. Zero failed requests; every response names its snapshot; a page's callbacks
answer from the snapshot its layout was built from, so no view mixes two snapshots.

CAEI_LOAD_REFRESHES / CAEI_LOAD_CLIENTS lower the counts for a quick local run (CI runs 20 and 20).
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from assets.published.snapshots import list_snapshots
from tests.support.caei import REPO, run_caei
from tests.support.dash_client import HttpSession, callbacks_of_page, component_props, fire, render_page

REFRESHES = int(os.environ.get("CAEI_LOAD_REFRESHES", "20"))
CLIENTS = int(os.environ.get("CAEI_LOAD_CLIENTS", "20"))
PAGES = ["/", "/country/KAZ", "/explorer", "/aral-caspian", "/catalogue", "/water", "/air", "/funding", "/summit"]
LANGS = ["ru", "en", "kk"]


@dataclass
class Tally:
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    snapshots_seen: Counter = field(default_factory=Counter)
    pages_seen: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, n: int = 1) -> None:
        with self.lock:
            self.requests += n

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_dashboard(home: Path, port: int, log: Path) -> subprocess.Popen:
    environ = {**os.environ, "CAEI_HOME": str(home)}
    # The server's output goes to a file: an unread pipe would fill up and stall the server mid-response.
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "dashboard", "--port", str(port)],
            cwd=REPO,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_dash-dependencies", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"dashboard did not start: {log.read_text(errors='replace')[-2000:]}")


def one_view(client: HttpSession, path: str, lang: str, tally: Tally) -> None:
    """What a browser does for one page view: the index, the page's layout, then each of its callbacks."""
    index = client.get(f"{path}?lang={lang}")
    tally.count()
    if index.status_code != 200 or not index.headers.get("X-CAEI-Snapshot"):
        tally.fail(
            f"GET {path}?lang={lang}: {index.status_code}, snapshot header {index.headers.get('X-CAEI-Snapshot')}"
        )
        return
    layout, layout_snapshot, status = render_page(client, path, f"?lang={lang}")
    tally.count()
    if status != 200 or layout_snapshot is None:
        tally.fail(f"layout {path} {lang}: status {status}, snapshot header {layout_snapshot}")
        return
    props = component_props(layout)
    pinned = props.get("snapshot-pin", {}).get("data")
    if pinned != layout_snapshot:
        tally.fail(f"layout {path} {lang}: pin {pinned} but response header {layout_snapshot}")
    with tally.lock:
        tally.snapshots_seen[layout_snapshot] += 1
        tally.pages_seen[path] += 1
    for dependency in callbacks_of_page(client, layout):
        clicks = {f"{i['id']}.{i['property']}": 1 for i in dependency["inputs"] if i["property"] == "n_clicks"}
        answer = fire(client, dependency, props, clicks)
        tally.count()
        if answer.status_code not in (200, 204):
            tally.fail(f"callback {dependency['output'][:60]} on {path} {lang}: HTTP {answer.status_code}")
        elif answer.headers.get("X-CAEI-Snapshot") != layout_snapshot:
            tally.fail(
                f"callback {dependency['output'][:60]} on {path} {lang} answered from "
                f"{answer.headers.get('X-CAEI-Snapshot')}, its layout from {layout_snapshot}"
            )


def client_loop(base_url: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    client = HttpSession(base_url, timeout=120)
    while not stop.is_set():
        path, lang = rng.choice(PAGES), rng.choice(LANGS)
        try:
            one_view(client, path, lang, tally)
        except Exception as error:  # a refused connection or a timeout is a failed request, not a crash of the test
            tally.fail(f"{path} {lang}: {type(error).__name__}: {error}")
        stop.wait(rng.uniform(0.05, 0.3))  # a reader's pause between views


@pytest.mark.timeout(3600)
def test_dashboard_serves_every_request_from_one_snapshot_during_20_refreshes(
    published_home, shared_data_dir, tmp_path
):
    home = tmp_path / "home"
    shutil.copytree(published_home, home, ignore=shutil.ignore_patterns("*.lock"))
    port = free_port()
    server_log = tmp_path / "dashboard.log"
    server = start_dashboard(home, port, server_log)
    stop, tally = threading.Event(), Tally()
    clients = [
        threading.Thread(target=client_loop, args=(f"http://127.0.0.1:{port}", stop, tally, seed), daemon=True)
        for seed in range(CLIENTS)
    ]
    refresh_codes: list[int] = []
    try:
        for client in clients:
            client.start()
        for n in range(REFRESHES):
            done = run_caei(["materialize"], home, shared_data_dir, timeout=900)
            refresh_codes.append(done.returncode)
            assert done.returncode == 0, f"refresh {n + 1} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        time.sleep(2)  # let the clients read the last publish too
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=180)
        server.terminate()
        server.wait(timeout=30)

    published = list_snapshots(home / "published")
    print(
        f"\n{tally.requests} requests by {CLIENTS} clients during {REFRESHES} refreshes; "
        f"{len(tally.snapshots_seen)} snapshots served; views per page {dict(tally.pages_seen)}"
    )
    assert refresh_codes == [0] * REFRESHES
    assert not tally.failures, (
        f"{len(tally.failures)} failed of {tally.requests}:\n"
        + "\n".join(tally.failures[:20])
        + f"\n--- dashboard log ---\n{server_log.read_text(errors='replace')[-6000:]}"
    )
    assert set(tally.pages_seen) == set(PAGES), "every page was read during the refreshes"
    # The clients saw the publishes happen: more than one snapshot, all of them among the ones published.
    assert len(tally.snapshots_seen) >= min(3, REFRESHES)
    assert set(tally.snapshots_seen) <= {s.snapshot_id for s in published}
