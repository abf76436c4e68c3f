"""Regional aggregates on the pages (headless Chromium): a sum without all five countries is shown as the named
countries' sum, never as Central Asia, in ru, en and kk; the country profile names the covered set."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.i18n import format_number
from tests.support.browser import assert_clean, open_page, plain_spaces, query_one

pytestmark = pytest.mark.timeout(180)

NO_TOTAL = {
    "ru": "Итога по Центральной Азии за {year} г. нет",
    "en": "No Central Asia total for {year}",
    "kk": "{year} жылға Орталық Азия бойынша жиынтық жоқ",
}


@pytest.fixture(scope="session")
def covered_set_card(published_home: Path) -> tuple[str, int, float, str]:
    """A headline indicator whose latest regional row is a sum without every country (from the snapshot)."""
    row = query_one(
        published_home,
        """
        SELECT r.indicator_id, r.year, r.covered_set_value, r.covered_iso3
        FROM region_aggregates r JOIN indicators i USING (indicator_id)
        WHERE coalesce(i.headline_direction, '') <> ''
          AND NOT list_contains(string_split(coalesce(r.flags, ''), ';'), 'projection')
        QUALIFY r.year = max(r.year) OVER (PARTITION BY r.indicator_id) AND r.status = 'covered_set_only'
        ORDER BY r.indicator_id LIMIT 1
        """,
    )
    if row is None:
        pytest.skip("no headline indicator ends on a sum without every country in this snapshot")
    return str(row[0]), int(row[1]), float(row[2]), str(row[3])


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_a_sum_without_every_country_is_named_by_its_countries(
    live_server, page_and_record, artifacts_dir, lang, covered_set_card
):
    indicator_id, year, value, covered = covered_set_card
    page, record = page_and_record
    open_page(page, f"{live_server.url}/?lang={lang}", expected_graphs=1)
    card = page.locator(f"#card-{indicator_id}")
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(artifacts_dir / f"overview-covered-set-{lang}.png"))
    text = plain_spaces(card.inner_text())
    assert NO_TOTAL[lang].format(year=year) in text
    assert plain_spaces(format_number(value, lang)) in text
    assert "CA5" not in text
    assert_clean(record)


@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_the_overview_states_the_coverage_rules(live_server, page_and_record, lang):
    page, record = page_and_record
    text = plain_spaces(open_page(page, f"{live_server.url}/?lang={lang}", expected_graphs=1))
    words = {"ru": "по всем пяти странам", "en": "all five countries have data", "kk": "бес елдің бәрінде"}
    assert words[lang] in text
    assert_clean(record)
