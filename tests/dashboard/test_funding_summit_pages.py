"""The funding and summit pages in headless Chromium against a real published snapshot."""

from __future__ import annotations

import duckdb
import openpyxl
import pytest

from dashboard.i18n import format_number
from tests.support.browser import (
    assert_clean,
    open_dropdown,
    open_page,
    plain_spaces,
    query_one,
    snapshot_file,
    theme_english_words,
)

pytestmark = pytest.mark.timeout(180)


def test_funding_page_shows_flows_per_person_sources_and_domestic_spending(
    live_server, page_and_record, artifacts_dir, snapshot
):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/funding?lang=en", expected_graphs=4)
    page.screenshot(path=str(artifacts_dir / "funding_en.png"), full_page=True)
    assert "Climate-related development finance received (OECD CRS), by country" in text
    assert "must not be added up" in text
    # One trace per Central Asian country in the by-country chart, with the real yearly values.
    traces = page.evaluate(
        "() => document.getElementById('funding-country-graph').querySelector('.js-plotly-plot').data"
        ".map(d => [d.name, d.x.length, d.y.reduce((a, b) => a + b, 0)])"
    )
    expected = dict(
        snapshot.execute("""SELECT geo_id, sum(value) FROM indicator_values
        WHERE indicator_id = 'climate_finance_crs' AND geo_id IN ('KAZ','KGZ','TJK','TKM','UZB')
        GROUP BY 1""").fetchall()
    )
    names = dict(snapshot.execute("SELECT name_en, geo_id FROM geographies").fetchall())
    assert {names[n] for n, _, _ in traces} == set(expected)
    for name, _n, total in traces:
        assert total == pytest.approx(expected[names[name]])
    sources_table = plain_spaces(page.inner_text("#funding-sources-table"))
    assert "OECD CRS climate-related disbursements" in sources_table and "commitments" in sources_table
    assert page.locator("#funding-domestic-graph .main-svg").count() >= 1
    assert not record.outside_requests() and not record.page_errors


def test_funding_breakdown_follows_the_filters(live_server, page_and_record):
    page, _record = page_and_record
    open_page(page, f"{live_server.url}/funding?lang=en", expected_graphs=4)
    page.click("#funding-dimension")
    page.get_by_text("By theme (sector)", exact=True).click()
    page.wait_for_function(
        "() => document.getElementById('funding-breakdown-graph').querySelector('.js-plotly-plot')"
        ".data.some(d => d.name === 'Energy')",
        timeout=20_000,
    )


def test_summit_page_cards_tracker_timeline_in_russian(live_server, page_and_record, artifacts_dir):
    page, record = page_and_record
    page.goto(f"{live_server.url}/summit?lang=ru", wait_until="networkidle")
    page.wait_for_selector("#summit-directions")
    page.wait_for_selector("#snapshot-stamp")
    page.screenshot(path=str(artifacts_dir / "summit_ru.png"), full_page=True)
    text = plain_spaces(page.inner_text("body"))
    assert page.locator("#summit-directions .card").count() == 8
    # Adaptation, just transition and competences have no data: the cards say so plainly.
    for number in (2, 7, 8):
        assert "пока нет данных" in page.inner_text(f"#direction-{number}")
    assert page.locator("#direction-6 .card-indicators li").count() == 3
    assert "пока нет данных" not in page.inner_text("#direction-6")
    # viewers read the initiatives by name; the registry with statuses and citations is the analysts' page
    assert page.locator("#summit-initiatives-list li").count() == 4
    assert page.locator("#initiatives-tracker").count() == 0 and "seed-docs" not in text
    assert "Циркулярная экономика" in text and "Самарканд" in text
    assert page.locator("#summit-timeline li").count() >= 9
    assert not record.outside_requests() and not record.page_errors


def test_summit_tracker_filters_by_direction(live_server, page_and_record):
    page, _record = page_and_record
    page.goto(f"{live_server.url}/analysts?lang=en", wait_until="networkidle")
    page.wait_for_selector("#initiatives-tracker")
    open_dropdown(page, "#initiatives-direction")
    page.get_by_text("5. Combating air pollution and managing waste", exact=True).click()
    page.wait_for_function(
        "() => document.querySelectorAll('#initiatives-tracker tbody tr').length === 1", timeout=20_000
    )
    assert "Circular economy" in page.inner_text("#initiatives-tracker")


