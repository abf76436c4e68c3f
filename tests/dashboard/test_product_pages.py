"""Every page of the dashboard in Russian, English and Kazakh, in a real browser (issue 6).

Per page and language: three values read straight from the published snapshot appear formatted for the
locale, no console error, no request to any host but the app's own, and a screenshot in tests/artifacts/.
On Russian and Kazakh pages no English word is left outside an allow-list of codes, units and proper names
(text deliberately kept in English, such as bibliographic citations, is marked `lang="en"` and skipped).
"""

from __future__ import annotations

import csv
import io
import urllib.request

import openpyxl
import pytest
from babel import Locale

from dashboard.i18n import format_number
from tests.support.browser import (
    assert_clean,
    english_words_outside_allow_list,
    plain_spaces,
    query_one,
    wait_for_charts,
)

pytestmark = pytest.mark.timeout(180)

LANGS = ("ru", "en", "kk")
REGION = "CA5"


def open_and_read(page, url: str, graphs: int = 0, selector: str = "#snapshot-stamp") -> str:
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector(selector, timeout=20_000)
    if graphs:
        wait_for_charts(page, graphs)
    page.wait_for_load_state("networkidle")
    return plain_spaces(page.inner_text("body"))


def fmt(value: float, lang: str, **kw) -> str:
    return plain_spaces(format_number(value, lang, **kw))


# ---- values read from the snapshot -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def headline_values(published_home) -> list[float]:
    """The latest published, non-projected Central Asia value of three headline indicators."""
    rows = []
    for direction in ("1", "4", "5"):
        row = query_one(
            published_home,
            """
            SELECT r.value FROM region_aggregates r JOIN indicators i USING (indicator_id)
            WHERE i.headline_direction = ? AND r.geo_id = 'CA5' AND r.status = 'published' AND r.value IS NOT NULL
              AND NOT list_contains(string_split(coalesce(r.flags, ''), ';'), 'projection')
            ORDER BY r.year DESC LIMIT 1
            """,
            [direction],
        )
        assert row is not None, f"no regional value for the headline of direction {direction}"
        rows.append(float(row[0]))
    return rows


@pytest.fixture(scope="session")
def kaz_profile_values(published_home) -> list[float]:
    """Kazakhstan's latest value of three indicators, as the profile shows them."""
    values = []
    for indicator_id in ("co2_per_capita", "forest_share", "freshwater_withdrawals"):
        row = query_one(
            published_home,
            """
            SELECT value FROM indicator_values
            WHERE indicator_id = ? AND geo_id = 'KAZ' AND value IS NOT NULL
              AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')
            ORDER BY year DESC LIMIT 1
            """,
            [indicator_id],
        )
        assert row is not None, indicator_id
        values.append(float(row[0]))
    return values


def explorer_value(published_home, geo_id: str, year: int) -> float:
    row = query_one(
        published_home,
        "SELECT value FROM indicator_values WHERE indicator_id = 'co2_per_capita' AND geo_id = ? AND year = ?",
        [geo_id, year],
    )
    assert row is not None, (geo_id, year)
    return float(row[0])


# ---- every page in every language ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_overview_shows_all_eight_directions(
    live_server, page_and_record, artifacts_dir, lang, headline_values, published_home
):
    page, record = page_and_record
    text = open_and_read(page, f"{live_server.url}/?lang={lang}", graphs=1)
    page.screenshot(path=str(artifacts_dir / f"product-overview-{lang}.png"), full_page=True)
    for value in headline_values:
        assert fmt(value, lang) in text
    assert page.locator("section.direction").count() == 8
    # directions without an indicator say so, and show no number
    for number in range(1, 9):
        has_indicator = query_one(
            published_home,
            "SELECT count(*) FROM indicators WHERE list_contains(string_split(coalesce(directions, ''), ';'), ?)",
            [str(number)],
        )[0]
        empty = page.locator(f"#direction-{number}-no-data").count()
        assert empty == (0 if has_indicator else 1), number
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)


