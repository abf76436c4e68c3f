"""The air page in headless Chromium against a real published snapshot (fixtures in tests/dashboard/conftest.py)."""

from __future__ import annotations

import pytest
import requests

from dashboard.i18n import format_number
from tests.support.browser import (
    PLOTLY_SVG,
    assert_clean,
    open_dropdown,
    open_page,
    plain_spaces,
    query_one,
    theme_english_words,
)

pytestmark = pytest.mark.timeout(180)


GRAPHS = ("air-city-map", "air-daily-graph", "air-calendar-graph", "air-season-graph", "air-region-map")


@pytest.fixture(scope="session")
def top_city_mean(published_home) -> float:
    """The highest latest-complete annual PM2.5 mean of a ranked city: the first row of the ranking."""
    row = query_one(
        published_home,
        """
        WITH latest AS (
            SELECT city_id, mean FROM air_rankings WHERE pollutant = 'pm25'
            QUALIFY year = max(year) OVER (PARTITION BY city_id)
        )
        SELECT max(mean) FROM latest""",
    )
    assert row and row[0] is not None
    return float(row[0])


@pytest.fixture(scope="session")
def almaty_winter(published_home) -> tuple[str, float]:
    return query_one(
        published_home,
        """
        SELECT period, mean FROM air_period_stats
        WHERE city_id = 'almaty' AND source_id = 'airdata_kz_main_cities' AND pollutant = 'pm25'
          AND period_kind = 'heating_season' AND complete ORDER BY year LIMIT 1""",
    )


@pytest.fixture(scope="session")
def kazakhstan_latest_emissions(published_home) -> float:
    """Kazakhstan's latest national total of stationary-source emissions, thousand t."""
    row = query_one(
        published_home, "SELECT value FROM air_region_emissions WHERE kind = 'country_total' ORDER BY year DESC LIMIT 1"
    )
    assert row and row[0] is not None
    return float(row[0])


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_air_page_shows_map_city_and_regions_with_licence(
    live_server, page_and_record, artifacts_dir, lang, top_city_mean, almaty_winter, kazakhstan_latest_emissions
):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/air?lang={lang}", expected_graphs=len(GRAPHS))
    page.screenshot(path=str(artifacts_dir / f"air-{lang}.png"), full_page=True)

    for graph_id in GRAPHS:
        assert page.locator(f"#{graph_id} .js-plotly-plot").count() == 1, graph_id
    # the maps drew their own outlines and points (no tile server): a canvas per map, the outlines fetched once
    # from this server for the page's snapshot
    assert page.locator("#air-city-map canvas").count() >= 1
    outline_requests = [u for u in record.requested_urls if "/geo/central-asia-outlines.geojson?snapshot=" in u]
    assert outline_requests and set(outline_requests) == {outline_requests[0]}
    assert requests.get(outline_requests[0], timeout=30).json()["features"]
    caveat = plain_spaces(page.inner_text("#air-caveat"))
    assert "CC BY-NC 4.0" in caveat and "https://airdata.kz" in caveat
    # the source's day boundaries in the page's words, not as a time-zone database name
    pacific = {"ru": "тихоокеанскому времени США", "en": "US Pacific time", "kk": "Тынық мұхиты уақыты"}[lang]
    assert pacific in caveat and "UTC−8/UTC−7" in caveat and "America/Los_Angeles" not in caveat
    # every figure names its source and licence
    licence_word = "Licence" if lang == "en" else "Лицензия"
    for caption in ("air-map-source", "air-city-source", "air-region-source"):
        assert licence_word in page.inner_text(f"#{caption}"), caption
    assert "CC BY-NC 4.0" in page.inner_text("#air-city-source")
    first_mean = page.inner_text("#air-ranking-table tbody tr:first-child td:nth-child(3)")
    assert plain_spaces(first_mean) == plain_spaces(format_number(top_city_mean, lang, decimals=1))
    # like with like: the Tashkent medians and the Karaganda cluster are named as left out, not ranked
    ranking, left_out = page.inner_text("#air-ranking-table"), page.inner_text("#air-left-out")
    tashkent = {"ru": "Ташкент", "en": "Tashkent", "kk": "Ташкент"}[lang]
    cluster = {"ru": "Карагандинский кластер", "en": "Karaganda cluster", "kk": "Қарағанды кластері"}[lang]
    assert tashkent in left_out and cluster in left_out
    assert tashkent not in ranking and cluster not in ranking
    # the series that led before screening (KazHydroMet Karaganda, PM2.5 equal to its PM10) is no longer first
    karaganda = {"ru": "Караганда", "en": "Karaganda", "kk": "Қарағанды"}[lang]
    # (the city cell: the row's source title names Karaganda among the cities the source covers)
    assert karaganda not in page.inner_text("#air-ranking-table tbody tr:first-child td:nth-child(2)")
    assert karaganda in left_out
    assert {"ru": "сомнительных дней", "en": "doubtful days", "kk": "күмәнді күндер"}[lang] in left_out
    # Almaty's first complete heating season, with its mean, and the incomplete ones without a number
    period_table = plain_spaces(page.inner_text("#air-period-table"))
    assert almaty_winter[0] in period_table
    assert plain_spaces(format_number(almaty_winter[1], lang, decimals=1)) in period_table
    assert {"ru": "неполный", "en": "incomplete", "kk": "толық емес"}[lang] in period_table
    national = plain_spaces(page.inner_text("#air-national-emissions"))
    assert plain_spaces(format_number(kazakhstan_latest_emissions, lang, decimals=1)) in national
    assert page.locator("#air-exceedance-table tbody tr").count() >= 5
    assert "SO₂" in page.inner_text("#air-threshold-table")  # the registry shows its gap
    assert page.locator("#air-region-table tbody tr").count() == 21
    assert ("Республика" not in text) or lang == "ru"
    if lang == "kk":  # the sources' notes are in Kazakh, not left in Russian
        assert "Суточные значения" not in text and "тәуліктік мәндері" in page.inner_text("#air-city-source")
        assert "сағат" in page.inner_text("#air-threshold-table")
    if lang != "en":
        assert theme_english_words(page) == []
        # the sources' citations (English, with repositories and commits) are in the downloads, not on the page
        assert "via Azam-Ra" not in text and "commit" not in text
    assert_clean(record)


