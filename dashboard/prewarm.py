"""Pages computed right after a publish, before anyone asks for them.

A page's first render from a new snapshot takes 0.1-1 s (plotly figures, layout encoding; bench/README.md);
later ones come from the answer cache. `caei dashboard` runs a `Prewarmer` thread that notices a new snapshot
(CURRENT changed) and renders every page in every language through the app itself, as a browser would ask
for it, so the first viewers after a weekly publish get cached answers too. A newer publish interrupts the
warm-up of an older one.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import dash

from dashboard import data
from dashboard.i18n import SUPPORTED_LANGS
from dashboard.pages import nav_items
from dashboard.queries import reference
from dashboard.response_cache import CALLBACK_PATH, ROUTER_OUTPUT

# What Chromium and Firefox send; the answer cache keys on the set, so the order does not matter.
BROWSER_ENCODINGS = "gzip, deflate, br, zstd"
POLL_SECONDS = 5.0
# The scripts and stylesheets the index page names (Dash's own and ours), compressed once each per process.
STATIC_ADDRESS = re.compile(r'(?:src|href)="(/(?:_dash-component-suites|assets)/[^"]+)"')


def page_paths(snap: data.Snapshot) -> list[str]:
    """Every page in the navigation, and each Central Asian country's profile."""
    paths = [path for path, _msgid in nav_items() if not path.startswith("/country/")]
    return paths + [f"/country/{iso3}" for iso3 in reference.central_asia_iso3(snap)]


def page_views(snap: data.Snapshot) -> list[tuple[str, str]]:
    """(path, query string) of the views to compute: each page as linked in each language, and as first opened
    without a language (Russian)."""
    return [
        (path, search) for path in page_paths(snap) for search in ("", *(f"?lang={lang}" for lang in SUPPORTED_LANGS))
    ]


def router_request(path: str, search: str) -> dict:
    """The routing callback's request for one view, as Dash's renderer sends it."""
    return {
        "output": ROUTER_OUTPUT,
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"id": "_pages_location", "property": "search", "value": search},
        ],
        "changedPropIds": ["_pages_location.pathname", "_pages_location.search"],
        "state": [],
    }


class Prewarmer(threading.Thread):
    """Warms the answer cache of `app` for each snapshot CURRENT names, once per snapshot."""

    def __init__(self, app: dash.Dash, poll_seconds: float = POLL_SECONDS, log: Callable[[str], None] = print):
        super().__init__(name="caei-prewarm", daemon=True)
        self.app = app
        self.poll_seconds = poll_seconds
        self.log = log
        self.warmed: str | None = None
        self.stopped = threading.Event()

    def current_snapshot(self) -> data.Snapshot | None:
        published = Path(self.app.server.config[data.PUBLISHED_DIR_CONFIG_KEY])
        try:
            return data.open_current_snapshot(published)
        except data.NoSnapshotError:
            return None

    def warm_static(self) -> int:
        """Compress ahead the files every first visit loads (dashboard/static_compression.py: the highest level
        takes about a second per megabyte); returns how many."""
        client = self.app.server.test_client(use_cookies=False)
        index = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
        addresses = STATIC_ADDRESS.findall(index)
        for address in addresses:
            client.get(address, headers={"Accept-Encoding": BROWSER_ENCODINGS})
        return len(addresses)

    def run(self) -> None:
        try:
            self.warm_static()
        except Exception as problem:  # noqa: BLE001 - an optimisation: files are compressed when first asked instead
            self.log(f"compressing the static files ahead failed: {problem!r}")
        while not self.stopped.is_set():
            snap = self.current_snapshot()
            if snap is not None and snap.snapshot_id != self.warmed:
                try:
                    self.warm(snap)
                except Exception as problem:  # noqa: BLE001 - warming is an optimisation: never stop serving for it
                    self.log(
                        f"pre-computing pages of {snap.snapshot_id} failed: {problem!r}; pages are computed when asked"
                    )
                    self.warmed = snap.snapshot_id
            self.stopped.wait(self.poll_seconds)

    def stop(self) -> None:
        self.stopped.set()

    def warm(self, snap: data.Snapshot) -> int:
        """Compute every view of `snap`; returns how many were computed (fewer if a newer publish came first)."""
        started = time.perf_counter()
        client = self.app.server.test_client(use_cookies=False)  # each view as a first visit: nothing remembered
        views = page_views(snap)
        done = 0
        for path, search in views:
            current = self.current_snapshot()
            if self.stopped.is_set() or current is None or current.snapshot_id != snap.snapshot_id:
                self.log(
                    f"pre-computing pages of {snap.snapshot_id} stopped after {done} of {len(views)}: "
                    "a newer snapshot was published"
                )
                return done
            answer = client.post(
                CALLBACK_PATH, json=router_request(path, search), headers={"Accept-Encoding": BROWSER_ENCODINGS}
            )
            if answer.status_code != 200:
                self.log(f"pre-computing {path}{search} of {snap.snapshot_id}: HTTP {answer.status_code}")
            done += 1
        self.warmed = snap.snapshot_id
        self.log(
            f"pre-computed {done} page views of snapshot {snap.snapshot_id} in {time.perf_counter() - started:.1f} s"
        )
        return done
