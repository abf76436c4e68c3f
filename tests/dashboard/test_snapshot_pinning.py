"""A page's callbacks answer from the snapshot its layout was built from, and every response names it.

A second snapshot (the first with every value doubled) is published while a page is open: the open page keeps
answering from the first one, a newly opened page uses the second, and no response mixes the two.
"""

from __future__ import annotations

from assets.published.snapshots import rollback, snapshot_path
from dashboard.app import create_app
from tests.support.dash_client import callbacks_of_page, component_props, dumps, fire, render_page


def overview_comparison(client):
    layout, header, status = render_page(client, "/", "?lang=en")
    assert status == 200
    props = component_props(layout)
    (callback,) = [d for d in callbacks_of_page(client, layout) if "overview-country-graph" in d["output"]]
    return props, callback, header


def test_open_page_keeps_its_snapshot_after_a_new_publish(two_snapshots):
    published, first, second = two_snapshots
    client = create_app(published).server.test_client()
    props, callback, layout_header = overview_comparison(client)
    assert layout_header == first and props["snapshot-pin"]["data"] == first

    before = fire(client, callback, props)
    assert before.status_code == 200 and before.headers["X-CAEI-Snapshot"] == first

    rollback(published, second)  # a new publish is served from now on
    after = fire(client, callback, props)
    assert after.headers["X-CAEI-Snapshot"] == first
    assert dumps(after.json) == dumps(before.json), "the open page must not show the new snapshot's values"

    new_props, new_callback, new_header = overview_comparison(client)
    assert new_header == second and new_props["snapshot-pin"]["data"] == second
    fresh = fire(client, new_callback, new_props)
    assert fresh.headers["X-CAEI-Snapshot"] == second
    assert dumps(fresh.json) != dumps(before.json), "a page opened after the publish shows the doubled values"


def test_index_and_download_name_their_snapshot(two_snapshots):
    published, first, second = two_snapshots
    client = create_app(published).server.test_client()
    assert client.get("/?lang=ru").headers["X-CAEI-Snapshot"] == first
    layout, _, _ = render_page(client, "/explorer", "?lang=en")
    csv_href = component_props(layout)["explorer-download-csv"]["href"]
    assert f"snapshot={first}" in csv_href
    rollback(published, second)
    download = client.get(csv_href)
    assert download.status_code == 200 and download.headers["X-CAEI-Snapshot"] == first
    assert first in download.headers["Content-Disposition"]


def test_pruned_or_forged_pin_is_refused_without_mixing(two_snapshots):
    published, first, second = two_snapshots
    client = create_app(published).server.test_client()
    props, callback, _ = overview_comparison(client)
    before_prune = fire(client, callback, props)
    rollback(published, second)
    snapshot_path(published, first).unlink()  # pruned while the page was open
    # An answer already given from the pruned snapshot is still that snapshot's answer; a new choice cannot be.
    assert dumps(fire(client, callback, props).json) == dumps(before_prune.json)
    other = next(
        o["value"]
        for o in props["overview-country-indicator"]["options"]
        if o["value"] != props["overview-country-indicator"]["value"]
    )
    gone = fire(client, callback, props, {"overview-country-indicator.value": other})
    assert gone.status_code == 200
    assert "reload the page" in dumps(gone.json)
    assert gone.headers["X-CAEI-Snapshot"] == first, "a refusal about the page's snapshot, not an answer from another"

    forged = fire(client, callback, props, {"snapshot-pin.data": "../../../etc/passwd"})
    assert forged.status_code == 200 and "not a snapshot id" in dumps(forged.json)
    assert "X-CAEI-Snapshot" not in forged.headers


def test_repeated_requests_are_answered_alike_from_the_cache_with_their_cookie(two_snapshots):
    published, first, second = two_snapshots
    app = create_app(published)
    client = app.server.test_client()
    answers = []
    for _ in range(2):
        layout, header, status = render_page(client, "/", "?lang=kk")
        cookie = client.get_cookie("caei_lang")
        answers.append((dumps(layout), header, status, cookie.value if cookie else None))
        client.delete_cookie("caei_lang")
    assert answers[0] == answers[1] and answers[0][1:] == (first, 200, "kk")
    rollback(published, second)
    layout, header, _ = render_page(client, "/", "?lang=kk")
    assert header == second and component_props(layout)["snapshot-pin"]["data"] == second