def test_choosing_bishkek_redraws_the_city_view(live_server, page_and_record, artifacts_dir):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/air?lang=en", expected_graphs=len(GRAPHS))
    open_dropdown(page, "#air-series")
    page.locator("#air-city input.dash-dropdown-search, input.dash-dropdown-search").first.fill("Bishkek")
    option = page.locator("[role=option]").filter(has_text="US Embassy monitor").first
    option.wait_for(timeout=10_000)
    option.click()
    page.wait_for_function(
        "() => document.querySelector('#air-city-source')?.innerText.includes('US Embassy Bishkek')", timeout=20_000
    )
    assert page.inner_text("#air-city h3").startswith("Bishkek")
    assert page.locator(f"#air-daily-graph {PLOTLY_SVG}").count() >= 1
    assert "CC BY-NC" not in page.inner_text("#air-city-source")  # US Government data, not AirData
    page.screenshot(path=str(artifacts_dir / "air-bishkek-en.png"), full_page=True)
    assert_clean(record)


def test_a_stuck_series_shows_its_doubtful_values_with_the_rule_in_words(live_server, page_and_record, artifacts_dir):
    """Burabai PM2.5 (KazHydroMet) reads 20 µg/m³ for 493 days: the city view lists the stretch with its rule in
    words and draws those days apart from the line."""
    page, record = page_and_record
    open_page(page, f"{live_server.url}/air?lang=en", expected_graphs=len(GRAPHS))
    open_dropdown(page, "#air-series")
    page.locator("#air-city input.dash-dropdown-search, input.dash-dropdown-search").first.fill("Burabai")
    option = page.locator("[role=option]").filter(has_text="PM2.5").first
    option.wait_for(timeout=10_000)
    option.click()
    page.wait_for_function(
        "() => document.querySelector('#air-screening-table')?.innerText.includes('2024-08-17')", timeout=20_000
    )
    table = page.inner_text("#air-screening-table")
    assert "same value day after day" in table and "493" in table and "2025-12-22" in table
    assert "Doubtful value (left out)" in page.inner_text("#air-daily-graph")
    page.screenshot(path=str(artifacts_dir / "air-burabai-en.png"), full_page=True)
    assert_clean(record)
