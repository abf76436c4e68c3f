"""Issue 13 on the /aral-caspian page: the lead figure is never a lower-quality year, the later years are said with
their caveat in words, and the Caspian statements' notes are said beside their values, in every language."""

from __future__ import annotations

import duckdb
import pytest

from assets.common.flags import flag_words
from dashboard.i18n import format_number
from tests.support.browser import (
    assert_clean,
    english_words_outside_allow_list,
    open_page,
    plain_spaces,
    query_one,
    snapshot_file,
)


def query_all(published_home, sql: str) -> list[tuple]:
    with duckdb.connect(str(snapshot_file(published_home)), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_aral_lead_is_the_latest_year_not_of_lower_quality(
    live_server, page_and_record, artifacts_dir, lang, published_home
):
    page, record = page_and_record
    open_page(page, f"{live_server.url}/aral-caspian?lang={lang}", expected_graphs=3)
    page.locator("#aral").screenshot(path=str(artifacts_dir / f"aral-lead-{lang}.png"))
    lead_year, lead_value = query_one(
        published_home,
        """SELECT year, area_km2 FROM aral_area WHERE basin = 'total'
           AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'lower_quality') ORDER BY year DESC LIMIT 1""",
    )
    last_year, last_value, last_flags = query_one(
        published_home, "SELECT year, area_km2, flags FROM aral_area WHERE basin = 'total' ORDER BY year DESC LIMIT 1"
    )
    first_sentence = plain_spaces(page.inner_text("#aral-lead"))
    later = plain_spaces(page.inner_text("#aral-later-years"))
    assert plain_spaces(format_number(lead_value, lang, decimals=0, compact=False)) in first_sentence
    assert str(lead_year) in first_sentence and str(last_year) not in first_sentence
    # the latest year is there, after the lead, with its caveat in words
    assert plain_spaces(format_number(last_value, lang, decimals=0, compact=False)) in later
    assert flag_words(last_flags, lang) in later
    # the caveat box says the basins by period
    caveat = plain_spaces(page.inner_text("#aral-caveat"))
    assert "2006" in caveat and "2007" in caveat

    page.locator("#caspian").screenshot(path=str(artifacts_dir / f"caspian-notes-{lang}.png"))
    notes = plain_spaces(page.inner_text("#caspian-statement-notes"))
    for flag in ("kazakh_part_of_sea", "not_final_annual_mean"):
        assert flag_words(flag, lang) in notes
    latest_statement = query_one(
        published_home,
        "SELECT year, level_m, flags FROM caspian_level_annual WHERE datum = 'baltic' ORDER BY year DESC",
    )
    assert f"{latest_statement[0]}: {plain_spaces(format_number(latest_statement[1], lang, decimals=2))}" in notes
    # the datum-difference table says the statements' notes beside the years they concern
    for year, flags in query_all(published_home, "SELECT year, baltic_flags FROM caspian_datum_difference"):
        row = plain_spaces(page.inner_text(f"#datum-difference-table tbody tr:has(td:text-is('{year}'))"))
        assert all(flag_words(f, lang) in row for f in filter(None, (flags or "").split(";"))), (year, row)
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)