@pytest.mark.parametrize("lang", ["en", "kk"])
def test_summit_pack_downloads_from_the_page_in_its_language(live_server, page_and_record, tmp_path, snapshot, lang):
    from assets.exports.headers import catalogue_words

    page, _record = page_and_record
    page.goto(f"{live_server.url}/summit?lang={lang}", wait_until="networkidle")
    page.wait_for_selector("#summit-pack-xlsx")
    with page.expect_download(timeout=60_000) as download:
        page.click("#summit-pack-xlsx")
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    snapshot_id = snapshot.execute("SELECT snapshot_id FROM snapshot_info").fetchone()[0]
    assert target.name == f"summit_pack_{snapshot_id}_{lang}.xlsx"
    names = openpyxl.load_workbook(target, read_only=True).sheetnames
    assert len(names) == 11 and names[-3:] == [
        catalogue_words("pack", f"sheet_{p}", lang) for p in ("data", "sources", "notes")
    ]


# ---- Russian and Kazakh: values formatted for the locale, nothing left in English ------------------------

CENTRAL_ASIA = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_funding_page_in_russian_and_kazakh(live_server, page_and_record, artifacts_dir, published_home, lang):
    page, record = page_and_record
    text = open_page(page, f"{live_server.url}/funding?lang={lang}", expected_graphs=4)
    page.screenshot(path=str(artifacts_dir / f"funding_{lang}.png"), full_page=True)
    # the OECD CRS row of the sources table: its total and its number of records, as the snapshot has them
    amount, n_facts = query_one(
        published_home,
        """
        SELECT sum(amount), sum(n_facts) FROM funding_source_totals
        WHERE source_id = 'oecd_crs_climate' AND recipient_level = 'country' AND recipient_geo IN (SELECT unnest(?))
        GROUP BY flow_type, amount_unit ORDER BY 1 DESC LIMIT 1""",
        [list(CENTRAL_ASIA)],
    )
    sources_table = plain_spaces(page.inner_text("#funding-sources-table"))
    assert plain_spaces(format_number(amount, lang)) in sources_table
    assert plain_spaces(format_number(n_facts, lang, 0)) in sources_table
    # a figure stated in a seed document, with the locale's decimal comma
    stated = query_one(
        published_home, "SELECT value FROM funding_document_facts WHERE value LIKE '%.%' ORDER BY fact_id LIMIT 1"
    )[0]
    decimals = len(stated.split(".")[1])
    assert plain_spaces(format_number(float(stated), lang, decimals=decimals, compact=False)) in plain_spaces(
        page.inner_text("#funding-documents-table")
    )
    # donors in the legend are named in the page language (the first bar of the default view: Japan)
    legend = page.evaluate(
        "() => document.getElementById('funding-breakdown-graph').querySelector('.js-plotly-plot')"
        ".data.map(d => d.name)"
    )
    assert {"ru": "Япония", "kk": "Жапония"}[lang] in legend
    if lang == "kk":
        assert "Экологические проекты" not in text  # the seed documents' subjects are in Kazakh too
    assert theme_english_words(page) == []
    assert_clean(record)


@pytest.fixture(scope="session")
def summit_headline_values(published_home) -> dict[str, float]:
    """Per direction, the latest non-projected Central Asia value of its headline indicator (where there is one)."""
    with duckdb.connect(str(snapshot_file(published_home)), read_only=True) as con:
        rows = con.execute("""
            SELECT l.direction, v.value FROM summit_direction_indicators l JOIN indicator_values v USING (indicator_id)
            WHERE l.is_headline AND v.geo_id = 'CA5' AND v.value IS NOT NULL
              AND NOT list_contains(string_split(coalesce(v.flags, ''), ';'), 'projection')
            QUALIFY row_number() OVER (PARTITION BY l.direction ORDER BY v.year DESC) = 1""").fetchall()
    assert len(rows) >= 3, rows
    return {str(direction): float(value) for direction, value in rows}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_summit_page_in_russian_and_kazakh(live_server, page_and_record, artifacts_dir, summit_headline_values, lang):
    page, record = page_and_record
    page.goto(f"{live_server.url}/summit?lang={lang}", wait_until="networkidle")
    page.wait_for_selector("#summit-directions")
    page.wait_for_selector("#snapshot-stamp")
    page.screenshot(path=str(artifacts_dir / f"summit_{lang}.png"), full_page=True)
    text = plain_spaces(page.inner_text("body"))
    assert page.locator("#summit-directions .card").count() == 8
    for direction, value in list(summit_headline_values.items())[:3]:
        assert plain_spaces(format_number(value, lang)) in plain_spaces(page.inner_text(f"#direction-{direction}")), (
            direction
        )
    for number in (2, 7, 8):
        assert page.locator(f"#direction-{number} .no-regional").count() == 1
    assert page.locator("#summit-initiatives-list li").count() == 4
    if lang == "kk":
        # the bulletin's outcomes, the directions' focus, the initiatives and the consultations read in Kazakh
        assert "Циркулярлық экономика" in text and "Самарқанд" in text
        for russian in ("Совместная декларация", "энергоэффективность", "Циркулярная экономика", "Первая региональная"):
            assert russian not in text, russian
    assert theme_english_words(page) == []
    assert_clean(record)
