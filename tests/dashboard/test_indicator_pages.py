"""The indicator pages `/indicator/<id>` in a real browser: one indicator per theme in Russian, English and Kazakh.

Per page: the latest value and year of every place as the snapshot holds them, each country's rank among the
countries with a trusted value that year worked out here from the snapshot's rows (doubtful values never ranked),
links to other indicator pages, no internal ids on the page, no English outside the allow-list on ru/kk pages,
no console error, no outside request, a screenshot in tests/artifacts/. An unknown id answers 404; the catalogue
and the explorer link every indicator name to its page.
"""

from __future__ import annotations

import csv
import urllib.error
import urllib.request
from collections import Counter

import duckdb
import pytest

from assets.common.geography import CENTRAL_ASIA, REGION_ID
from assets.common.settings import SEEDS_DIR
from dashboard.i18n import format_number
from tests.support.browser import (
    assert_clean,
    english_words_outside_allow_list,
    plain_spaces,
    snapshot_file,
    wait_for_charts,
)

pytestmark = pytest.mark.timeout(300)

LANGS = ("ru", "en", "kk")


def first_indicator_of_each_theme() -> list[str]:
    with open(SEEDS_DIR / "indicators.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    first: dict[str, str] = {}
    for row in rows:
        first.setdefault(row["theme"], row["indicator_id"])
    return list(first.values())


# forest_share is among them: Kazakhstan reports 2023, its neighbours 2020 (a rank of the year they share)
THEME_INDICATORS = first_indicator_of_each_theme()


def doubtful_flags() -> set[str]:
    with open(SEEDS_DIR / "flags.csv", encoding="utf-8", newline="") as f:
        return {row["flag"] for row in csv.DictReader(f) if row["kind"] == "doubtful"}


def snapshot_rows(published_home, sql: str, params: list) -> list[tuple]:
    with duckdb.connect(str(snapshot_file(published_home)), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def expected_latest(published_home, indicator_id: str) -> dict[str, dict]:
    """Each shown place's latest observed value and, for a country, its rank: worked out here from the rows."""
    rows = snapshot_rows(
        published_home,
        "SELECT geo_id, year, value, coalesce(flags, '') FROM indicator_values WHERE indicator_id = ? "
        "AND value IS NOT NULL AND NOT list_contains(string_split(coalesce(flags, ''), ';'), 'projection')",
        [indicator_id],
    )
    areas = {*CENTRAL_ASIA, REGION_ID}
    shown = {r[0] for r in rows if r[0] in areas} or {r[0] for r in rows}
    doubtful = doubtful_flags()

    def trusted(flags: str) -> bool:
        return not set(flags.split(";")) & doubtful

    latest: dict[str, dict] = {}
    for geo, year, value, flags in sorted(r for r in rows if r[0] in shown):
        latest[geo] = {"year": year, "value": value, "flags": flags}

    def rank_in(year: int, value: float) -> tuple[int, int] | None:
        same_year = [v for g, y, v, f in rows if g in CENTRAL_ASIA and y == year and trusted(f)]
        return (1 + sum(v > value for v in same_year), len(same_year)) if len(same_year) >= 2 else None

    for geo, row in latest.items():
        if geo not in CENTRAL_ASIA or not trusted(row["flags"]):
            continue
        rank = rank_in(row["year"], row["value"])
        if rank:
            row["rank"] = rank
            continue
        # no other country that year: the rank of the latest earlier year the country shares, with that year
        earlier = sorted((y, v) for g, y, v, f in rows if g == geo and y < row["year"] and trusted(f))
        for year, value in reversed(earlier):
            shared = rank_in(year, value)
            if shared:
                row["shared_rank"] = (*shared, year)
                break
    return latest


def rank_cell(row: dict, lang: str) -> str:
    words = rank_text(*row["rank"], lang) if "rank" in row else "–"
    if "shared_rank" in row:
        rank, n, year = row["shared_rank"]
        shared = {"ru": f"{rank} из {n} в {year} г.", "en": f"{rank} of {n} in {year}"}.get(lang)
        words += " · " + (shared or f"{year} ж. {n} елдің ішінде {rank}-орын")
    return words


RANK_HEAD = {"ru": "Место", "en": "Rank", "kk": "Орны"}


def rank_text(rank: int, n: int, lang: str) -> str:
    return {"ru": f"{rank} из {n}", "en": f"{rank} of {n}", "kk": f"{n} елдің ішінде {rank}-орын"}[lang]


def open_indicator(page, url: str) -> str:
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200
    page.wait_for_selector("#indicator-latest-table", timeout=30_000)
    wait_for_charts(page, max(1, page.locator(".dash-graph").count()), timeout=30_000)
    page.wait_for_load_state("networkidle")
    return plain_spaces(page.inner_text("body"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("indicator_id", THEME_INDICATORS)
def test_indicator_page(live_server, page_and_record, artifacts_dir, published_home, indicator_id, lang):
    page, record = page_and_record
    text = open_indicator(page, f"{live_server.url}/indicator/{indicator_id}?lang={lang}")
    page.screenshot(path=str(artifacts_dir / f"indicator-{indicator_id}-{lang}.png"), full_page=True)
    (name,) = snapshot_rows(
        published_home, f"SELECT name_{lang} FROM indicators WHERE indicator_id = ?", [indicator_id]
    )[0]
    assert plain_spaces(page.inner_text("h1")) == plain_spaces(name)

    latest = expected_latest(published_home, indicator_id)
    assert latest, f"{indicator_id} has no values in the snapshot"
    ranked = any(geo in CENTRAL_ASIA for geo in latest)  # the seas' pages have no rank column
    assert page.locator("#indicator-latest-table th", has_text=RANK_HEAD[lang]).count() == int(ranked)
    for geo, row in latest.items():
        cells = [plain_spaces(c) for c in page.locator(f"#latest-{geo} td").all_inner_texts()]
        assert cells[1] == plain_spaces(format_number(row["value"], lang)), (geo, cells)
        assert cells[2] == str(row["year"])
        if ranked:
            assert cells[3] == rank_cell(row, lang), (geo, cells)
    # one row per shown place, no more
    assert page.locator("#indicator-latest-table tbody tr").count() == len(latest)

    # the sections a ministry reader looks for are all there
    for section in ("indicator-about", "indicator-grid", "indicator-caveats", "indicator-sources", "indicator-related"):
        assert page.locator(f"#{section}").count() == 1
    # related indicators and the catalogue link to pages in the same language
    related = page.locator("#indicator-related a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    known = {r[0] for r in snapshot_rows(published_home, "SELECT indicator_id FROM indicators", [])}
    for href in related:
        path, _, query = href.partition("?")
        assert path.removeprefix("/indicator/") in known and query == f"lang={lang}"
    assert page.locator("a#chart-data-zip").get_attribute("href").startswith(f"/embed/indicator/{indicator_id}/")

    # no internal ids, source ids or file names in what a reader reads
    source_ids = {r[0] for r in snapshot_rows(published_home, "SELECT source_id FROM sources", [])}
    # (ids with an underscore: `population` is also an English word of the English page)
    assert [i for i in {indicator_id, *source_ids} if "_" in i and i in text] == []
    assert ".csv" not in text and "seed-docs" not in text
    if lang != "en":
        assert english_words_outside_allow_list(page) == []
    assert_clean(record)


def test_the_map_follows_its_year_slider(live_server, page_and_record):
    page, record = page_and_record
    open_indicator(page, f"{live_server.url}/indicator/pm25_exposure?lang=en")
    hover = "() => document.querySelector('#indicator-map .js-plotly-plot')._fullData[0].hovertemplate"
    assert ", 2019:" in page.evaluate(hover)
    page.get_by_role("slider").first.focus()
    page.keyboard.press("Home")
    page.wait_for_function(f"() => ({hover})().includes(', 2010:')", timeout=20_000)
    assert_clean(record)


def test_an_unknown_indicator_answers_404_with_the_friendly_page(live_server, page_and_record):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{live_server.url}/indicator/nope?lang=ru")
    assert refused.value.code == 404
    with urllib.request.urlopen(f"{live_server.url}/indicator/co2_per_capita?lang=ru") as known:
        assert known.status == 200
    page, _record = page_and_record
    response = page.goto(f"{live_server.url}/indicator/nope?lang=ru", wait_until="networkidle")
    assert response is not None and response.status == 404
    page.wait_for_selector("h1", timeout=20_000)
    assert page.inner_text("h1") == "Страница не найдена"


def test_catalogue_and_explorer_link_indicator_names_to_their_pages(live_server, page_and_record, published_home):
    page, record = page_and_record
    page.goto(f"{live_server.url}/catalogue?lang=kk", wait_until="networkidle")
    page.wait_for_selector("#catalogue-indicator-table", timeout=30_000)
    hrefs = page.locator("#catalogue-indicator-table tbody tr td:first-child a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    ids = [r[0] for r in snapshot_rows(published_home, "SELECT indicator_id FROM indicators", [])]
    assert Counter(hrefs) == Counter(f"/indicator/{i}?lang=kk" for i in ids)

    page.goto(f"{live_server.url}/explorer?lang=ru&indicator=forest_share", wait_until="networkidle")
    link = page.locator("#explorer-indicator-page-link")
    link.wait_for(timeout=30_000)
    assert link.get_attribute("href") == "/indicator/forest_share?lang=ru"
    link.click()
    page.wait_for_selector("#indicator-latest-table", timeout=30_000)
    (name,) = snapshot_rows(published_home, "SELECT name_ru FROM indicators WHERE indicator_id = 'forest_share'", [])[0]
    assert plain_spaces(page.inner_text("h1")) == plain_spaces(name)
    assert_clean(record)