@pytest.mark.parametrize("lang", LANGS)
def test_country_profile_beside_the_region(live_server, page_and_record, artifacts_dir, lang, kaz_profile_values):
    page, record = page_and_record
    text = open_and_read(page, f"{live_server.url}/country/KAZ?lang={lang}", selector=".profile-card")
    page.screenshot(path=str(artifacts_dir / f"product-country-KAZ-{lang}.png"), full_page=True)
    for value in kaz_profile_values:
        assert fmt(value, lang) in text
    assert {"ru": "Казахстан", "en": "Kazakhstan", "kk": "Қазақстан"}[lang] == page.inner_text("#country-name")
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)


def test_country_profile_refuses_an_unknown_code(live_server, page_and_record):
    page, record = page_and_record
    open_and_read(page, f"{live_server.url}/country/XYZ?lang=en", selector="#country-unknown")
    assert "XYZ" in page.inner_text("#country-unknown")
    assert page.locator(".profile-card").count() == 0
    # the document itself answers 404 (the browser logs that status); nothing else fails
    assert [e for e in record.console_errors if "404" not in e] == []
    assert record.page_errors == [] and record.outside_requests() == []


@pytest.mark.parametrize("lang", LANGS)
def test_explorer_renders_the_state_of_its_url(live_server, page_and_record, artifacts_dir, lang, published_home):
    page, record = page_and_record
    url = f"{live_server.url}/explorer?lang={lang}&indicator=co2_per_capita&geo=KAZ,UZB,CA5&from=2010&to=2020&year=2015"
    text = open_and_read(page, url, graphs=3)
    page.screenshot(path=str(artifacts_dir / f"product-explorer-{lang}.png"), full_page=True)
    for geo_id, year in (("KAZ", 2010), ("UZB", 2020), ("KAZ", 2015)):
        assert fmt(explorer_value(published_home, geo_id, year), lang) in text
    rows = page.locator("#explorer-table tbody tr").count()
    assert rows == 11  # the wide table: a row per year 2010..2020, a column per place, nothing else
    assert page.locator("#explorer-table thead th").count() == 1 + 3
    # the map is drawn by MapLibre from our own polygons
    assert page.locator("#explorer-map .maplibregl-canvas, #explorer-map canvas").count() >= 1
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)


