"""Pages are computed after a publish before anyone asks: a browser's first request for a page is then answered
from the cache, whatever order its request lists things in, and never with another language's or snapshot's page."""

from __future__ import annotations

import gzip
import json
import time

import brotli
from backports import zstd

from assets.published.snapshots import rollback
from dashboard import prewarm
from dashboard.app import create_app
from dashboard.data import open_current_snapshot
from dashboard.pages import air
from tests.support.dash_client import PAGES_OUTPUT, component_props, split_outputs


def browser_request(path: str, search: str) -> dict:
    """The routing request as a browser's Dash renderer may send it: other key order, only one changed prop."""
    return {
        "changedPropIds": ["_pages_location.pathname"],
        "inputs": [
            {"id": "_pages_location", "property": "pathname", "value": path},
            {"property": "search", "id": "_pages_location", "value": search},
        ],
        "outputs": split_outputs(PAGES_OUTPUT),
        "output": PAGES_OUTPUT,
    }


def open_air(client, search: str, encoding: str = "zstd, br, gzip, deflate"):
    answer = client.post(
        "/_dash-update-component", json=browser_request("/air", search), headers={"Accept-Encoding": encoding}
    )
    assert answer.status_code == 200
    return answer


def page_of(answer) -> dict:
    """The routing answer's JSON, decompressed as a browser would (the cache stores answers as sent)."""
    body = answer.get_data()
    encoding = answer.headers.get("Content-Encoding")
    if encoding == "zstd":
        body = zstd.decompress(body)
    elif encoding == "br":
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    return json.loads(body)


def counting_air_content(monkeypatch) -> list:
    calls = []
    original = air.air_content

    def counted(snap, lang, *query):
        calls.append(lang)
        return original(snap, lang, *query)

    monkeypatch.setattr(air, "air_content", counted)
    return calls


def app_and_warmer(published, **options):
    """The app over `published`, its pre-computing thread (not started) and the lines that thread logs."""
    app = create_app(published)
    logged = []
    return app, prewarm.Prewarmer(app, log=logged.append, **options), logged


def test_prewarmed_pages_are_served_without_computing(two_snapshots, monkeypatch):
    published, first, second = two_snapshots
    app, warmer, logged = app_and_warmer(published)
    snap = open_current_snapshot(published)
    views = prewarm.page_views(snap)
    assert ("/air", "?lang=kk") in views and ("/country/TJK", "") in views and ("/", "?lang=en") in views

    assert warmer.warm(snap) == len(views)
    assert logged and f"pre-computed {len(views)} page views of snapshot {first}" in logged[-1]

    calls = counting_air_content(monkeypatch)
    client = app.server.test_client()
    first_visit = open_air(client, "")  # no language in the URL and none remembered: Russian
    kk = open_air(client, "?lang=kk")
    assert calls == []  # both came from the warmed cache
    assert kk.headers["X-CAEI-Snapshot"] == first_visit.headers["X-CAEI-Snapshot"] == first
    assert kk.headers["Content-Encoding"] in ("zstd", "br", "gzip")  # stored as sent to a browser
    kk_page = page_of(kk)["response"]["_pages_content"]["children"]
    assert component_props(kk_page)["snapshot-pin"]["data"] == first
    assert client.get_cookie("caei_lang").value == "kk"  # the cached answer remembers the language too

    # Kazakh is now remembered: the page without a language is the Kazakh one, not the Russian one warmed for
    # a first visit
    remembered = open_air(client, "")
    assert calls == ["kk"]
    assert page_of(remembered) == page_of(kk)
    assert page_of(first_visit) != page_of(kk)


def test_a_new_publish_is_warmed_and_interrupts_an_older_warm_up(two_snapshots, monkeypatch):
    published, first, second = two_snapshots
    app, warmer, logged = app_and_warmer(published)
    old = open_current_snapshot(published)
    rollback(published, second)  # a newer snapshot is served before the old one's warm-up ran
    assert warmer.warm(old) == 0
    assert "stopped after 0 of" in logged[-1] and warmer.warmed is None

    warmer.warm(open_current_snapshot(published))
    assert warmer.warmed == second
    calls = counting_air_content(monkeypatch)
    answer = open_air(app.server.test_client(), "?lang=en")
    assert calls == [] and answer.headers["X-CAEI-Snapshot"] == second


def test_the_serving_thread_warms_what_is_published(two_snapshots):
    published, first, _second = two_snapshots
    _app, warmer, logged = app_and_warmer(published, poll_seconds=0.05)
    warmer.start()
    try:
        deadline = time.monotonic() + 120
        while warmer.warmed != first and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        warmer.stop()
        warmer.join(timeout=30)
    assert warmer.warmed == first and not warmer.is_alive()
    assert any("pre-computed" in line for line in logged)
