"""`/embed/chart/{chart_id}` and its data.zip: every theme chart alone (title, unit, source line with licence, the
snapshot's date, a link back) and a zip of exactly the rows it draws with their metadata, values checked against
the published snapshot."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import duckdb
import pytest

from assets.common.flags import flags_doubtful
from assets.published.snapshots import current_snapshot_id, current_snapshot_path
from dashboard.app import create_app
from dashboard.compare import MACRO_THEMES
from dashboard.pages import page_modules
from dashboard.theme_charts import CHARTS

# Every chart of the pages that is not one indicator of the explorer: a chart missing here is a chart without links.
CHART_IDS = (
    "overview-countries",
    "air-city-map",
    "air-daily",
    "air-calendar",
    "air-season",
    "air-region-map",
    "water-map",
    "water-jmp",
    "funding-by-country",
    "funding-per-capita",
    "funding-breakdown",
    "funding-domestic",
    "seas-map",
    "aral-area",
    "caspian-annual",
    "caspian-obs",
    "drivers-freshwater-withdrawals",
    "drivers-agricultural-land",
    "country-profile",
)
COUNTRIES = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


@pytest.fixture(scope="module")
def client(published_home):
    return create_app(published_home / "published").server.test_client()


@pytest.fixture(scope="module")
def snapshot_con(published_home):
    with duckdb.connect(str(current_snapshot_path(published_home / "published")), read_only=True) as con:
        yield con


def download(client, url: str) -> tuple[list[dict], dict]:
    answer = client.get(url)
    assert answer.status_code == 200 and answer.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.data)) as archive:
        (csv_name,) = [n for n in archive.namelist() if n.endswith(".csv")]
        rows = list(csv.DictReader(io.StringIO(archive.read(csv_name).decode("utf-8"))))
        return rows, json.loads(archive.read("metadata.json"))


def test_every_chart_of_the_pages_is_registered():
    page_modules()  # the pages register their charts when imported
    assert sorted(CHARTS) == sorted(CHART_IDS)


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_each_chart_alone_has_title_source_date_link_back_and_its_data(client, published_home, chart_id):
    answer = client.get(f"/embed/chart/{chart_id}?lang=ru")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    page = answer.get_data(as_text=True)
    rows, meta = download(client, f"/embed/chart/{chart_id}/data.zip?lang=ru")
    assert f"<h1>{meta['title']}</h1>" in page.replace("&quot;", '"')
    assert "<script" not in page and 'href="http://localhost/' in page  # a link back to the page
    assert "frame-ancestors *" in answer.headers["Content-Security-Policy"]
    assert meta["snapshot"]["id"] == current_snapshot_id(published_home / "published")
    assert meta["drawn"]["rows"] == len(rows) > 0
    assert re.search(r"Данные на \d", page)
    with duckdb.connect(str(current_snapshot_path(published_home / "published")), read_only=True) as con:
        russian = dict(con.execute("SELECT licence, name_ru FROM licences").fetchall())
    for source in meta["sources"]:
        assert source["licence_id"] and "sha256" in source and "retrieved_at" in source
        # the licence as the metadata gives it (as published), named on the Russian page in Russian
        licence = russian[source["licence"]] if source["licence_stated"] else "лицензия не указана"
        assert f"Лицензия: {licence}" in page
    assert meta["sources"] and "Источник: " in page


def test_the_countries_compared_are_the_latest_trusted_value_of_each_country(client, snapshot_con):
    rows, meta = download(client, "/embed/chart/overview-countries/data.zip?indicator=co2_per_capita&lang=en")
    found = snapshot_con.execute(
        "SELECT geo_id, year, value, coalesce(flags, '') FROM indicator_values WHERE indicator_id = 'co2_per_capita' "
        "AND value IS NOT NULL AND geo_id IN (SELECT unnest(?)) ORDER BY year",
        [list(COUNTRIES)],
    ).fetchall()
    latest = {}
    for geo, year, value, flags in found:
        if "projection" not in flags.split(";") and not flags_doubtful(flags):
            latest[geo] = (year, value)
    names = dict(snapshot_con.execute("SELECT geo_id, name_en FROM geographies").fetchall())
    expected = sorted((f"{names[g]} ({y})", v) for g, (y, v) in latest.items())
    assert sorted((r["x"], float(r["value"])) for r in rows) == expected and len(rows) == 5
    assert meta["url"].endswith("/?lang=en&indicator=co2_per_capita")


def test_funding_by_country_draws_every_reported_value(client, snapshot_con):
    rows, _ = download(client, "/embed/chart/funding-by-country/data.zip?lang=ru")
    found = snapshot_con.execute(
        "SELECT g.name_ru, v.year, v.value FROM indicator_values v JOIN geographies g USING (geo_id) "
        "WHERE v.indicator_id = 'climate_finance_crs' AND v.value IS NOT NULL AND v.geo_id IN (SELECT unnest(?))",
        [list(COUNTRIES)],
    ).fetchall()
    assert sorted((r["series"], int(r["x"]), float(r["value"])) for r in rows) == sorted(found)


def test_the_aral_sea_chart_draws_the_published_areas(client, snapshot_con):
    rows, meta = download(client, "/embed/chart/aral-area/data.zip")
    found = snapshot_con.execute("SELECT year, area_km2 FROM aral_area WHERE area_km2 IS NOT NULL").fetchall()
    assert sorted((int(r["x"]), float(r["value"])) for r in rows) == sorted(found)
    assert [s["id"] for s in meta["sources"]] == ["aral_area"]


def test_the_country_profile_holds_the_latest_value_of_each_indicator(client, snapshot_con):
    rows, meta = download(client, "/embed/chart/country-profile/data.zip?country=KGZ&lang=en")
    found = snapshot_con.execute(
        "SELECT indicator_id, year, value FROM indicator_values WHERE geo_id = 'KGZ' AND value IS NOT NULL "
        "AND coalesce(flags, '') NOT LIKE '%projection%' "
        # macro context (population, the economy) is apart from the profile's indicator cards
        "AND indicator_id NOT IN (SELECT indicator_id FROM indicators WHERE theme IN (SELECT unnest(?))) "
        "QUALIFY row_number() OVER (PARTITION BY indicator_id ORDER BY year DESC) = 1",
        [list(MACRO_THEMES)],
    ).fetchall()
    assert sorted((int(r["Year"]), float(r["Value"])) for r in rows) == sorted((y, v) for _, y, v in found)
    assert meta["title"] == "Kyrgyzstan" and meta["url"].endswith("/country/KGZ?lang=en")


def test_non_commercial_values_say_their_terms_where_they_leave(client):
    page = client.get("/embed/chart/air-daily?lang=ru").get_data(as_text=True)
    _, meta = download(client, "/embed/chart/air-daily/data.zip?lang=ru")
    (source,) = meta["sources"]
    assert source["licence"] == "CC BY-NC 4.0" and source["commercial_use"] == "no"
    assert f'<p class="restricted">{source["licence_terms"]}</p>' in page


def test_unknown_charts_and_parameters_are_said_in_the_language(client):
    missing = client.get("/embed/chart/no-such-chart?lang=kk")
    assert missing.status_code == 404 and "Бұл мекенжай бойынша график жоқ." in missing.get_data(as_text=True)
    bad = client.get("/embed/chart/air-daily?lang=ru&indicator=co2_per_capita")
    assert bad.status_code == 400 and "В адресе неверный параметр: indicator" in bad.get_data(as_text=True)