def test_explorer_change_goes_into_the_url_and_the_download(live_server, page_and_record, published_home):
    page, record = page_and_record
    open_and_read(
        page,
        f"{live_server.url}/explorer?lang=ru&indicator=co2_per_capita&geo=KAZ&from=2015&to=2020&year=2020",
        graphs=3,
    )
    page.locator("#explorer-geo input[value='KGZ']").check()
    page.wait_for_function("() => window.location.search.includes('KGZ')", timeout=20_000)
    assert "geo=KAZ%2CKGZ" in page.url
    page.wait_for_function("() => document.querySelectorAll('#explorer-table thead th').length === 3", timeout=20_000)
    assert page.locator("#explorer-table tbody tr").count() == 6  # 2015..2020, KAZ and KGZ side by side
    href = page.get_attribute("#explorer-download-csv", "href")
    with urllib.request.urlopen(live_server.url + href) as response:
        body = response.read().decode("utf-8-sig")
    data_part = body.split("\n\n")[0]
    rows = list(csv.DictReader(io.StringIO(data_part), delimiter=";"))  # Russian Excel: ';' and decimal comma
    assert len(rows) == 12 and {r["Код территории"] for r in rows} == {"KAZ", "KGZ"}
    expected = explorer_value(published_home, "KGZ", 2018)
    kgz_2018 = next(r for r in rows if r["Код территории"] == "KGZ" and r["Год"] == "2018")
    assert float(kgz_2018["Значение"].replace(",", ".")) == pytest.approx(expected)
    assert "CC BY 4.0" in body and "snapshot" not in body.split("\n\n")[0]
    xlsx_href = page.get_attribute("#explorer-download-xlsx", "href")
    with urllib.request.urlopen(live_server.url + xlsx_href) as response:
        workbook = openpyxl.load_workbook(io.BytesIO(response.read()))
    assert workbook.sheetnames == ["data", "metadata"]
    assert workbook["data"].max_row == 13  # header + the 12 rows shown
    assert_clean(record)


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_lists_indicators_sources_and_checks(
    live_server, page_and_record, artifacts_dir, lang, published_home
):
    page, record = page_and_record
    text = open_and_read(page, f"{live_server.url}/catalogue?lang={lang}", selector="#catalogue-check-table")
    page.screenshot(path=str(artifacts_dir / f"product-catalogue-{lang}.png"), full_page=True)
    n_indicators = query_one(published_home, "SELECT count(*) FROM indicators")[0]
    n_sources = query_one(published_home, "SELECT count(*) FROM sources")[0]
    n_checks = query_one(published_home, "SELECT count(*) FROM check_results")[0]
    assert page.locator("#catalogue-indicator-table tbody tr").count() == n_indicators
    assert page.locator("#catalogue-source-table tbody tr").count() == n_sources
    assert page.locator("#catalogue-check-table tbody tr").count() == n_checks
    # three facts of the snapshot, formatted for the page: a declared freshness, a licence, a checksum start
    freshness, licence, sha = query_one(
        published_home,
        "SELECT i.freshness_years, s.licence, p.sha256 FROM indicators i JOIN sources s USING (source_id) "
        "JOIN provenance p USING (source_id) WHERE i.indicator_id = 'co2_per_capita' ORDER BY p.version DESC LIMIT 1",
    )
    form = Locale.parse(lang).plural_form(int(freshness))  # CLDR's rule: 2 года, 5 лет; 1 year, 2 years
    years = {"ru": {"one": "год", "few": "года"}.get(form, "лет"), "en": "year" if form == "one" else "years"}
    assert f"{freshness} {years.get(lang, 'жыл')}" in text
    assert licence in text and sha[:12] in text
    # an indicator with stale values carries a visible flag
    stale = query_one(
        published_home,
        "SELECT indicator_id FROM indicator_values WHERE list_contains("
        "string_split(coalesce(flags, ''), ';'), 'stale') LIMIT 1",
    )
    if stale:
        assert page.locator(f"#status-{stale[0]} .flag-stale").count() == 1
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)


@pytest.mark.parametrize("lang", LANGS)
def test_aral_caspian_in_every_language(live_server, page_and_record, artifacts_dir, lang, published_home):
    page, record = page_and_record
    text = open_and_read(page, f"{live_server.url}/aral-caspian?lang={lang}", graphs=3)
    page.screenshot(path=str(artifacts_dir / f"product-aral-caspian-{lang}.png"), full_page=True)
    first_total = query_one(
        published_home, "SELECT area_km2 FROM aral_area WHERE basin = 'total' ORDER BY year LIMIT 1"
    )[0]
    last_total = query_one(
        published_home, "SELECT area_km2 FROM aral_area WHERE basin = 'total' ORDER BY year DESC LIMIT 1"
    )[0]
    difference = query_one(published_home, "SELECT dahiti_m FROM caspian_datum_difference ORDER BY year LIMIT 1")[0]
    assert fmt(first_total, lang, decimals=0, compact=False) in text
    assert fmt(last_total, lang, decimals=0, compact=False) in text
    assert fmt(difference, lang, decimals=2) in text
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)


def test_language_is_remembered_but_the_url_wins(live_server, page_and_record):
    page, record = page_and_record
    open_and_read(page, f"{live_server.url}/catalogue?lang=kk")
    open_and_read(page, f"{live_server.url}/catalogue")  # no ?lang=: the remembered Kazakh
    assert page.locator('.page[lang="kk"]').count() == 1
    open_and_read(page, f"{live_server.url}/catalogue?lang=en")  # the URL wins
    assert page.locator('.page[lang="en"]').count() == 1
    assert_clean(record)


def test_phone_width_has_no_sideways_scroll(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        open_and_read(page, f"{live_server.url}/?lang=ru", graphs=1)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390 + 1
    finally:
        context.close()
