"""The read API under /api/v1/ against the real published snapshot: values, filters, errors and headers."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from assets.published.snapshots import current_snapshot_id, current_snapshot_path, rollback
from dashboard.app import create_app

INDICATOR = "co2_per_capita"


@pytest.fixture(scope="module")
def client(published_home):
    return create_app(published_home / "published").server.test_client()


@pytest.fixture(scope="module")
def snapshot_rows(published_home):
    def rows(sql: str, params: list) -> list[tuple]:
        with duckdb.connect(str(current_snapshot_path(published_home / "published")), read_only=True) as con:
            return con.execute(sql, params).fetchall()

    return rows


def test_catalogue_lists_every_indicator_with_names_sources_and_latest_year(client, snapshot_rows):
    answer = client.get("/api/v1/indicators?lang=kk")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    entries = {e["id"]: e for e in answer.json["indicators"]}
    expected = snapshot_rows("SELECT indicator_id, name_ru, name_en, name_kk, unit, theme FROM indicators", [])
    assert set(entries) == {r[0] for r in expected}
    for indicator_id, ru, en, kk, unit, theme in expected:
        entry = entries[indicator_id]
        assert entry["names"] == {"ru": ru, "en": en, "kk": kk} and entry["name"] == kk
        assert entry["unit"] == unit and entry["theme"] == theme
    ((latest,),) = snapshot_rows(
        "SELECT max(year) FROM indicator_values WHERE indicator_id = ? AND value IS NOT NULL "
        "AND coalesce(flags, '') NOT LIKE '%projection%'",
        [INDICATOR],
    )
    assert entries[INDICATOR]["latest_year"] == latest
    assert entries[INDICATOR]["summit_directions"] == [1]
    (source,) = entries[INDICATOR]["sources"]
    assert source["id"] == "owid_co2_per_capita" and source["licence_id"] == "CC-BY-4.0"


def test_csv_values_filtered_by_country_and_time_match_the_snapshot(client, snapshot_rows):
    answer = client.get(f"/api/v1/indicators/{INDICATOR}.csv?country=KAZ~UZB~CA5&time=2000..2020&lang=ru")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    expected = snapshot_rows(
        "SELECT geo_id, year, value, coalesce(flags, '') FROM indicator_values WHERE indicator_id = ? "
        "AND geo_id IN ('KAZ', 'UZB', 'CA5') AND year BETWEEN 2000 AND 2020 AND value IS NOT NULL "
        "ORDER BY geo_id, year",
        [INDICATOR],
    )
    assert len(rows) == len(expected) > 40
    for row, (geo, year, value, flags) in zip(rows, expected, strict=True):
        assert (row["geo_id"], int(row["year"]), row["flag_codes"]) == (geo, year, flags)
        assert float(row["value"]) == pytest.approx(value, rel=1e-12)
        assert row["licence"] == "CC BY 4.0" and row["commercial_use"] == "yes"
    assert {r["geo"] for r in rows} == {"Казахстан", "Узбекистан", "Центральная Азия (5 стран)"}


def test_json_values_say_their_flags_in_words_and_codes(client, snapshot_rows):
    flagged = snapshot_rows(
        "SELECT indicator_id, geo_id, year, flags FROM indicator_values WHERE flags LIKE '%stale%' "
        "AND value IS NOT NULL ORDER BY ALL LIMIT 1",
        [],
    )
    ((indicator_id, geo_id, year, flags),) = flagged
    answer = client.get(f"/api/v1/indicators/{indicator_id}.json?country={geo_id}&time={year}&lang=en")
    assert answer.status_code == 200
    (row,) = answer.json["rows"]
    assert row["flag_codes"] == flags and "not updated recently" in row["flags"]
    assert answer.json["query"] == {"country": [geo_id], "time": [year, year], "lang": "en"}


def test_metadata_names_sources_with_licence_retrieval_and_the_snapshot(client, published_home):
    answer = client.get(f"/api/v1/indicators/{INDICATOR}.metadata.json?lang=ru")
    assert answer.status_code == 200
    meta = answer.json
    assert meta["snapshot"]["id"] == current_snapshot_id(published_home / "published")
    (source,) = meta["sources"]
    assert source["citation"].startswith("Global Carbon Budget") and source["licence"] == "CC BY 4.0"
    assert len(source["sha256"]) == 64 and source["retrieved_at"] and source["url"].startswith("https://")
    legend = {f["code"]: f for f in meta["flags_legend"]}
    assert legend["stale"]["label"] == "давно не обновлялось" and legend["outlier"]["kind"] == "doubtful"
    assert "population" in meta["method"]["regional_aggregate"]


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("country=KAZ~ZZZ", "country"),
        ("country=", "country"),
        ("time=2020..2000", "time"),
        ("time=twenty", "time"),
        ("lang=de", "lang"),
        ("colour=red", "colour"),
        ("snapshot=../../etc", "snapshot"),
    ],
)
def test_bad_parameters_get_400_with_a_problem_body_naming_them(client, query, bad):
    answer = client.get(f"/api/v1/indicators/{INDICATOR}.json?{query}")
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert answer.json["status"] == 400 and answer.json["title"] == "Bad Request"
    assert [p["name"] for p in answer.json["invalid_params"]] == [bad]


@pytest.mark.parametrize(
    "path", ["/api/v1/indicators/no_such_thing.csv", "/api/v1/indicators/co2_per_capita.xml", "/api/v1/nothing"]
)
def test_unknown_ids_get_404_with_a_problem_body(client, path):
    answer = client.get(path)
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert answer.json["status"] == 404


def test_etag_and_cache_control_follow_the_snapshot_and_cors_is_read_only(client, published_home):
    url = f"/api/v1/indicators/{INDICATOR}.json?country=KAZ"
    first = client.get(url)
    snapshot_id = current_snapshot_id(published_home / "published")
    assert snapshot_id in first.headers["ETag"] and first.headers["X-CAEI-Snapshot"] == snapshot_id
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data and again.headers["ETag"] == first.headers["ETag"]
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert client.post(url).status_code == 405
    pinned = client.get(f"{url}&snapshot={snapshot_id}")
    assert pinned.status_code == 200 and "immutable" in pinned.headers["Cache-Control"]


def test_openapi_documents_every_route(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    for path in (
        "/api/v1/indicators",
        "/api/v1/snapshots",
        "/api/v1/indicators/{id}.csv",
        "/api/v1/indicators/{id}.json",
        "/api/v1/indicators/{id}.metadata.json",
    ):
        assert "get" in doc["paths"][path]


def test_snapshots_say_what_changed_since_the_one_before(two_snapshots):
    published, first, second = two_snapshots
    rollback(published, second)
    client = create_app(published).server.test_client()
    history = client.get("/api/v1/snapshots").json["snapshots"]
    assert [h["id"] for h in history][:2] == [second, first]
    assert history[0]["current"] and history[0]["previous"] == first
    with duckdb.connect(str(published / "snapshots" / f"{first}.duckdb"), read_only=True) as con:
        doubled = dict(
            con.execute(
                "SELECT indicator_id, count(*) FROM indicator_values WHERE value IS NOT NULL AND value <> 0 GROUP BY 1"
            ).fetchall()
        )
    changes = history[0]["changes"]
    assert changes["values_added"] == changes["values_removed"] == 0
    assert {c["indicator_id"]: c["revised"] for c in changes["indicators"]} == doubled
    etag = client.get("/api/v1/snapshots").headers["ETag"]
    rollback(published, first)
    assert client.get("/api/v1/snapshots").headers["ETag"] != etag


def test_values_of_a_source_without_a_stated_licence_are_marked_so(client, snapshot_rows):
    ((indicator_id, n_unstated),) = snapshot_rows(
        "SELECT indicator_id, count(*) FROM indicator_values WHERE source_id = 'caspian_official' "
        "AND value IS NOT NULL GROUP BY 1",
        [],
    )
    answer = client.get(f"/api/v1/indicators/{indicator_id}.json?lang=ru")
    unstated = [r for r in answer.json["rows"] if r["source_id"] == "caspian_official"]
    assert len(unstated) == n_unstated
    assert all(r["licence_id"] == "none-stated" and r["licence_stated"] is False for r in unstated)
    (notice,) = [n for n in answer.json["licence_notices"] if n["source_id"] == "caspian_official"]
    assert notice["licence_terms"].startswith("Лицензия не указана")
