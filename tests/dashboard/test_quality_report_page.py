"""The quality report on the catalogue page (issue 13), in Russian, English and Kazakh, in a real browser.

Expected rows are counted straight from the snapshot with SQL, independently of assets/exports/quality.py: every
(table, flag) of every flags column, every quarantine reason, every check that did not pass. Screenshots of the
section go to tests/artifacts/catalogue-quality-<lang>.png.
"""

from __future__ import annotations

import duckdb
import pytest

from assets.common.flags import flag_words
from dashboard.i18n import format_number, t
from tests.support.browser import assert_clean, english_words_outside_allow_list, plain_spaces, snapshot_file

# generous: when this module runs first it builds the session's materialisation (published_home)
pytestmark = pytest.mark.timeout(1200)

LANGS = ("ru", "en", "kk")
QUARANTINES = ("water_quarantine", "air_quarantine", "funding_quarantine", "summit_registry_problems")


def expected_rows(published_home) -> dict[tuple[str, str], int]:
    """(table, flag or reason or check) -> count, read from the snapshot file with plain SQL."""
    expected: dict[tuple[str, str], int] = {}
    with duckdb.connect(str(snapshot_file(published_home)), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE column_name = 'flags' OR column_name LIKE '%\\_flags' ESCAPE '\\'"
        ).fetchall()
        for table, column in columns:
            for flag, n in con.execute(
                f"SELECT f, count(*) FROM (SELECT unnest(string_split(coalesce(\"{column}\", ''), ';')) AS f "
                f"FROM \"{table}\") WHERE f <> '' GROUP BY f"
            ).fetchall():
                expected[(table, flag)] = expected.get((table, flag), 0) + n
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for table in QUARANTINES:
            if table in present:
                for reason, n in con.execute(f"SELECT reason, count(*) FROM {table} GROUP BY reason").fetchall():
                    expected[(table, reason)] = n
        for name, asset, n in con.execute(
            "SELECT check_name, asset, n_failed FROM check_results WHERE NOT passed"
        ).fetchall():
            expected[(asset.split("/")[-1], name)] = n
    return expected


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_quality_section_counts_every_flag_and_kept_out_row(
    live_server, page_and_record, artifacts_dir, lang, published_home
):
    page, record = page_and_record
    page.goto(f"{live_server.url}/catalogue?lang={lang}", wait_until="networkidle")
    page.wait_for_selector("#catalogue-quality-table", timeout=30_000)
    section = page.locator("#catalogue-quality")
    section.screenshot(path=str(artifacts_dir / f"catalogue-quality-{lang}.png"))
    expected = expected_rows(published_home)
    assert expected, "the real snapshot has flagged values: the report cannot be empty"
    rows = page.locator("#catalogue-quality-table tbody tr")
    assert rows.count() == len(expected)
    shown = [plain_spaces(rows.nth(i).inner_text()) for i in range(rows.count())]
    # every flag of the snapshot is counted, in words, with its count formatted for the page
    for (table, rule), n in expected.items():
        count = plain_spaces(format_number(n, lang, decimals=0, compact=False))
        words = flag_words(rule, lang) if (table, rule) and table not in QUARANTINES else None
        if words and words != rule:
            assert any(words in row and count in row for row in shown), (table, rule, n)
    # the legend says what doubtful means
    legend = plain_spaces(page.inner_text("#quality-legend"))
    assert t("Doubtful", lang) in legend and t("For information", lang) in legend
    assert t("Kept out", lang) in legend
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)
