"""The dashboard pages in a real browser (Debian's Chromium driven by Playwright), against a published snapshot.

The fixtures (the live server over the session's `published_home`, the browser) are in tests/dashboard/conftest.py,
the helpers in tests/support/browser.py. Screenshots go to tests/artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from dashboard.i18n import format_number
from tests.support.browser import (
    PLOTLY_SVG,
    LiveServer,
    assert_clean,
    open_dropdown,
    open_page,
    plain_spaces,
    query_one,
    snapshot_file,
)

pytestmark = pytest.mark.timeout(180)


# ---- expectations read straight from the snapshot --------------------------------------------------------


@pytest.fixture(scope="session")
def latest_regional_value(published_home: Path) -> float:
    """A published Central Asia value of the latest year of its indicator: one the overview shows big."""
    row = query_one(
        published_home,
        """
        SELECT value FROM region_aggregates
        WHERE geo_id = 'CA5' AND status = 'published' AND value IS NOT NULL
          AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')
        QUALIFY year = max(year) OVER (PARTITION BY indicator_id)
        ORDER BY indicator_id LIMIT 1
        """,
    )
    if row is None:
        pytest.skip("the snapshot has no published regional aggregate")
    return float(row[0])


@pytest.fixture(scope="session")
def first_aral_total(published_home: Path) -> float:
    row = query_one(published_home, "SELECT area_km2 FROM aral_area WHERE basin = 'total' ORDER BY year LIMIT 1")
    assert row is not None, "aral_area has no total"
    return float(row[0])


# ---- tests -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_overview_shows_regional_values_and_country_chart(
    live_server, page_and_record, artifacts_dir, lang, latest_regional_value
):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/?lang={lang}", expected_graphs=1)
    page.screenshot(path=str(artifacts_dir / f"overview-{lang}.png"), full_page=True)

    assert page.locator(f"#overview-country-graph {PLOTLY_SVG}").count() >= 1
    assert page.locator("#overview-country-graph .bars .point").count() >= 1  # bars were drawn
    assert plain_spaces(format_number(latest_regional_value, lang)) in text
    heading = {"ru": "Центральная Азия: главное", "en": "Central Asia at a glance"}[lang]
    assert heading in text
    assert ("Данные на" if lang == "ru" else "Data as of") in text
    assert page.locator(".card").count() >= 1
    assert_clean(record)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_aral_caspian_shows_both_seas_with_caveats(live_server, page_and_record, artifacts_dir, lang, first_aral_total):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/aral-caspian?lang={lang}", expected_graphs=3)
    page.screenshot(path=str(artifacts_dir / f"aral-caspian-{lang}.png"), full_page=True)

    for graph_id in ("aral-area-graph", "caspian-annual-graph", "caspian-obs-graph"):
        assert page.locator(f"#{graph_id} {PLOTLY_SVG}").count() >= 1, graph_id
    assert plain_spaces(format_number(first_aral_total, lang, decimals=0, compact=False)) in text
    caveat = plain_spaces(page.inner_text("#aral-caveat"))
    assert "2018" in caveat and "2019" in caveat
    assert "DAHITI" in plain_spaces(page.inner_text("#datum-note"))
    assert page.locator("#datum-difference-table tbody tr").count() >= 1
    assert_clean(record)


def test_caspian_series_stay_two_traces(live_server, page_and_record):
    """The Baltic-system statements are markers of their own trace, never part of the DAHITI line."""
    page, _record = page_and_record
    open_page(page, f"{live_server.url}/aral-caspian?lang=en", expected_graphs=3)
    traces = page.evaluate(
        "() => document.getElementById('caspian-annual-graph').querySelector('.js-plotly-plot')"
        ".data.map(t => ({name: t.name, mode: t.mode}))"
    )
    baltic = [tr for tr in traces if "Baltic" in tr["name"]]
    dahiti_lines = [tr for tr in traces if "DAHITI" in tr["name"] and "lines" in (tr["mode"] or "")]
    assert len(baltic) == 1 and baltic[0]["mode"] == "markers"
    assert len(dahiti_lines) == 1


def test_language_switch_keeps_the_page(live_server, page_and_record):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/aral-caspian?lang=ru", expected_graphs=3)
    page.click("#lang-en")
    # every page frame carries its language: wait for the English one rather than for some English text,
    # which the Russian page has too (source titles are English)
    page.wait_for_selector('.page[lang="en"] #caspian', timeout=20_000)
    assert page.url.endswith("/aral-caspian?lang=en")
    assert page.inner_text("#caspian h2") == "Caspian Sea level"
    page.click("#nav-overview")
    page.wait_for_selector('.page[lang="en"] .countries', timeout=20_000)
    assert page.url.endswith("/?lang=en")
    assert page.inner_text("h1") == "Central Asia at a glance"
    assert_clean(record)


def test_choosing_another_indicator_redraws_the_country_chart(live_server, page_and_record, artifacts_dir):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/?lang=en", expected_graphs=1)
    caption_before = page.inner_text("#overview-country-table caption")
    open_dropdown(page, "#overview-country-indicator")
    options = page.locator("[role=option]")
    options.first.wait_for(timeout=10_000)
    labels = [label.strip() for label in options.all_inner_texts()]
    target = next((label for label in labels if label and label != caption_before), None)
    if target is None:
        pytest.skip("the snapshot has a single indicator with country values")
    options.filter(has_text=target).first.click()
    page.wait_for_function(
        "want => document.querySelector('#overview-country-table caption')?.innerText.trim() === want",
        arg=target,
        timeout=20_000,
    )
    assert page.locator(f"#overview-country-graph {PLOTLY_SVG}").count() >= 1
    page.screenshot(path=str(artifacts_dir / "overview-country-switched-en.png"), full_page=True)
    assert_clean(record)


# page -> the navigation entry marked as the current section (None: none is); an indicator's page belongs to
# "Показатели" (the explorer's entry), a country's profile to "Страны" whichever country it is
CURRENT_SECTION = {
    "/indicator/co2_per_capita": ("nav-explorer", "Показатели"),
    "/explorer": ("nav-explorer", "Показатели"),
    "/country/KGZ": ("nav-country", "Страны"),
    "/catalogue": ("nav-catalogue", "Каталог данных"),
    "/no-such-page": None,
}


@pytest.mark.parametrize("path", list(CURRENT_SECTION))
def test_navigation_marks_the_current_section(live_server, page_and_record, path):
    page, record = page_and_record
    page.goto(f"{live_server.url}{path}?lang=ru", wait_until="networkidle")
    page.wait_for_selector(".site-nav", timeout=20_000)
    current = page.locator('.site-nav [aria-current="page"]')
    active = page.locator(".site-nav .nav-link.active")
    expected = CURRENT_SECTION[path]
    if expected is None:
        assert current.count() == 0 and active.count() == 0
        return
    element_id, label = expected
    # one entry, marked for screen readers and for the eye (the CSS of `.active`: background and weight)
    assert current.count() == 1 and active.count() == 1
    assert current.get_attribute("id") == element_id == active.get_attribute("id")
    assert current.inner_text().strip() == label
    style = current.evaluate("a => [getComputedStyle(a).fontWeight, getComputedStyle(a).backgroundColor]")
    other = page.locator('.site-nav .nav-link:not([aria-current="page"])').first
    assert style != other.evaluate("a => [getComputedStyle(a).fontWeight, getComputedStyle(a).backgroundColor]")
    # the marked entry leads to its section, in the page's language
    assert current.get_attribute("href").endswith("?lang=ru")
    assert_clean(record)


@pytest.mark.parametrize("path", ["/", "/aral-caspian"])
def test_pages_without_a_snapshot_say_how_to_make_one(empty_live_server, page_and_record, artifacts_dir, path):
    page, record = page_and_record
    page.goto(f"{empty_live_server.url}{path}?lang=ru", wait_until="networkidle")
    page.wait_for_selector("#no-snapshot", timeout=20_000)
    assert "caei materialize" in page.inner_text("#no-snapshot")
    page.screenshot(path=str(artifacts_dir / f"no-snapshot{path.replace('/', '-') or '-'}.png"), full_page=True)
    assert_clean(record)


def test_a_new_publish_is_picked_up_without_restart(published_home, browser, tmp_path):
    """The app re-reads CURRENT on every request: swapping the pointer changes what a reload shows."""
    # ids in the pipeline's format (assets.snapshots.SNAPSHOT_ID), or the pointer is refused
    first_id, second_id = "20260101T000000000001Z-aaaaaa", "20260101T000000000002Z-bbbbbb"
    published = tmp_path / "published"
    (published / "snapshots").mkdir(parents=True)

    def publish(snapshot_id: str) -> None:
        target = published / "snapshots" / f"{snapshot_id}.duckdb"
        shutil.copyfile(snapshot_file(published_home), target)
        with duckdb.connect(str(target)) as con:
            con.execute("UPDATE snapshot_info SET snapshot_id = ?", [snapshot_id])
        pointer_tmp = published / "CURRENT.tmp"
        pointer_tmp.write_text(snapshot_id + "\n", encoding="utf-8")
        os.replace(pointer_tmp, published / "CURRENT")

    publish(first_id)
    with LiveServer(published) as server:
        context = browser.new_context()
        page = context.new_page()
        try:
            page.goto(f"{server.url}/aral-caspian?lang=en", wait_until="networkidle")
            page.wait_for_selector("#snapshot-stamp")
            assert first_id in page.inner_text("#snapshot-stamp")
            publish(second_id)
            page.reload(wait_until="networkidle")
            page.wait_for_selector("#snapshot-stamp")
            assert second_id in page.inner_text("#snapshot-stamp")
        finally:
            context.close()
